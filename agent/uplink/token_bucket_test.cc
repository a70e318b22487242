#include "agent/uplink/token_bucket.h"

#include <gtest/gtest.h>

namespace ccc::agent::uplink {
namespace {

using std::chrono::milliseconds;
const TokenBucket::Clock::time_point kT0{};

TEST(TokenBucket, AllowsBurstThenRefusesUntilRefilled) {
  TokenBucket bucket(10, 3, kT0);
  EXPECT_TRUE(bucket.TryTake(kT0));
  EXPECT_TRUE(bucket.TryTake(kT0));
  EXPECT_TRUE(bucket.TryTake(kT0));
  EXPECT_FALSE(bucket.TryTake(kT0));
  EXPECT_FALSE(bucket.TryTake(kT0 + milliseconds(50)));
  EXPECT_TRUE(bucket.TryTake(kT0 + milliseconds(100)));
}

TEST(TokenBucket, SustainedRateMatchesConfiguredRate) {
  TokenBucket bucket(50, 1, kT0);
  int taken = 0;
  for (int ms = 0; ms < 10'000; ++ms) {
    if (bucket.TryTake(kT0 + milliseconds(ms))) ++taken;
  }
  EXPECT_NEAR(taken, 500, 2);
}

TEST(TokenBucket, NeverSavesMoreThanBurst) {
  TokenBucket bucket(100, 2, kT0);
  const auto later = kT0 + std::chrono::hours(1);
  EXPECT_TRUE(bucket.TryTake(later));
  EXPECT_TRUE(bucket.TryTake(later));
  EXPECT_FALSE(bucket.TryTake(later));
}

TEST(TokenBucket, ReportsTimeUntilNextToken) {
  TokenBucket bucket(10, 1, kT0);
  EXPECT_EQ(bucket.TimeUntilAvailable(kT0), TokenBucket::Clock::duration::zero());
  ASSERT_TRUE(bucket.TryTake(kT0));
  const auto wait = bucket.TimeUntilAvailable(kT0);
  EXPECT_GE(wait, milliseconds(99));
  EXPECT_LE(wait, milliseconds(101));
  EXPECT_TRUE(bucket.CanTake(kT0 + wait));
}

TEST(TokenBucket, ZeroRateIsUnlimited) {
  TokenBucket bucket(0, 1, kT0);
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(bucket.TryTake(kT0));
  EXPECT_EQ(bucket.TimeUntilAvailable(kT0), TokenBucket::Clock::duration::zero());
}

}  // namespace
}  // namespace ccc::agent::uplink
