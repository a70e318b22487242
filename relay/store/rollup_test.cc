#include "relay/store/rollup.h"

#include <gtest/gtest.h>

namespace ccc::relay::store {
namespace {

TEST(Rollup, BucketStartFloorsToTheWidth) {
  EXPECT_EQ(BucketStart(0, kMinuteMs), 0);
  EXPECT_EQ(BucketStart(59'999, kMinuteMs), 0);
  EXPECT_EQ(BucketStart(60'000, kMinuteMs), 60'000);
  EXPECT_EQ(BucketStart(7'199'999, kHourMs), 3'600'000);
}

TEST(Rollup, BucketStartFloorsNegativeTimestampsDownward) {
  EXPECT_EQ(BucketStart(-1, kMinuteMs), -60'000);
  EXPECT_EQ(BucketStart(-60'000, kMinuteMs), -60'000);
}

TEST(Rollup, BucketAveragesAndMaximaFollowTheSamples) {
  RollupBucket b;
  b.Add(10, 100);
  b.Add(30, 300);
  b.Add(20, 200);
  RollupPoint p = ToPoint(60'000, b);
  EXPECT_EQ(p.bucket_ms, 60'000);
  EXPECT_EQ(p.count, 3u);
  EXPECT_DOUBLE_EQ(p.cpu_avg, 20);
  EXPECT_DOUBLE_EQ(p.cpu_max, 30);
  EXPECT_DOUBLE_EQ(p.mem_used_avg, 200);
  EXPECT_DOUBLE_EQ(p.mem_used_max, 300);
}

TEST(Rollup, MaximumOfAllZeroSamplesIsZeroNotAStaleValue) {
  RollupBucket b;
  b.Add(0, 0);
  EXPECT_DOUBLE_EQ(b.cpu_max, 0);
  EXPECT_EQ(b.mem_max, 0u);
  EXPECT_EQ(b.count, 1u);
}

TEST(Rollup, MergingBucketsEqualsAddingAllSamplesToOne) {
  RollupBucket a, b, all;
  a.Add(5, 50);
  a.Add(7, 70);
  b.Add(90, 10);
  all.Add(5, 50);
  all.Add(7, 70);
  all.Add(90, 10);
  a.Merge(b);
  EXPECT_EQ(a, all);
}

TEST(Rollup, MergingIntoAnEmptyBucketTakesTheOtherMaxima) {
  RollupBucket empty, b;
  b.Add(3, 4);
  empty.Merge(b);
  EXPECT_EQ(empty, b);
}

TEST(Rollup, MergingAnEmptyBucketChangesNothing) {
  RollupBucket b;
  b.Add(3, 4);
  RollupBucket before = b;
  b.Merge(RollupBucket{});
  EXPECT_EQ(b, before);
}

TEST(Rollup, EmptyBucketGivesZeroPointWithoutDividingByZero) {
  RollupPoint p = ToPoint(0, RollupBucket{});
  EXPECT_EQ(p.count, 0u);
  EXPECT_DOUBLE_EQ(p.cpu_avg, 0);
  EXPECT_DOUBLE_EQ(p.mem_used_avg, 0);
}

TEST(Rollup, AccumulatorGroupsByDeviceAndBucket) {
  RollupAccumulator acc(kMinuteMs);
  acc.Add("b", 61'000, 10, 1);
  acc.Add("a", 1'000, 20, 2);
  acc.Add("a", 59'000, 40, 4);
  acc.Add("a", 60'000, 80, 8);
  ASSERT_EQ(acc.buckets().size(), 3u);
  auto it = acc.buckets().begin();
  EXPECT_EQ(it->first, (RollupAccumulator::Key{"a", 0}));
  EXPECT_EQ(it->second.count, 2u);
  EXPECT_DOUBLE_EQ(it->second.cpu_sum, 60);
  ++it;
  EXPECT_EQ(it->first, (RollupAccumulator::Key{"a", 60'000}));
  ++it;
  EXPECT_EQ(it->first, (RollupAccumulator::Key{"b", 60'000}));
}

TEST(Rollup, AccumulatorClearForgetsBuckets) {
  RollupAccumulator acc(kHourMs);
  acc.Add("a", 1, 1, 1);
  acc.Clear();
  EXPECT_TRUE(acc.buckets().empty());
}

}  // namespace
}  // namespace ccc::relay::store
