#include "relay/auth/login_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ccc::relay::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class FakeClock {
 public:
  LoginThrottle::TimePoint Now() const { return now_; }
  void Advance(std::chrono::steady_clock::duration by) { now_ += by; }
  LoginGate::Clock AsClock() {
    return [this] { return now_; };
  }

 private:
  LoginThrottle::TimePoint now_{std::chrono::hours(1000)};
};

LoginThrottleConfig ThreeFailures() {
  LoginThrottleConfig config;
  config.max_failures_per_account = 3;
  config.base_lockout = seconds(60);
  return config;
}

TEST(LoginGate, LocksAnAccountAfterTooManyFailures) {
  FakeClock clock;
  LoginGate gate(ThreeFailures(), 2, clock.AsClock());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(gate.Check("a@example.com", "10.0.0.1").allowed);
    gate.RecordFailure("a@example.com", "10.0.0.1");
  }
  ThrottleDecision decision = gate.Check("a@example.com", "10.0.0.2");
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.retry_after, seconds(60));
}

TEST(LoginGate, UsesTheInjectedClockToEndALockout) {
  FakeClock clock;
  LoginGate gate(ThreeFailures(), 2, clock.AsClock());
  for (int i = 0; i < 3; ++i) gate.RecordFailure("a@example.com", "10.0.0.1");
  clock.Advance(seconds(61));
  EXPECT_TRUE(gate.Check("a@example.com", "10.0.0.1").allowed);
}

TEST(LoginGate, SuccessClearsTheAccountsFailures) {
  FakeClock clock;
  LoginGate gate(ThreeFailures(), 2, clock.AsClock());
  gate.RecordFailure("a@example.com", "10.0.0.1");
  gate.RecordFailure("a@example.com", "10.0.0.1");
  gate.RecordSuccess("a@example.com");
  gate.RecordFailure("a@example.com", "10.0.0.1");
  EXPECT_TRUE(gate.Check("a@example.com", "10.0.0.1").allowed);
}

TEST(LoginGate, GivesNoMoreSlotsThanConfigured) {
  LoginGate gate({}, 2);
  auto first = gate.AcquireSlot(milliseconds(0));
  auto second = gate.AcquireSlot(milliseconds(0));
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(gate.AcquireSlot(milliseconds(10)).has_value());
}

TEST(LoginGate, ReleasesASlotWhenItGoesAway) {
  LoginGate gate({}, 1);
  {
    auto slot = gate.AcquireSlot(milliseconds(0));
    ASSERT_TRUE(slot.has_value());
  }
  EXPECT_TRUE(gate.AcquireSlot(milliseconds(0)).has_value());
}

TEST(LoginGate, BoundsConcurrentHoldersAcrossThreads) {
  LoginGate gate({}, 2);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::atomic<int> acquired{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int round = 0; round < 20; ++round) {
        auto slot = gate.AcquireSlot(std::chrono::seconds(10));
        if (!slot) continue;
        ++acquired;
        int now_inside = ++inside;
        int seen = most.load();
        while (now_inside > seen && !most.compare_exchange_weak(seen, now_inside)) {
        }
        std::this_thread::yield();
        --inside;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(acquired.load(), 160);
  EXPECT_LE(most.load(), 2);
}

}  // namespace
}  // namespace ccc::relay::auth
