#include "relay/store/seq_ranges.h"

#include <algorithm>
#include <limits>

namespace ccc::relay::store {

namespace {

constexpr uint64_t kMaxSeq = std::numeric_limits<uint64_t>::max();

}  // namespace

bool OverlapsOrTouches(SeqInterval a, SeqInterval b) {
  if (b.lo < a.lo) std::swap(a, b);
  // a starts first; they merge unless a ends more than one seq before b starts. a.hi + 1
  // cannot overflow here: a.hi == kMaxSeq would already be >= b.lo.
  return a.hi >= b.lo || a.hi + 1 == b.lo;
}

bool IsCanonical(std::span<const SeqInterval> intervals) {
  for (size_t i = 0; i < intervals.size(); ++i) {
    if (intervals[i].lo > intervals[i].hi) return false;
    if (i == 0) continue;
    const SeqInterval& prev = intervals[i - 1];
    if (prev.lo >= intervals[i].lo || OverlapsOrTouches(prev, intervals[i])) return false;
  }
  return true;
}

bool Covers(std::span<const SeqInterval> covered, uint64_t seq) {
  // The only candidate is the last interval starting at or before seq.
  auto after = std::upper_bound(covered.begin(), covered.end(), seq,
                                [](uint64_t s, const SeqInterval& i) { return s < i.lo; });
  if (after == covered.begin()) return false;
  return std::prev(after)->hi >= seq;
}

SeqInterval MergeWindow(SeqInterval range) {
  return {range.lo == 0 ? 0 : range.lo - 1, range.hi == kMaxSeq ? kMaxSeq : range.hi + 1};
}

RangeMerge MergeRange(std::span<const SeqInterval> covered, SeqInterval range) {
  RangeMerge result{range, {}};
  for (const SeqInterval& interval : covered) {
    if (!OverlapsOrTouches(interval, range)) continue;
    result.absorbed.push_back(interval);
    result.merged.lo = std::min(result.merged.lo, interval.lo);
    result.merged.hi = std::max(result.merged.hi, interval.hi);
  }
  return result;
}

std::vector<SeqInterval> AddRange(std::span<const SeqInterval> covered, SeqInterval range) {
  const RangeMerge merge = MergeRange(covered, range);
  std::vector<SeqInterval> result;
  result.reserve(covered.size() + 1);
  for (const SeqInterval& interval : covered) {
    if (!OverlapsOrTouches(interval, range)) result.push_back(interval);
  }
  auto at = std::lower_bound(result.begin(), result.end(), merge.merged.lo,
                             [](const SeqInterval& i, uint64_t lo) { return i.lo < lo; });
  result.insert(at, merge.merged);
  return result;
}

}  // namespace ccc::relay::store
