#include "relay/auth/login_gate.h"

#include <algorithm>
#include <utility>

namespace ccc::relay::auth {

LoginGate::Slot::~Slot() {
  if (gate_ != nullptr) gate_->slots_.release();
}

LoginGate::LoginGate(LoginThrottleConfig config, int max_concurrent_verifications, Clock clock)
    : clock_(std::move(clock)),
      throttle_(config),
      slots_(std::max(1, max_concurrent_verifications)) {}

LoginThrottle::TimePoint LoginGate::Now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

ThrottleDecision LoginGate::Check(std::string_view account, std::string_view address) {
  auto now = Now();
  std::lock_guard lock(mutex_);
  return throttle_.Check(account, address, now);
}

void LoginGate::RecordFailure(std::string_view account, std::string_view address) {
  auto now = Now();
  std::lock_guard lock(mutex_);
  throttle_.RecordFailure(account, address, now);
}

void LoginGate::RecordSuccess(std::string_view account) {
  std::lock_guard lock(mutex_);
  throttle_.RecordSuccess(account);
}

std::optional<LoginGate::Slot> LoginGate::AcquireSlot(std::chrono::milliseconds wait) {
  if (!slots_.try_acquire_for(wait)) return std::nullopt;
  return Slot(this);
}

}  // namespace ccc::relay::auth
