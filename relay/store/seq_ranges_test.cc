#include "relay/store/seq_ranges.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace ccc::relay::store {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

using Set = std::vector<SeqInterval>;

// What the store does with one batch: keep the seqs not yet covered, then add the range.
struct Applied {
  std::vector<uint64_t> fresh;
  Set covered;
};

Applied Apply(const Set& covered, SeqInterval range, const std::vector<uint64_t>& seqs) {
  Applied out;
  for (uint64_t seq : seqs) {
    if (!Covers(covered, seq)) out.fresh.push_back(seq);
  }
  out.covered = AddRange(covered, range);
  return out;
}

std::vector<uint64_t> Seqs(uint64_t lo, uint64_t hi) {
  std::vector<uint64_t> seqs;
  for (uint64_t s = lo; s <= hi; ++s) seqs.push_back(s);
  return seqs;
}

TEST(SeqRanges, FirstBatchIsAllNewAndBecomesOneInterval) {
  Applied a = Apply({}, {1, 50}, Seqs(1, 50));
  EXPECT_EQ(a.fresh, Seqs(1, 50));
  EXPECT_EQ(a.covered, (Set{{1, 50}}));
}

TEST(SeqRanges, ConsecutiveBatchesCollapseIntoOneInterval) {
  Set covered;
  for (uint64_t lo = 1; lo < 1000; lo += 50) covered = AddRange(covered, {lo, lo + 49});
  EXPECT_EQ(covered, (Set{{1, 1000}}));
}

TEST(SeqRanges, ExactResendIsAllDuplicate) {
  Applied a = Apply({{1, 50}}, {1, 50}, Seqs(1, 50));
  EXPECT_TRUE(a.fresh.empty());
  EXPECT_EQ(a.covered, (Set{{1, 50}}));
}

TEST(SeqRanges, OutOfOrderArrivalAcrossRelaysFillsTheGap) {
  // Relay B stores the second batch before relay A stores the first.
  Applied second = Apply({}, {51, 100}, Seqs(51, 100));
  EXPECT_EQ(second.fresh, Seqs(51, 100));
  Applied first = Apply(second.covered, {1, 50}, Seqs(1, 50));
  EXPECT_EQ(first.fresh, Seqs(1, 50));
  EXPECT_EQ(first.covered, (Set{{1, 100}}));
}

TEST(SeqRanges, LaterBatchFirstLeavesAGapUntilTheMiddleArrives) {
  Set covered = AddRange(Set{{1, 50}}, {101, 150});
  EXPECT_EQ(covered, (Set{{1, 50}, {101, 150}}));
  Applied middle = Apply(covered, {51, 100}, Seqs(51, 100));
  EXPECT_EQ(middle.fresh, Seqs(51, 100));
  EXPECT_EQ(middle.covered, (Set{{1, 150}}));
}

TEST(SeqRanges, ResendRebatchedDifferentlyIsAllDuplicate) {
  Applied a = Apply({{1, 100}}, {26, 75}, Seqs(26, 75));
  EXPECT_TRUE(a.fresh.empty());
  EXPECT_EQ(a.covered, (Set{{1, 100}}));
}

TEST(SeqRanges, ResendSpanningTwoIntervalsAndTheGapKeepsOnlyTheGap) {
  Applied a = Apply({{1, 50}, {101, 150}}, {41, 110}, Seqs(41, 110));
  EXPECT_EQ(a.fresh, Seqs(51, 100));
  EXPECT_EQ(a.covered, (Set{{1, 150}}));
}

TEST(SeqRanges, OverlappingPartialBatchKeepsOnlyTheUncoveredTail) {
  Applied a = Apply({{1, 50}}, {41, 60}, Seqs(41, 60));
  EXPECT_EQ(a.fresh, Seqs(51, 60));
  EXPECT_EQ(a.covered, (Set{{1, 60}}));
}

TEST(SeqRanges, AdjacentRangesMergeOnBothSides) {
  EXPECT_EQ(AddRange(Set{{1, 10}, {21, 30}}, {11, 20}), (Set{{1, 30}}));
}

TEST(SeqRanges, RangesOneApartStaySeparate) {
  EXPECT_EQ(AddRange(Set{{1, 10}}, {12, 20}), (Set{{1, 10}, {12, 20}}));
}

TEST(SeqRanges, ThinnedSeqsInsideARangeCountAsCovered) {
  // The agent dropped 3..8; the batch still claims [1, 10], so they can never arrive later.
  Applied a = Apply({}, {1, 10}, {1, 2, 9, 10});
  EXPECT_EQ(a.covered, (Set{{1, 10}}));
  EXPECT_TRUE(Covers(a.covered, 5));
}

