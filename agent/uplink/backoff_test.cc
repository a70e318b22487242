#include "agent/uplink/backoff.h"

#include <gtest/gtest.h>

#include <set>

namespace ccc::agent::uplink {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DelaysStayWithinMinAndGrowingCeiling) {
  Backoff backoff(milliseconds(500), milliseconds(60'000), 42);
  for (int n = 0; n < 30; ++n) {
    const auto ceiling = backoff.Ceiling();
    const auto delay = backoff.Next();
    EXPECT_GE(delay, milliseconds(500)) << "attempt " << n;
    EXPECT_LE(delay, ceiling) << "attempt " << n;
    EXPECT_LE(delay, milliseconds(60'000)) << "attempt " << n;
  }
}

TEST(Backoff, CeilingDoublesUntilMax) {
  Backoff backoff(milliseconds(500), milliseconds(3'000), 1);
  EXPECT_EQ(backoff.Ceiling(), milliseconds(500));
  (void)backoff.Next();
  EXPECT_EQ(backoff.Ceiling(), milliseconds(1'000));
  (void)backoff.Next();
  EXPECT_EQ(backoff.Ceiling(), milliseconds(2'000));
  (void)backoff.Next();
  EXPECT_EQ(backoff.Ceiling(), milliseconds(3'000));
  for (int i = 0; i < 100; ++i) (void)backoff.Next();
  EXPECT_EQ(backoff.Ceiling(), milliseconds(3'000));
}

TEST(Backoff, JitterSpreadsDelaysAcrossTheWindow) {
  std::set<int64_t> seen;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Backoff backoff(milliseconds(100), milliseconds(10'000), seed);
    for (int i = 0; i < 6; ++i) (void)backoff.Next();
    seen.insert(backoff.Next().count());
  }
  EXPECT_GT(seen.size(), 40u);
}

TEST(Backoff, ResetStartsOverAtMin) {
  Backoff backoff(milliseconds(200), milliseconds(10'000), 3);
  for (int i = 0; i < 5; ++i) (void)backoff.Next();
  backoff.Reset();
  EXPECT_EQ(backoff.Ceiling(), milliseconds(200));
  EXPECT_EQ(backoff.Next(), milliseconds(200));
}

TEST(UniformDelay, StaysWithinZeroAndUpperBound) {
  std::mt19937_64 rng(9);
  for (int i = 0; i < 1000; ++i) {
    const auto d = UniformDelay(milliseconds(5'000), rng);
    EXPECT_GE(d, milliseconds(0));
    EXPECT_LE(d, milliseconds(5'000));
  }
  EXPECT_EQ(UniformDelay(milliseconds(0), rng), milliseconds(0));
}

}  // namespace
}  // namespace ccc::agent::uplink
