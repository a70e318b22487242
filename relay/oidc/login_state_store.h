#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

// Logins in progress: what the relay must remember between sending the browser to the
// provider and the provider sending it back. In memory (a relay restart only cancels logins
// in flight), bounded, expiring, single use. Thread-safe.
namespace ccc::relay::oidc {

struct PendingLogin {
  std::string nonce;
  std::string code_verifier;
  std::string return_to;
  int64_t created_ms = 0;
};

class LoginStateStore {
 public:
  static constexpr int64_t kDefaultLifetimeMs = 10 * 60 * 1000;
  static constexpr std::size_t kDefaultCapacity = 10000;

  explicit LoginStateStore(int64_t lifetime_ms = kDefaultLifetimeMs,
                           std::size_t capacity = kDefaultCapacity);

  // Remembers `login` under `state` (a fresh secret token). Expired entries are dropped
  // first; when the store is still full the oldest entry is dropped, so a flood of started
  // logins cannot grow memory without bound.
  void Put(const std::string& state, PendingLogin login);

  // Removes and returns the login for `state`: nullopt when unknown, already taken, or
  // older than the lifetime at now_ms.
  std::optional<PendingLogin> Take(std::string_view state, int64_t now_ms);

  std::size_t size() const;

 private:
  void DropExpiredLocked(int64_t now_ms);

  const int64_t lifetime_ms_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::string, PendingLogin, std::less<>> by_state_;
  std::multimap<int64_t, std::string> by_age_;  // created_ms -> state
};

}  // namespace ccc::relay::oidc
