#include "agent/collect/call_collector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <optional>

#include "agent/collect/test_outbox.h"
#include "agent/sources/simulator/pbx_simulator.h"
#include "common/protocol/streams.h"

namespace ccc::agent::collect {
namespace {

using ::testing::ElementsAre;

constexpr int64_t kNow = 1'700'000'000'000;

// A PBX with a fixed list of calls (ids 1000, 1001, ...); remembers what it was asked.
class FakeCallSource : public sources::PbxSource {
 public:
  explicit FakeCallSource(size_t count) {
    for (size_t i = 0; i < count; ++i) Add();
  }
  void Add() {
    sources::CallRecord c;
    c.id = 1000 + calls.size();
    c.start_ms = kNow - 3'600'000 + static_cast<int64_t>(calls.size()) * 1000;
    c.duration_s = 60;
    c.external_number = "+4930" + std::to_string(c.id);
    c.call_type = "business";
    calls.push_back(c);
  }

  Result<sources::PbxIdentity> Identity() override {
    return sources::PbxIdentity{"SN-1", "COMtrexx Advanced", "2.6.6"};
  }
  Result<std::vector<sources::CallRecord>> CallsAfter(uint64_t cursor, size_t max_records,
                                                      int64_t now_ms) override {
    asked.push_back({cursor, max_records});
    (void)now_ms;
    if (fail) return *fail;
    std::vector<sources::CallRecord> out;
    for (const auto& c : calls) {
      if (c.id > cursor && out.size() < max_records) out.push_back(c);
    }
    if (on_answer) on_answer(out);
    return out;
  }

