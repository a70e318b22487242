#include "agent/uplink/backoff.h"

#include <algorithm>

namespace ccc::agent::uplink {

Backoff::Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, uint64_t seed)
    : min_(std::max(min, std::chrono::milliseconds(1))), max_(std::max(max, min_)), rng_(seed) {}

std::chrono::milliseconds Backoff::Ceiling() const {
  // Doubling stops once past max_, so the shift cannot overflow.
  auto ceiling = min_;
  for (int i = 0; i < attempt_ && ceiling < max_; ++i) ceiling *= 2;
  return std::min(ceiling, max_);
}

std::chrono::milliseconds Backoff::Next() {
  const auto ceiling = Ceiling();
  ++attempt_;
  std::uniform_int_distribution<int64_t> dist(min_.count(), ceiling.count());
  return std::chrono::milliseconds(dist(rng_));
}

std::chrono::milliseconds UniformDelay(std::chrono::milliseconds upto, std::mt19937_64& rng) {
  if (upto.count() <= 0) return std::chrono::milliseconds(0);
  std::uniform_int_distribution<int64_t> dist(0, upto.count());
  return std::chrono::milliseconds(dist(rng));
}

}  // namespace ccc::agent::uplink
