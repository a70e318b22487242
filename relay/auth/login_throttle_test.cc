#include "relay/auth/login_throttle.h"

#include <gtest/gtest.h>

#include <string>

namespace ccc::relay::auth {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// A small configuration so sequences stay short: 3 failures per account, 5 per address,
// in 10 minutes; lockouts of 60 s doubling up to 300 s.
LoginThrottleConfig SmallConfig() {
  LoginThrottleConfig config;
  config.max_failures_per_account = 3;
  config.max_failures_per_address = 5;
  config.window = minutes(10);
  config.base_lockout = seconds(60);
  config.max_lockout = seconds(300);
  config.max_keys = 1000;
  return config;
}

class LoginThrottleTest : public ::testing::Test {
 protected:
  LoginThrottle::TimePoint now_ = LoginThrottle::TimePoint() + hours(1000);
  LoginThrottle throttle_{SmallConfig()};

  void Fail(std::string_view account, std::string_view address, int times = 1) {
    for (int i = 0; i < times; ++i) {
      ASSERT_TRUE(throttle_.Check(account, address, now_).allowed)
          << "attempt " << i << " of " << times << " was denied";
      throttle_.RecordFailure(account, address, now_);
      now_ += seconds(1);
    }
  }
  ThrottleDecision Check(std::string_view account, std::string_view address) {
    return throttle_.Check(account, address, now_);
  }
};

TEST_F(LoginThrottleTest, AllowsAnUnknownAccountAndAddress) {
  ThrottleDecision decision = Check("alice", "10.0.0.1");
  EXPECT_TRUE(decision.allowed);
  EXPECT_EQ(decision.retry_after, seconds(0));
}

TEST_F(LoginThrottleTest, AllowsFailuresBelowTheAccountLimit) {
  Fail("alice", "10.0.0.1", 2);
  EXPECT_TRUE(Check("alice", "10.0.0.1").allowed);
}

TEST_F(LoginThrottleTest, LocksTheAccountAtTheLimitWithRetryAfterTheBaseLockout) {
  Fail("alice", "10.0.0.1", 3);
  // The last failure was one second ago (Fail advances the clock after each attempt).
  ThrottleDecision decision = Check("alice", "10.0.0.1");
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.retry_after, seconds(59));
}

TEST_F(LoginThrottleTest, LocksTheAccountForEveryAddress) {
  Fail("alice", "10.0.0.1", 3);
  EXPECT_FALSE(Check("alice", "192.0.2.7").allowed);
}

TEST_F(LoginThrottleTest, LeavesOtherAccountsAloneWhenOneIsLocked) {
  Fail("alice", "10.0.0.1", 3);
  EXPECT_TRUE(Check("bob", "192.0.2.7").allowed);
}

TEST_F(LoginThrottleTest, AllowsAgainWhenTheLockoutExpires) {
  Fail("alice", "10.0.0.1", 3);
  now_ += seconds(58);
  EXPECT_FALSE(Check("alice", "10.0.0.1").allowed);
  now_ += seconds(1);
  EXPECT_TRUE(Check("alice", "10.0.0.1").allowed);
}

TEST_F(LoginThrottleTest, RoundsRetryAfterUpToWholeSeconds) {
  Fail("alice", "10.0.0.1", 3);
  now_ += std::chrono::milliseconds(58'500);
  EXPECT_EQ(Check("alice", "10.0.0.1").retry_after, seconds(1));
}

TEST_F(LoginThrottleTest, ForgetsFailuresThatLeftTheSlidingWindow) {
  Fail("alice", "10.0.0.1", 2);
  now_ += minutes(10);
  Fail("alice", "10.0.0.1", 2);
  EXPECT_TRUE(Check("alice", "10.0.0.1").allowed);
}

TEST_F(LoginThrottleTest, CountsFailuresStillInsideTheSlidingWindow) {
  Fail("alice", "10.0.0.1", 2);
  now_ += minutes(9);
  Fail("alice", "10.0.0.1", 1);
  EXPECT_FALSE(Check("alice", "10.0.0.1").allowed);
}

TEST_F(LoginThrottleTest, DoublesTheLockoutOnEachRepeatedLockout) {
  Fail("alice", "a1", 3);
  now_ += seconds(60);
  Fail("alice", "a2", 3);
  EXPECT_EQ(Check("alice", "a3").retry_after, seconds(119));
  now_ += seconds(120);
  Fail("alice", "a4", 3);
  EXPECT_EQ(Check("alice", "a5").retry_after, seconds(239));
}

TEST_F(LoginThrottleTest, CapsTheLockoutAtTheMaximum) {
  for (int round = 0; round < 6; ++round) {
    Fail("alice", "a" + std::to_string(round), 3);
    now_ += Check("alice", "x").retry_after;
  }
  Fail("alice", "last", 3);
  EXPECT_EQ(Check("alice", "x").retry_after, seconds(299));
}

TEST_F(LoginThrottleTest, ForgetsTheEscalationOneWindowAfterALockoutEnded) {
  Fail("alice", "a1", 3);
  now_ += seconds(60) + minutes(10);
  Fail("alice", "a2", 3);
  EXPECT_EQ(Check("alice", "a3").retry_after, seconds(59));
}

TEST_F(LoginThrottleTest, IgnoresFailuresRecordedWhileLocked) {
  Fail("alice", "10.0.0.1", 3);
  throttle_.RecordFailure("alice", "10.0.0.1", now_);
  EXPECT_EQ(Check("alice", "10.0.0.1").retry_after, seconds(59));
}

TEST_F(LoginThrottleTest, SuccessClearsTheAccountsFailures) {
  Fail("alice", "10.0.0.1", 2);
  throttle_.RecordSuccess("alice");
  Fail("alice", "10.0.0.1", 2);
  EXPECT_TRUE(Check("alice", "10.0.0.1").allowed);
}

TEST_F(LoginThrottleTest, SuccessClearsTheAccountsLockoutEscalation) {
  Fail("alice", "a1", 3);
  now_ += seconds(60);
  throttle_.RecordSuccess("alice");
  Fail("alice", "a2", 3);
  EXPECT_EQ(Check("alice", "a3").retry_after, seconds(59));
}

TEST_F(LoginThrottleTest, SuccessDoesNotClearTheAddressCount) {
  Fail("alice", "10.0.0.1", 2);
  Fail("bob", "10.0.0.1", 2);
  throttle_.RecordSuccess("carol");
  Fail("carol", "10.0.0.1", 1);
  EXPECT_FALSE(Check("dave", "10.0.0.1").allowed);
}

TEST_F(LoginThrottleTest, LocksAnAddressGuessingManyAccounts) {
  for (int i = 0; i < 5; ++i) Fail("user" + std::to_string(i), "10.0.0.1", 1);
  ThrottleDecision decision = Check("fresh-user", "10.0.0.1");
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.retry_after, seconds(59));
}

