#include "relay/oidc/login_state_store.h"

namespace ccc::relay::oidc {

LoginStateStore::LoginStateStore(int64_t lifetime_ms, std::size_t capacity)
    : lifetime_ms_(lifetime_ms), capacity_(capacity) {}

void LoginStateStore::DropExpiredLocked(int64_t now_ms) {
  while (!by_age_.empty() && by_age_.begin()->first + lifetime_ms_ <= now_ms) {
    by_state_.erase(by_age_.begin()->second);
    by_age_.erase(by_age_.begin());
  }
}

void LoginStateStore::Put(const std::string& state, PendingLogin login) {
  std::lock_guard lock(mutex_);
  DropExpiredLocked(login.created_ms);
  while (by_state_.size() >= capacity_ && !by_age_.empty()) {
    by_state_.erase(by_age_.begin()->second);
    by_age_.erase(by_age_.begin());
  }
  by_age_.emplace(login.created_ms, state);
  by_state_.insert_or_assign(state, std::move(login));
}

std::optional<PendingLogin> LoginStateStore::Take(std::string_view state, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = by_state_.find(state);
  if (it == by_state_.end()) return std::nullopt;
  PendingLogin login = std::move(it->second);
  auto [first, last] = by_age_.equal_range(login.created_ms);
  for (auto age = first; age != last; ++age) {
    if (age->second == state) {
      by_age_.erase(age);
      break;
    }
  }
  by_state_.erase(it);
  if (login.created_ms + lifetime_ms_ <= now_ms) return std::nullopt;
  return login;
}

std::size_t LoginStateStore::size() const {
  std::lock_guard lock(mutex_);
  return by_state_.size();
}

}  // namespace ccc::relay::oidc
