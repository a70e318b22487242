#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace ccc::agent::uplink {

// Exponential backoff with full jitter: the n-th delay (n from 0) is drawn uniformly from
// [min, min(max, min * 2^n)], so a fleet that lost the broker at once spreads its retries
// over the whole window instead of coming back in waves. Reset() after a success.
// Deterministic for a given seed. Not thread-safe.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, uint64_t seed);

  std::chrono::milliseconds Next();
  void Reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }
  // The upper bound the next Next() draws from.
  std::chrono::milliseconds Ceiling() const;

 private:
  std::chrono::milliseconds min_;
  std::chrono::milliseconds max_;
  int attempt_ = 0;
  std::mt19937_64 rng_;
};

// A uniform random delay in [0, upto], from the caller's generator.
std::chrono::milliseconds UniformDelay(std::chrono::milliseconds upto, std::mt19937_64& rng);

}  // namespace ccc::agent::uplink