TEST_F(LoginThrottleTest, AddressLockDoesNotLockTheAccountElsewhere) {
  for (int i = 0; i < 5; ++i) Fail("user" + std::to_string(i), "10.0.0.1", 1);
  EXPECT_TRUE(Check("user0", "192.0.2.7").allowed);
}

TEST_F(LoginThrottleTest, AccountLockDoesNotLockTheAddressForOtherAccounts) {
  Fail("alice", "10.0.0.1", 3);
  EXPECT_TRUE(Check("bob", "10.0.0.1").allowed);
}

TEST_F(LoginThrottleTest, ReportsTheLongerWaitWhenAccountAndAddressAreBothLocked) {
  Fail("alice", "10.0.0.1", 3);
  now_ += seconds(60);
  Fail("alice", "10.0.0.1", 2);
  // Address: 5 failures, first lockout (60 s). Account: second lockout pending one failure.
  Fail("alice", "10.0.0.2", 1);
  // Account locked for 120 s from one second ago; address 10.0.0.1 for 60 s from 2 s ago.
  EXPECT_EQ(Check("alice", "10.0.0.1").retry_after, seconds(119));
}

TEST(LoginThrottle, EvictsTheLeastRecentlyFailedKeyBeyondTheCap) {
  LoginThrottleConfig config = SmallConfig();
  config.max_failures_per_account = 2;
  config.max_keys = 2;
  LoginThrottle throttle(config);
  auto now = LoginThrottle::TimePoint() + hours(1);
  throttle.RecordFailure("alice", "a1", now);
  throttle.RecordFailure("bob", "a2", now);
  throttle.RecordFailure("carol", "a3", now);
  EXPECT_EQ(throttle.tracked_accounts(), 2u);
  EXPECT_EQ(throttle.tracked_addresses(), 2u);
  // alice's first failure was forgotten, so one more does not reach the limit of two ...
  throttle.RecordFailure("alice", "a4", now);
  EXPECT_TRUE(throttle.Check("alice", "a5", now).allowed);
  // ... while carol, still remembered, locks on her second.
  throttle.RecordFailure("carol", "a6", now);
  EXPECT_FALSE(throttle.Check("carol", "a7", now).allowed);
}

TEST(LoginThrottle, KeepsMemoryBoundedUnderASprayOfKeys) {
  LoginThrottleConfig config = SmallConfig();
  config.max_keys = 100;
  LoginThrottle throttle(config);
  auto now = LoginThrottle::TimePoint() + hours(1);
  for (int i = 0; i < 10'000; ++i) {
    throttle.RecordFailure("user" + std::to_string(i), "addr" + std::to_string(i), now);
  }
  EXPECT_EQ(throttle.tracked_accounts(), 100u);
  EXPECT_EQ(throttle.tracked_addresses(), 100u);
}

TEST(LoginThrottle, DefaultsMatchTheDocumentedPolicy) {
  LoginThrottleConfig config;
  EXPECT_EQ(config.max_failures_per_account, 5);
  EXPECT_EQ(config.max_failures_per_address, 20);
  EXPECT_EQ(config.window, minutes(15));
  EXPECT_EQ(config.max_keys, 100'000u);
}

}  // namespace
}  // namespace ccc::relay::auth