TEST(SeqRanges, MergeRangeReportsAbsorbedIntervalsInOrder) {
  RangeMerge m = MergeRange(Set{{1, 5}, {10, 20}, {22, 30}, {40, 50}}, {6, 21});
  EXPECT_EQ(m.merged, (SeqInterval{1, 30}));
  EXPECT_EQ(m.absorbed, (Set{{1, 5}, {10, 20}, {22, 30}}));
}

TEST(SeqRanges, MergeRangeWithNothingNearbyAbsorbsNothing) {
  RangeMerge m = MergeRange(Set{{1, 5}, {40, 50}}, {10, 20});
  EXPECT_EQ(m.merged, (SeqInterval{10, 20}));
  EXPECT_TRUE(m.absorbed.empty());
}

TEST(SeqRanges, CoversFindsSeqsOnlyInsideIntervals) {
  const Set covered{{5, 10}, {20, 20}};
  EXPECT_FALSE(Covers(covered, 4));
  EXPECT_TRUE(Covers(covered, 5));
  EXPECT_TRUE(Covers(covered, 10));
  EXPECT_FALSE(Covers(covered, 11));
  EXPECT_TRUE(Covers(covered, 20));
  EXPECT_FALSE(Covers(covered, 21));
  EXPECT_FALSE(Covers({}, 0));
}

TEST(SeqRanges, MaxSeqIsCoveredAndMergesWithoutOverflow) {
  Set covered = AddRange(Set{{kMax - 10, kMax - 1}}, {kMax, kMax});
  EXPECT_EQ(covered, (Set{{kMax - 10, kMax}}));
  EXPECT_TRUE(Covers(covered, kMax));
  EXPECT_FALSE(Covers(covered, kMax - 11));
}

TEST(SeqRanges, ZeroAndMaxDoNotWrapAroundIntoEachOther) {
  EXPECT_FALSE(OverlapsOrTouches({0, 0}, {kMax, kMax}));
  EXPECT_EQ(AddRange(Set{{kMax, kMax}}, {0, 0}), (Set{{0, 0}, {kMax, kMax}}));
}

TEST(SeqRanges, FullRangeAbsorbsEverything) {
  EXPECT_EQ(AddRange(Set{{0, 3}, {7, 9}, {kMax, kMax}}, {0, kMax}), (Set{{0, kMax}}));
}

TEST(SeqRanges, MergeWindowClampsAtTheEdges) {
  EXPECT_EQ(MergeWindow({0, kMax}), (SeqInterval{0, kMax}));
  EXPECT_EQ(MergeWindow({5, 9}), (SeqInterval{4, 10}));
}

TEST(SeqRanges, IsCanonicalRejectsAdjacentOverlappingAndUnsortedSets) {
  EXPECT_TRUE(IsCanonical(Set{{1, 5}, {7, 9}}));
  EXPECT_FALSE(IsCanonical(Set{{1, 5}, {6, 9}}));
  EXPECT_FALSE(IsCanonical(Set{{1, 5}, {4, 9}}));
  EXPECT_FALSE(IsCanonical(Set{{7, 9}, {1, 5}}));
  EXPECT_FALSE(IsCanonical(Set{{5, 1}}));
}

TEST(SeqRanges, RandomArrivalOrderAlwaysStoresEachSeqOnceAndEndsCanonical) {
  // 40 batches of 10 seqs, each sent twice, delivered in a scrambled but deterministic order.
  std::vector<SeqInterval> deliveries;
  for (int round = 0; round < 2; ++round) {
    for (uint64_t b = 0; b < 40; ++b) deliveries.push_back({b * 10 + 1, b * 10 + 10});
  }
  for (size_t i = 0; i < deliveries.size(); ++i) {
    std::swap(deliveries[i], deliveries[(i * 37 + 11) % deliveries.size()]);
  }
  Set covered;
  std::vector<int> stored(401, 0);
  for (SeqInterval range : deliveries) {
    Applied a = Apply(covered, range, Seqs(range.lo, range.hi));
    for (uint64_t s : a.fresh) ++stored[s];
    covered = a.covered;
    ASSERT_TRUE(IsCanonical(covered));
  }
  for (uint64_t s = 1; s <= 400; ++s) EXPECT_EQ(stored[s], 1) << "seq " << s;
  EXPECT_EQ(covered, (Set{{1, 400}}));
}

}  // namespace
}  // namespace ccc::relay::store
