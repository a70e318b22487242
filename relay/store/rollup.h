#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "relay/store/store.h"

// Pure roll-up arithmetic for monitoring samples: fixed-width time buckets holding sums and
// maxima, so that averages can be computed later and buckets can be merged incrementally
// (what the SQL upserts do) without keeping the raw samples.
namespace ccc::relay::store {

inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int64_t kHourMs = 3'600'000;

// Start of the bucket of width width_ms (> 0) that holds ts_ms; floors also for negative ts.
int64_t BucketStart(int64_t ts_ms, int64_t width_ms);

// Aggregate of the samples in one bucket. An empty bucket (count 0) has zero maxima.
struct RollupBucket {
  uint32_t count = 0;
  double cpu_sum = 0;
  double cpu_max = 0;
  double mem_sum = 0;    // bytes; double so that long sums never overflow
  uint64_t mem_max = 0;  // bytes

  void Add(double cpu_pct, uint64_t mem_used_bytes);
  // Folds `other` in, as if its samples had been added one by one.
  void Merge(const RollupBucket& other);

  friend bool operator==(const RollupBucket&, const RollupBucket&) = default;
};

// Averages from sums; an empty bucket gives all zeros.
RollupPoint ToPoint(int64_t bucket_ms, const RollupBucket& bucket);

// Collects the buckets of one width touched by a set of samples, keyed by (device, bucket
// start) in ascending order. Not thread-safe.
class RollupAccumulator {
 public:
  using Key = std::pair<std::string, int64_t>;

  explicit RollupAccumulator(int64_t width_ms) : width_ms_(width_ms) {}

  void Add(std::string_view device, int64_t ts_ms, double cpu_pct, uint64_t mem_used_bytes);
  const std::map<Key, RollupBucket>& buckets() const { return buckets_; }
  int64_t width_ms() const { return width_ms_; }
  void Clear() { buckets_.clear(); }

 private:
  int64_t width_ms_;
  std::map<Key, RollupBucket> buckets_;
};

}  // namespace ccc::relay::store
