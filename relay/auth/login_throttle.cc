#include "relay/auth/login_throttle.h"

#include <algorithm>
#include <utility>

namespace ccc::relay::auth {
namespace {

using std::chrono::seconds;

// Remaining lock time, rounded up so a client that waits Retry-After seconds is let in.
seconds RemainingLock(LoginThrottle::TimePoint locked_until, LoginThrottle::TimePoint now) {
  if (locked_until <= now) return seconds(0);
  return std::max(seconds(1), std::chrono::ceil<seconds>(locked_until - now));
}

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleConfig config) : config_(std::move(config)) {}

const LoginThrottle::KeyState* LoginThrottle::Find(const KeyTable& table, std::string_view key) {
  auto it = table.entries.find(std::string(key));
  return it == table.entries.end() ? nullptr : &it->second;
}

ThrottleDecision LoginThrottle::Check(std::string_view account, std::string_view address,
                                      TimePoint now) const {
  seconds wait(0);
  if (const KeyState* state = Find(accounts_, account)) {
    wait = std::max(wait, RemainingLock(state->locked_until, now));
  }
  if (const KeyState* state = Find(addresses_, address)) {
    wait = std::max(wait, RemainingLock(state->locked_until, now));
  }
  return {wait == seconds(0), wait};
}

void LoginThrottle::RecordFailure(std::string_view account, std::string_view address,
                                  TimePoint now) {
  Fail(accounts_, account, config_.max_failures_per_account, now);
  Fail(addresses_, address, config_.max_failures_per_address, now);
}

void LoginThrottle::RecordSuccess(std::string_view account) {
  auto it = accounts_.entries.find(std::string(account));
  if (it == accounts_.entries.end()) return;
  accounts_.lru.erase(it->second.lru_position);
  accounts_.entries.erase(it);
}

void LoginThrottle::Fail(KeyTable& table, std::string_view key, int max_failures, TimePoint now) {
  auto [it, inserted] = table.entries.try_emplace(std::string(key));
  KeyState& state = it->second;
  if (inserted) {
    table.lru.push_front(it->first);
  } else {
    table.lru.splice(table.lru.begin(), table.lru, state.lru_position);
  }
  state.lru_position = table.lru.begin();

  if (state.locked_until > now) return;
  if (state.lockouts > 0 && now >= state.locked_until + config_.window) state.lockouts = 0;
  while (!state.failures.empty() && state.failures.front() <= now - config_.window) {
    state.failures.pop_front();
  }
  state.failures.push_back(now);
  if (std::cmp_greater_equal(state.failures.size(), max_failures)) {
    state.locked_until = now + LockoutFor(state.lockouts);
    ++state.lockouts;
    // A fresh count after the lockout: the next max_failures failures lock again, longer.
    state.failures.clear();
  }

  if (table.entries.size() > config_.max_keys) {
    table.entries.erase(table.lru.back());
    table.lru.pop_back();
  }
}

seconds LoginThrottle::LockoutFor(int previous_lockouts) const {
  seconds lockout = config_.base_lockout;
  for (int i = 0; i < previous_lockouts && lockout < config_.max_lockout; ++i) lockout *= 2;
  return std::min(lockout, config_.max_lockout);
}

}  // namespace ccc::relay::auth
