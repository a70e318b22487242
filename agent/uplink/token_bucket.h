#pragma once

#include <chrono>

namespace ccc::agent::uplink {

// Paces publishing: `rate` tokens per second, at most `burst` saved up. A rate of 0 means
// unlimited. Time is passed in, so tests need no clock. Not thread-safe (the agent loop).
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double rate_per_s, double burst, Clock::time_point now);

  bool unlimited() const { return rate_ <= 0; }
  // True when a token is available at `now` (does not take it).
  bool CanTake(Clock::time_point now);
  // Takes one token; returns false (and takes nothing) when none is available.
  bool TryTake(Clock::time_point now);
  // How long until the next token; zero when one is available.
  Clock::duration TimeUntilAvailable(Clock::time_point now);

 private:
  void Refill(Clock::time_point now);

  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace ccc::agent::uplink
