#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ccc::relay::auth {

struct LoginThrottleConfig {
  // Failures within `window` that lock an account (across all addresses) ...
  int max_failures_per_account = 5;
  // ... or a client address (across all accounts).
  int max_failures_per_address = 20;
  std::chrono::seconds window{std::chrono::minutes(15)};
  // The first lockout of a key lasts base_lockout; each further one doubles, up to
  // max_lockout. A key's escalation is forgotten one window after its last lockout ended.
  std::chrono::seconds base_lockout{std::chrono::minutes(1)};
  std::chrono::seconds max_lockout{std::chrono::hours(1)};
  // Bound on remembered accounts and, separately, on remembered addresses; beyond it the
  // least recently failed key is forgotten.
  std::size_t max_keys = 100'000;
};

struct ThrottleDecision {
  bool allowed = true;
  // When !allowed: whole seconds until an attempt may be allowed again (>= 1), for the
  // API's 429 Retry-After header. Zero when allowed.
  std::chrono::seconds retry_after{0};
};

// Limits password guessing per account and per client address with sliding windows of
// failed attempts and exponentially growing lockouts. Pure: no clock, no I/O; the caller
// passes the current time, so tests drive it with a fake clock.
//
// Use: Check before verifying a password (a denied attempt must not be verified or
// recorded), then RecordFailure or RecordSuccess with the outcome. Account names are
// compared byte for byte, so callers normalise them first (e.g. lower-case e-mail).
//
// Not thread-safe: the caller serialises access (one mutex or strand). Memory is bounded
// by 2 * max_keys entries of at most max(max_failures_*) timestamps each.
class LoginThrottle {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit LoginThrottle(LoginThrottleConfig config = {});

  ThrottleDecision Check(std::string_view account, std::string_view address, TimePoint now) const;

  // Counts one failed attempt against both the account and the address; may start a
  // lockout. Failures recorded while a key is locked do not extend its lockout.
  void RecordFailure(std::string_view account, std::string_view address, TimePoint now);

  // Clears the account's failures and lockout history. The address keeps its count: one
  // valid login must not reset an address that is guessing passwords of other accounts.
  void RecordSuccess(std::string_view account);

  std::size_t tracked_accounts() const { return accounts_.entries.size(); }
  std::size_t tracked_addresses() const { return addresses_.entries.size(); }

 private:
  struct KeyState {
    std::deque<TimePoint> failures;  // within the window, oldest first
    int lockouts = 0;                // consecutive lockouts, drives the doubling
    TimePoint locked_until{};
    std::list<std::string>::iterator lru_position;
  };

  // Keys of one kind with least-recently-failed eviction; lru front = most recent.
  struct KeyTable {
    std::unordered_map<std::string, KeyState> entries;
    std::list<std::string> lru;
  };

  static const KeyState* Find(const KeyTable& table, std::string_view key);
  void Fail(KeyTable& table, std::string_view key, int max_failures, TimePoint now);
  std::chrono::seconds LockoutFor(int previous_lockouts) const;

  LoginThrottleConfig config_;
  KeyTable accounts_;
  KeyTable addresses_;
};

}  // namespace ccc::relay::auth
