#include "relay/store/rollup.h"

#include <algorithm>

namespace ccc::relay::store {

int64_t BucketStart(int64_t ts_ms, int64_t width_ms) {
  int64_t rem = ts_ms % width_ms;
  // C++ division truncates toward zero; buckets must floor so that -1 ms lands in [-w, 0).
  if (rem < 0) rem += width_ms;
  return ts_ms - rem;
}

void RollupBucket::Add(double cpu_pct, uint64_t mem_used_bytes) {
  cpu_max = count == 0 ? cpu_pct : std::max(cpu_max, cpu_pct);
  mem_max = count == 0 ? mem_used_bytes : std::max(mem_max, mem_used_bytes);
  cpu_sum += cpu_pct;
  mem_sum += static_cast<double>(mem_used_bytes);
  ++count;
}

void RollupBucket::Merge(const RollupBucket& other) {
  if (other.count == 0) return;
  cpu_max = count == 0 ? other.cpu_max : std::max(cpu_max, other.cpu_max);
  mem_max = count == 0 ? other.mem_max : std::max(mem_max, other.mem_max);
  cpu_sum += other.cpu_sum;
  mem_sum += other.mem_sum;
  count += other.count;
}

RollupPoint ToPoint(int64_t bucket_ms, const RollupBucket& bucket) {
  RollupPoint point;
  point.bucket_ms = bucket_ms;
  point.count = bucket.count;
  if (bucket.count == 0) return point;
  point.cpu_avg = bucket.cpu_sum / bucket.count;
  point.cpu_max = bucket.cpu_max;
  point.mem_used_avg = bucket.mem_sum / bucket.count;
  point.mem_used_max = static_cast<double>(bucket.mem_max);
  return point;
}

void RollupAccumulator::Add(std::string_view device, int64_t ts_ms, double cpu_pct,
                            uint64_t mem_used_bytes) {
  Key key(std::string(device), BucketStart(ts_ms, width_ms_));
  buckets_[std::move(key)].Add(cpu_pct, mem_used_bytes);
}

}  // namespace ccc::relay::store
