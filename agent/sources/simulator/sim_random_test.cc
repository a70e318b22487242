#include "agent/sources/simulator/sim_random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace ccc::agent::sources::sim {
namespace {

TEST(SimRandom, PortableExpMatchesTheLibraryToTwelveDigits) {
  for (double x = -150; x <= 15; x += 0.37) {
    EXPECT_NEAR(PortableExp(x) / std::exp(x), 1.0, 1e-11) << x;
  }
  EXPECT_EQ(PortableExp(0), 1.0);
}

TEST(SimRandom, PortableLogMatchesTheLibraryToTwelveDigits) {
  for (double x : {1e-6, 0.01, 0.5, 1.0, 1.5, 2.0, 10.0, 240.0, 1400.0}) {
    EXPECT_NEAR(PortableLog(x), std::log(x), 1e-12) << x;
  }
}

TEST(SimRandom, HashDependsOnEveryCoordinateAndTheirOrder) {
  EXPECT_NE(Hash(1, 2, 3), Hash(1, 3, 2));
  EXPECT_NE(Hash(1, 2, 3), Hash(2, 2, 3));
  EXPECT_NE(Hash(1, 2), Hash(1, 2, 0));
  EXPECT_EQ(Hash(7, 8, 9), Hash(7, 8, 9));
}

TEST(SimRandom, StableHashOfASerialDoesNotChangeBetweenBuilds) {
  // FNV-1a of "SN-1" with seed 5; a change here changes every simulated PBX.
  EXPECT_EQ(StableHash("SN-1", 5), 0xd04aee089ec29ecbull);
}

TEST(SimRandom, DrawsStayWithinTheirBounds) {
  Draws d(42);
  std::set<int64_t> seen;
  for (int i = 0; i < 10'000; ++i) {
    const int64_t v = d.Between(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    seen.insert(v);
    const double u = d.Unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    const double l = d.LogUniform(30, 300);
    ASSERT_GE(l, 30.0 * (1 - 1e-12));
    ASSERT_LE(l, 300.0 * (1 + 1e-12));
  }
  EXPECT_EQ(seen.size(), 7u);
}

TEST(SimRandom, FloorDivRoundsTowardsMinusInfinity) {
  EXPECT_EQ(FloorDiv(7, 2), 3);
  EXPECT_EQ(FloorDiv(-7, 2), -4);
  EXPECT_EQ(FloorDiv(-6, 2), -3);
  EXPECT_EQ(FloorDiv(0, 5), 0);
}

}  // namespace
}  // namespace ccc::agent::sources::sim
