#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

// Pure interval arithmetic behind exactly-once ingest (see protocol::Batch): per (device,
// stream, epoch) the store keeps the set of seqs already covered as closed intervals. A set is
// canonical when its intervals are sorted by lo, disjoint and not adjacent (no a.hi + 1 ==
// b.lo), so consecutive batches collapse into one interval. Everything works on the full
// uint64_t range without overflow.
namespace ccc::relay::store {

// The closed interval [lo, hi]; lo <= hi.
struct SeqInterval {
  uint64_t lo = 0;
  uint64_t hi = 0;

  friend bool operator==(const SeqInterval&, const SeqInterval&) = default;
};

// True when the union of a and b is one interval: they share a seq or one ends right before
// the other starts.
bool OverlapsOrTouches(SeqInterval a, SeqInterval b);

// True when `intervals` is canonical (see above).
bool IsCanonical(std::span<const SeqInterval> intervals);

// True when seq lies inside one of `covered`, which must be sorted by lo and disjoint.
bool Covers(std::span<const SeqInterval> covered, uint64_t seq);

// [range.lo - 1, range.hi + 1], clamped to the uint64_t range: every stored interval that can
// merge with `range` intersects this window. Used to load only the intervals that matter.
SeqInterval MergeWindow(SeqInterval range);

// What adding a range to a canonical set changes.
struct RangeMerge {
  SeqInterval merged;                 // range united with every absorbed interval
  std::vector<SeqInterval> absorbed;  // the intervals of the set that overlap or touch range;
                                      // they are replaced by `merged`, sorted by lo
};

// Adds `range` to `covered`, a canonical set or any sorted subset of one that holds every
// interval overlapping or touching `range`. The canonical result is the input minus
// `absorbed`, plus `merged`.
RangeMerge MergeRange(std::span<const SeqInterval> covered, SeqInterval range);

// The canonical set after adding `range` to the canonical set `covered`.
std::vector<SeqInterval> AddRange(std::span<const SeqInterval> covered, SeqInterval range);

}  // namespace ccc::relay::store
