#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string_view>

#include "relay/auth/login_throttle.h"

namespace ccc::relay::auth {

// What the login endpoints share: a LoginThrottle made safe for concurrent requests, and a
// bound on how many password hashes or verifications (Argon2id: tens of milliseconds and
// tens of MiB each) run at once, so a burst of logins cannot exhaust memory or starve the
// other HTTP threads.
//
// Use per attempt: Check; if allowed, AcquireSlot, verify, then RecordFailure or
// RecordSuccess; the slot is released when the returned object goes away.
//
// Thread-safe: every method may be called from any HTTP thread.
class LoginGate {
 public:
  using Clock = std::function<LoginThrottle::TimePoint()>;

  // Holds one verification slot; releases it on destruction. Movable, not copyable.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class LoginGate;
    explicit Slot(LoginGate* gate) : gate_(gate) {}
    LoginGate* gate_;
  };

  static constexpr int kDefaultConcurrentVerifications = 2;

  // max_concurrent_verifications >= 1. clock defaults to std::chrono::steady_clock::now;
  // tests pass a fake one.
  explicit LoginGate(LoginThrottleConfig config = {},
                     int max_concurrent_verifications = kDefaultConcurrentVerifications,
                     Clock clock = nullptr);

  // account: normalised by the caller (lower-cased e-mail); address: client IP text.
  ThrottleDecision Check(std::string_view account, std::string_view address);
  void RecordFailure(std::string_view account, std::string_view address);
  void RecordSuccess(std::string_view account);

  // Waits up to `wait` for a free slot; nullopt when none became free (the caller answers
  // 503 and the client retries).
  std::optional<Slot> AcquireSlot(std::chrono::milliseconds wait);

 private:
  LoginThrottle::TimePoint Now() const;

  Clock clock_;
  std::mutex mutex_;
  LoginThrottle throttle_;  // guarded by mutex_
  std::counting_semaphore<> slots_;
};

}  // namespace ccc::relay::auth