  std::vector<sources::CallRecord> calls;
  std::vector<std::pair<uint64_t, size_t>> asked;  // cursor, max_records
  std::optional<Status> fail;
  std::function<void(std::vector<sources::CallRecord>&)> on_answer;
};

std::vector<uint64_t> StoredIds(testing::TestOutbox& outbox) {
  std::vector<uint64_t> ids;
  for (const auto& r : outbox.Records(protocol::kStreamCalls)) {
    ids.push_back(boost::json::parse(r.body).at("id").to_number<uint64_t>());
  }
  return ids;
}

std::vector<uint64_t> IdRange(uint64_t first, uint64_t count) {
  std::vector<uint64_t> ids;
  for (uint64_t i = 0; i < count; ++i) ids.push_back(first + i);
  return ids;
}

std::optional<std::string> StoredCursor(testing::TestOutbox& outbox) {
  auto cursor = outbox->Cursor(kCallsCursorKey);
  EXPECT_TRUE(cursor.ok());
  return cursor.ok() ? *cursor : std::nullopt;
}

TEST(CallCollector, StartsFromCursorZeroWhenNothingWasEverStored) {
  testing::TestOutbox outbox;
  FakeCallSource source(3);
  CallCollector collector(source, *outbox);
  ASSERT_TRUE(collector.Load().ok());
  ASSERT_TRUE(collector.Poll(kNow).ok());
  ASSERT_FALSE(source.asked.empty());
  EXPECT_EQ(source.asked[0].first, 0u);
}

TEST(CallCollector, StoresTheCallsWithTheLastIdAsCursor) {
  testing::TestOutbox outbox;
  FakeCallSource source(3);
  CallCollector collector(source, *outbox);
  ASSERT_TRUE(collector.Load().ok());
  auto more = collector.Poll(kNow);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_THAT(StoredIds(outbox), ElementsAre(1000, 1001, 1002));
  EXPECT_EQ(StoredCursor(outbox), "1002");
  EXPECT_EQ(collector.cursor(), 1002u);
}

TEST(CallCollector, RecordsAreStampedWithTheReadTime) {
  testing::TestOutbox outbox;
  FakeCallSource source(2);
  CallCollector collector(source, *outbox);
  ASSERT_TRUE(collector.Load().ok());
  ASSERT_TRUE(collector.Poll(kNow + 5).ok());
  for (const auto& r : outbox.Records(protocol::kStreamCalls)) EXPECT_EQ(r.ts_ms, kNow + 5);
}

TEST(CallCollector, ReadsPagesOf500UntilAShortPage) {
  testing::TestOutbox outbox;
  FakeCallSource source(1'234);
  CallCollector collector(source, *outbox, {.page_records = 500, .max_pages_per_round = 10});
  ASSERT_TRUE(collector.Load().ok());
  auto more = collector.Poll(kNow);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  ASSERT_EQ(source.asked.size(), 3u);
  EXPECT_EQ(source.asked[0], std::make_pair(uint64_t{0}, size_t{500}));
  EXPECT_EQ(source.asked[1], std::make_pair(uint64_t{1499}, size_t{500}));
  EXPECT_EQ(source.asked[2], std::make_pair(uint64_t{1999}, size_t{500}));
  EXPECT_EQ(StoredIds(outbox), IdRange(1000, 1'234));
}

TEST(CallCollector, AFullLastPageAsksOnceMoreToLearnThatNothingIsLeft) {
  testing::TestOutbox outbox;
  FakeCallSource source(1'000);
  CallCollector collector(source, *outbox, {.page_records = 500, .max_pages_per_round = 10});
  ASSERT_TRUE(collector.Load().ok());
  auto more = collector.Poll(kNow);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ(source.asked.size(), 3u);
  EXPECT_EQ(StoredIds(outbox).size(), 1'000u);
}

TEST(CallCollector, ARoundStopsAfterItsPageLimitAndTheNextOneContinues) {
  testing::TestOutbox outbox;
  FakeCallSource source(1'234);
  CallCollector collector(source, *outbox, {.page_records = 500, .max_pages_per_round = 2});
  ASSERT_TRUE(collector.Load().ok());
  auto more = collector.Poll(kNow);
  ASSERT_TRUE(more.ok());
  EXPECT_TRUE(*more);
  EXPECT_EQ(StoredIds(outbox).size(), 1'000u);
  more = collector.Poll(kNow);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ(StoredIds(outbox), IdRange(1000, 1'234));
}

TEST(CallCollector, NewCallsArePickedUpAfterTheCursorInALaterRound) {
  testing::TestOutbox outbox;
  FakeCallSource source(2);
  CallCollector collector(source, *outbox);
  ASSERT_TRUE(collector.Load().ok());
  ASSERT_TRUE(collector.Poll(kNow).ok());
  ASSERT_TRUE(collector.Poll(kNow).ok());  // nothing new: nothing stored, cursor kept
  EXPECT_EQ(StoredCursor(outbox), "1001");
  source.Add();
  ASSERT_TRUE(collector.Poll(kNow).ok());
  EXPECT_THAT(StoredIds(outbox), ElementsAre(1000, 1001, 1002));
  EXPECT_EQ(StoredCursor(outbox), "1002");
}

TEST(CallCollector, ARestartedAgentContinuesAfterTheStoredCursor) {
  testing::TestOutbox outbox;
  FakeCallSource source(3);
  {
    CallCollector collector(source, *outbox);
    ASSERT_TRUE(collector.Load().ok());
    ASSERT_TRUE(collector.Poll(kNow).ok());
  }
  source.Add();
  outbox.Reopen();
  source.asked.clear();
  CallCollector restarted(source, *outbox);
  ASSERT_TRUE(restarted.Load().ok());
  EXPECT_EQ(restarted.cursor(), 1002u);
  ASSERT_TRUE(restarted.Poll(kNow).ok());
  EXPECT_EQ(source.asked.at(0).first, 1002u);
  EXPECT_THAT(StoredIds(outbox), ElementsAre(1000, 1001, 1002, 1003));
}

// The process dies after the PBX answered a page but before that page reached the outbox:
// after a restart the page is read again, and every call is stored exactly once.
TEST(CallCollector, ACrashBetweenReadingAndStoringLosesAndRepeatsNothing) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  testing::TestOutbox outbox;
  FakeCallSource source(1'234);
  outbox.Close();
  EXPECT_EXIT(
      {
        outbox.Reopen();
        int pages = 0;
        source.on_answer = [&](std::vector<sources::CallRecord>&) {
          if (++pages == 2) ::_exit(3);  // the second page was read, not stored
        };
        CallCollector collector(source, *outbox, {.page_records = 500, .max_pages_per_round = 10});
        if (!collector.Load().ok()) ::_exit(1);
        (void)collector.Poll(kNow);
        ::_exit(0);
      },
      ::testing::ExitedWithCode(3), "");
  outbox.Reopen();
  EXPECT_EQ(StoredIds(outbox), IdRange(1000, 500)) << "only the first page was committed";
  EXPECT_EQ(StoredCursor(outbox), "1499");

  CallCollector restarted(source, *outbox, {.page_records = 500, .max_pages_per_round = 10});
  ASSERT_TRUE(restarted.Load().ok());
  ASSERT_TRUE(restarted.Poll(kNow).ok());
  EXPECT_EQ(StoredIds(outbox), IdRange(1000, 1'234));
}

TEST(CallCollector, AFullOutboxStoresNothingOfThePageAndKeepsTheCursor) {
  // Room for the first page of 100 calls (~30 KB) but not for the second.
  testing::TestOutbox outbox(/*max_bytes=*/48 * 1024);
  FakeCallSource source(250);
  CallCollector collector(source, *outbox, {.page_records = 100, .max_pages_per_round = 10});
  ASSERT_TRUE(collector.Load().ok());
  auto more = collector.Poll(kNow);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(StoredIds(outbox), IdRange(1000, 100));
  EXPECT_EQ(StoredCursor(outbox), "1099");
  EXPECT_EQ(collector.cursor(), 1099u);

  // Still full: asked again from the same cursor, nothing moves.
  more = collector.Poll(kNow);
  EXPECT_EQ(more.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(source.asked.back().first, 1099u);
  EXPECT_EQ(collector.cursor(), 1099u);
}

TEST(CallCollector, ResumesWithoutAGapOnceTheOutboxHasRoomAgain) {
  testing::TestOutbox outbox(/*max_bytes=*/48 * 1024);
  FakeCallSource source(250);
  CallCollector collector(source, *outbox, {.page_records = 100, .max_pages_per_round = 10});
  ASSERT_TRUE(collector.Load().ok());
  ASSERT_EQ(collector.Poll(kNow).status().code(), StatusCode::kResourceExhausted);

  std::vector<uint64_t> delivered = StoredIds(outbox);
  outbox.AcknowledgeAll(protocol::kStreamCalls);
  for (int round = 0; round < 10; ++round) {
    auto more = collector.Poll(kNow);
    const auto stored = StoredIds(outbox);
    delivered.insert(delivered.end(), stored.begin(), stored.end());
    outbox.AcknowledgeAll(protocol::kStreamCalls);
    if (more.ok() && !*more) break;
  }
  EXPECT_EQ(delivered, IdRange(1000, 250));
}

TEST(CallCollector, IdsThatDoNotAscendAfterTheCursorAreRefusedAndNothingIsStored) {
  testing::TestOutbox outbox;
  FakeCallSource source(3);
  source.on_answer = [](std::vector<sources::CallRecord>& page) { std::swap(page[1], page[2]); };
  CallCollector collector(source, *outbox);
  ASSERT_TRUE(collector.Load().ok());
  auto more = collector.Poll(kNow);
  EXPECT_EQ(more.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(StoredIds(outbox).empty());
  EXPECT_EQ(StoredCursor(outbox), std::nullopt);
}

TEST(CallCollector, PassesTheSourcesErrorOnAndKeepsTheCursor) {
  testing::TestOutbox outbox;
  FakeCallSource source(3);
  source.fail = Unavailable("PBX not reachable");
  CallCollector collector(source, *outbox);
  ASSERT_TRUE(collector.Load().ok());
  EXPECT_EQ(collector.Poll(kNow).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(collector.cursor(), 0u);
}

TEST(CallCollector, ASourceWithoutCallDataAnswersUnsupported) {
  testing::TestOutbox outbox;
  struct IdentityOnly : sources::PbxSource {
    Result<sources::PbxIdentity> Identity() override { return sources::PbxIdentity{}; }
  } source;
  CallCollector collector(source, *outbox);
  ASSERT_TRUE(collector.Load().ok());
  EXPECT_EQ(collector.Poll(kNow).status().code(), StatusCode::kUnsupported);
}

TEST(CallCollector, ACursorThatIsNotAnIdIsDataLoss) {
  testing::TestOutbox outbox;
  ASSERT_TRUE(outbox->AppendWithCursor(protocol::kStreamCalls, {}, kCallsCursorKey, "12x").ok());
  FakeCallSource source(1);
  CallCollector collector(source, *outbox);
  EXPECT_EQ(collector.Load().code(), StatusCode::kDataLoss);
}

// The simulator's history read in rounds of two pages, with a restart in between, gives
// the same calls as one uninterrupted read.
TEST(CallCollector, ReadsTheSimulatorsHistoryExactlyOnceAcrossARestart) {
  sources::PbxSimulator simulator({.serial = "SN-CALLS", .history_days = 2, .calls_per_hour = 600});
  auto all = simulator.CallsAfter(0, 100'000, kNow);
  ASSERT_TRUE(all.ok());
  ASSERT_GT(all->size(), 2'000u) << "the test needs more than four pages";

  testing::TestOutbox outbox;
  {
    CallCollector collector(simulator, *outbox, {.page_records = 500, .max_pages_per_round = 2});
    ASSERT_TRUE(collector.Load().ok());
    auto more = collector.Poll(kNow);
    ASSERT_TRUE(more.ok() && *more);
  }
  outbox.Reopen();
  CallCollector restarted(simulator, *outbox, {.page_records = 500, .max_pages_per_round = 2});
  ASSERT_TRUE(restarted.Load().ok());
  for (int i = 0; i < 100; ++i) {
    auto more = restarted.Poll(kNow);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
  }
  std::vector<uint64_t> expected;
  for (const auto& c : *all) expected.push_back(c.id);
  EXPECT_EQ(StoredIds(outbox), expected);
}

}  // namespace
}  // namespace ccc::agent::collect
