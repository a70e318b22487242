#include "agent/uplink/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace ccc::agent::uplink {

TokenBucket::TokenBucket(double rate_per_s, double burst, Clock::time_point now)
    : rate_(rate_per_s), burst_(std::max(1.0, burst)), tokens_(burst_), last_(now) {}

void TokenBucket::Refill(Clock::time_point now) {
  if (now <= last_) return;
  const double elapsed_s = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed_s * rate_);
  last_ = now;
}

bool TokenBucket::CanTake(Clock::time_point now) {
  if (unlimited()) return true;
  Refill(now);
  return tokens_ >= 1.0;
}

bool TokenBucket::TryTake(Clock::time_point now) {
  if (unlimited()) return true;
  if (!CanTake(now)) return false;
  tokens_ -= 1.0;
  return true;
}

TokenBucket::Clock::duration TokenBucket::TimeUntilAvailable(Clock::time_point now) {
  if (CanTake(now)) return Clock::duration::zero();
  const double wait_s = (1.0 - tokens_) / rate_;
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait_s) +
                                                     std::chrono::microseconds(1));
}

}  // namespace ccc::agent::uplink
