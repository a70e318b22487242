#include "agent/outbox/outbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/sqlite/sqlite_db.h"

namespace ccc::agent::outbox {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr size_t kBodySize = 52;  // with the overhead, one row counts 100 bytes
constexpr uint64_t kRowBytes = kBodySize + kRowOverheadBytes;

// A JSON object of exactly `size` bytes (size >= 8).
std::string Body(size_t size, char fill = 'x') {
  return "{\"v\":\"" + std::string(size - 8, fill) + "\"}";
}

std::vector<NewRecord> Records(size_t count, int64_t first_ts = 1000,
                               size_t body_size = kBodySize) {
  std::vector<NewRecord> records;
  for (size_t i = 0; i < count; ++i) {
    records.push_back({first_ts + static_cast<int64_t>(i), Body(body_size)});
  }
  return records;
}

std::vector<uint64_t> Seqs(const PendingBatch& batch) {
  std::vector<uint64_t> seqs;
  for (const protocol::Record& record : batch.records) seqs.push_back(record.seq);
  return seqs;
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ =
        fs::temp_directory_path() / ("outbox_test_" + std::string(info->name()) + "_" +
                                     std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir_);
    path_ = (dir_ / "sub" / "outbox.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Outbox> OpenOutbox(uint64_t max_bytes = 64ull * 1024 * 1024, uint64_t reserve = 0,
                                     const std::string& path = {}) {
    OutboxOptions options;
    options.path = path.empty() ? path_ : path;
    options.max_bytes = max_bytes;
    options.alert_reserve_bytes = reserve;
    options.synchronous_full = false;  // durability is SQLite's job; keeps the tests fast
    Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(options);
    EXPECT_TRUE(outbox.ok()) << outbox.status().ToString();
    return outbox.ok() ? std::move(outbox).value() : nullptr;
  }

  // Every record of `stream` still deliverable, in order, by draining a rewound outbox.
  static std::vector<uint64_t> StoredSeqs(Outbox& outbox, std::string_view stream) {
    outbox.Rewind();
    std::vector<uint64_t> seqs;
    for (;;) {
      Result<std::optional<PendingBatch>> batch = outbox.NextBatch(stream, 1000, 1 << 30);
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok() || !batch->has_value()) break;
      for (uint64_t seq : Seqs(**batch)) seqs.push_back(seq);
    }
    outbox.Rewind();
    return seqs;
  }

  static StreamStats StatsOf(Outbox& outbox, std::string_view stream) {
    Result<OutboxStats> stats = outbox.Stats();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    if (stats.ok()) {
      for (const StreamStats& s : stats->streams) {
        if (s.stream == stream) return s;
      }
    }
    return {};
  }

  // Rows physically stored for `stream`, acknowledged or not, read beside the outbox.
  uint64_t StoredRows(std::string_view stream) const {
    sqlite::OpenOptions options;
    options.read_only = true;
    options.create = false;
    Result<sqlite::Database> db = sqlite::Database::Open(path_, options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return 0;
    Result<sqlite::Statement> count = db->Prepare("SELECT count(*) FROM records WHERE stream = ?1");
    EXPECT_TRUE(count.ok());
    if (!count.ok()) return 0;
    count->Bind(1, stream);
    Result<bool> row = count->Step();
    EXPECT_TRUE(row.ok() && *row);
    return row.ok() && *row ? static_cast<uint64_t>(count->ColumnInt(0)) : 0;
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(OutboxTest, SeqsStartAtOneAndIncreasePerStream) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("telemetry", Records(3)).ok());
  ASSERT_TRUE(outbox->Append("calls", Records(2)).ok());
  ASSERT_TRUE(outbox->Append("telemetry", Records(1)).ok());
  EXPECT_THAT(StoredSeqs(*outbox, "telemetry"), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(1, 2));
}

TEST_F(OutboxTest, StoresBodiesAndTimestampsAsGiven) {
  auto outbox = OpenOutbox();
  const std::vector<NewRecord> records = {{111, R"({"a":1})"}, {222, R"({"b":"ü"})"}};
  ASSERT_TRUE(outbox->Append("events", records).ok());
  auto batch = outbox->NextBatch("events", 10, 1 << 20);
  ASSERT_TRUE(batch.ok() && batch->has_value());
  ASSERT_EQ((*batch)->records.size(), 2u);
  EXPECT_EQ((*batch)->records[0], (protocol::Record{1, 111, R"({"a":1})"}));
  EXPECT_EQ((*batch)->records[1], (protocol::Record{2, 222, R"({"b":"ü"})"}));
}

TEST_F(OutboxTest, AppendIsAllOrNothingWhenTheSpanDoesNotFit) {
  auto outbox = OpenOutbox(/*max_bytes=*/5 * kRowBytes);
  ASSERT_TRUE(outbox->Append("calls", Records(3)).ok());
  EXPECT_FALSE(outbox->Append("calls", Records(3)).ok());
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(1, 2, 3));
  ASSERT_TRUE(outbox->Append("calls", Records(2)).ok());
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(1, 2, 3, 4, 5));
}

TEST_F(OutboxTest, BatchesComeInSeqOrderAndRespectMaxRecords) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(5)).ok());
  auto first = outbox->NextBatch("calls", 2, 1 << 20);
  auto second = outbox->NextBatch("calls", 2, 1 << 20);
  auto third = outbox->NextBatch("calls", 2, 1 << 20);
  ASSERT_TRUE(first.ok() && first->has_value() && second.ok() && second->has_value() &&
              third.ok() && third->has_value());
  EXPECT_THAT(Seqs(**first), ElementsAre(1, 2));
  EXPECT_THAT(Seqs(**second), ElementsAre(3, 4));
  EXPECT_THAT(Seqs(**third), ElementsAre(5));
}

TEST_F(OutboxTest, BatchRespectsMaxBytes) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(5)).ok());
  auto batch = outbox->NextBatch("calls", 100, 3 * kBodySize + 1);
  ASSERT_TRUE(batch.ok() && batch->has_value());
  EXPECT_THAT(Seqs(**batch), ElementsAre(1, 2, 3));
  EXPECT_EQ((*batch)->body_bytes, 3 * kBodySize);
}

TEST_F(OutboxTest, BatchHoldsOneRecordEvenIfItIsLargerThanMaxBytes) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("backup", Records(2, 0, 4096)).ok());
  auto batch = outbox->NextBatch("backup", 100, 10);
  ASSERT_TRUE(batch.ok() && batch->has_value());
  EXPECT_THAT(Seqs(**batch), ElementsAre(1));
}

TEST_F(OutboxTest, RangesAreContiguousAcrossBatches) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(7)).ok());
  uint64_t expected_lo = 1;
  for (int i = 0; i < 3; ++i) {
    auto batch = outbox->NextBatch("calls", 3, 1 << 20);
    ASSERT_TRUE(batch.ok() && batch->has_value());
    EXPECT_EQ((*batch)->range_lo, expected_lo);
    EXPECT_EQ((*batch)->range_hi, (*batch)->records.back().seq);
    expected_lo = (*batch)->range_hi + 1;
  }
  EXPECT_EQ(expected_lo, 8u);
}

TEST_F(OutboxTest, NextBatchIsEmptyWhenNothingWaits) {
  auto outbox = OpenOutbox();
  auto unknown = outbox->NextBatch("calls", 10, 1 << 20);
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  ASSERT_TRUE(outbox->Append("calls", Records(1)).ok());
  ASSERT_TRUE(outbox->NextBatch("calls", 10, 1 << 20).ok());
  auto drained = outbox->NextBatch("calls", 10, 1 << 20);
  ASSERT_TRUE(drained.ok());
  EXPECT_FALSE(drained->has_value());
}

TEST_F(OutboxTest, AcknowledgeFreesBytesAndHidesTheRecords) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(5)).ok());
  auto batch = outbox->NextBatch("calls", 3, 1 << 20);
  ASSERT_TRUE(batch.ok() && batch->has_value());
  ASSERT_TRUE(outbox->Acknowledge("calls", (*batch)->range_hi, 777).ok());

  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(4, 5));
  const StreamStats stats = StatsOf(*outbox, "calls");
  EXPECT_EQ(stats.depth, 2u);
  EXPECT_EQ(stats.bytes, 2 * kRowBytes);
  EXPECT_EQ(stats.last_acked_seq, 3u);
  EXPECT_EQ(stats.last_acked_at_ms, 777);
  EXPECT_EQ(outbox->Stats()->total_bytes, 2 * kRowBytes);
}

TEST_F(OutboxTest, AcknowledgeKeepsTheRowsUntilTheyArePurged) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(5)).ok());
  ASSERT_TRUE(outbox->Acknowledge("calls", 3, 0).ok());
  EXPECT_TRUE(outbox->HasAcknowledgedRows());
  EXPECT_EQ(StoredRows("calls"), 5u);
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(4, 5));
  EXPECT_EQ(StatsOf(*outbox, "calls").depth, 2u);
}

TEST_F(OutboxTest, AcknowledgedRowsAreNeverHandedOutAgainAfterRewind) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(4)).ok());
  ASSERT_TRUE(outbox->NextBatch("calls", 4, 1 << 20).ok());
  ASSERT_TRUE(outbox->Acknowledge("calls", 2, 0).ok());
  outbox->Rewind();
  auto batch = outbox->NextBatch("calls", 10, 1 << 20);
  ASSERT_TRUE(batch.ok() && batch->has_value());
  EXPECT_EQ((*batch)->range_lo, 3u);
  EXPECT_THAT(Seqs(**batch), ElementsAre(3, 4));
}

TEST_F(OutboxTest, AcknowledgingPartsOfHandedOutBatchesFreesExactlyTheirBytes) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(3)).ok());
  ASSERT_TRUE(outbox->Append("calls", Records(3, 1000, /*body_size=*/200)).ok());
  ASSERT_TRUE(outbox->NextBatch("calls", 2, 1 << 20).ok());  // 1..2
  ASSERT_TRUE(outbox->NextBatch("calls", 3, 1 << 20).ok());  // 3..5
  ASSERT_TRUE(outbox->NextBatch("calls", 3, 1 << 20).ok());  // 6
  ASSERT_TRUE(outbox->Acknowledge("calls", 2, 0).ok());      // a whole batch
  EXPECT_EQ(outbox->Stats()->total_bytes, kRowBytes + 3 * (200 + kRowOverheadBytes));
  ASSERT_TRUE(outbox->Acknowledge("calls", 4, 0).ok());  // part of one
  EXPECT_EQ(outbox->Stats()->total_bytes, 2 * (200 + kRowOverheadBytes));
  ASSERT_TRUE(outbox->Acknowledge("calls", 6, 0).ok());
  EXPECT_EQ(outbox->Stats()->total_bytes, 0u);
  EXPECT_EQ(StatsOf(*outbox, "calls").bytes, 0u);
}

TEST_F(OutboxTest, AcknowledgingAfterRewindFreesExactlyTheBytes) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(4)).ok());
  ASSERT_TRUE(outbox->NextBatch("calls", 2, 1 << 20).ok());
  outbox->Rewind();
  ASSERT_TRUE(outbox->NextBatch("calls", 3, 1 << 20).ok());
  ASSERT_TRUE(outbox->Acknowledge("calls", 3, 0).ok());
  EXPECT_EQ(outbox->Stats()->total_bytes, kRowBytes);
}

TEST_F(OutboxTest, BacklogUpperBoundCountsUnacknowledgedSeqsOfEveryStream) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(5)).ok());
  ASSERT_TRUE(outbox->Append("events", Records(2)).ok());
  ASSERT_TRUE(outbox->Acknowledge("calls", 3, 0).ok());
  EXPECT_EQ(outbox->BacklogUpperBound(), 4u);
}

TEST_F(OutboxTest, BacklogUpperBoundStillCountsThinnedSeqs) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("telemetry", Records(10)).ok());
  ASSERT_TRUE(outbox->Append("telemetry", Records(1)).ok());  // thins 1, 3, 5
  EXPECT_EQ(StatsOf(*outbox, "telemetry").depth, 8u);
  EXPECT_EQ(outbox->BacklogUpperBound(), 11u);
}

TEST_F(OutboxTest, PurgeDeletesAcknowledgedRowsInBoundedChunks) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(10)).ok());
  ASSERT_TRUE(outbox->Acknowledge("calls", 9, 0).ok());
  Result<bool> more = outbox->PurgeAcknowledged(4);
  ASSERT_TRUE(more.ok());
  EXPECT_TRUE(*more);
  EXPECT_EQ(StoredRows("calls"), 6u);
  ASSERT_TRUE(outbox->PurgeAcknowledged(4).ok());
  EXPECT_EQ(StoredRows("calls"), 2u);
  more = outbox->PurgeAcknowledged(4);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_FALSE(outbox->HasAcknowledgedRows());
  EXPECT_EQ(StoredRows("calls"), 1u);
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(10));
}

TEST_F(OutboxTest, PurgeWithoutALimitDeletesEveryAcknowledgedRowOfEveryStream) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(3)).ok());
  ASSERT_TRUE(outbox->Append("telemetry", Records(3)).ok());
  ASSERT_TRUE(outbox->Acknowledge("calls", 3, 0).ok());
  ASSERT_TRUE(outbox->Acknowledge("telemetry", 2, 0).ok());
  Result<bool> more = outbox->PurgeAcknowledged(0);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ(StoredRows("calls"), 0u);
  EXPECT_EQ(StoredRows("telemetry"), 1u);
}

TEST_F(OutboxTest, PurgeSkipsGapsLeftByThinning) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("telemetry", Records(10)).ok());
  ASSERT_TRUE(outbox->Append("telemetry", Records(1)).ok());  // thins 1, 3, 5
  ASSERT_TRUE(outbox->Acknowledge("telemetry", 6, 0).ok());
  EXPECT_EQ(outbox->Stats()->total_bytes, 5 * kRowBytes);
  ASSERT_TRUE(outbox->PurgeAcknowledged(0).ok());
  EXPECT_EQ(StoredRows("telemetry"), 5u);
  EXPECT_THAT(StoredSeqs(*outbox, "telemetry"), ElementsAre(7, 8, 9, 10, 11));
}

TEST_F(OutboxTest, ReopenAfterACrashFindsAndPurgesLeftoverAcknowledgedRows) {
  {
    auto outbox = OpenOutbox();
    ASSERT_TRUE(outbox->Append("calls", Records(6)).ok());
    ASSERT_TRUE(outbox->Acknowledge("calls", 4, 0).ok());
  }  // gone without purging, as after kill -9
  auto outbox = OpenOutbox();
  EXPECT_TRUE(outbox->HasAcknowledgedRows());
  EXPECT_EQ(StatsOf(*outbox, "calls").depth, 2u);
  EXPECT_EQ(outbox->Stats()->total_bytes, 2 * kRowBytes);
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(5, 6));
  ASSERT_TRUE(outbox->PurgeAcknowledged(0).ok());
  EXPECT_EQ(StoredRows("calls"), 2u);
}

TEST_F(OutboxTest, AcknowledgedRowsNeverMakeADurableAppendFail) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("calls", Records(10)).ok());
  ASSERT_TRUE(outbox->Acknowledge("calls", 10, 0).ok());
  ASSERT_TRUE(outbox->Append("calls", Records(10)).ok());
  // Deleted first so the file stays within the bound.
  EXPECT_EQ(StoredRows("calls"), 10u);
  EXPECT_FALSE(outbox->HasAcknowledgedRows());
  EXPECT_EQ(outbox->Stats()->total_bytes, 10 * kRowBytes);
}

TEST_F(OutboxTest, AcknowledgedRowsArePurgedBeforeAnythingIsThinned) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("telemetry", Records(10)).ok());
  ASSERT_TRUE(outbox->Acknowledge("telemetry", 5, 0).ok());
  ASSERT_TRUE(outbox->Append("telemetry", Records(5)).ok());
  EXPECT_EQ(StatsOf(*outbox, "telemetry").dropped, 0u);
  EXPECT_EQ(StoredRows("telemetry"), 10u);
  EXPECT_THAT(StoredSeqs(*outbox, "telemetry"), ElementsAre(6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

TEST_F(OutboxTest, AcknowledgedRowsWithinTheBoundStayForIdleTime) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("calls", Records(4)).ok());
  ASSERT_TRUE(outbox->Acknowledge("calls", 4, 0).ok());
  ASSERT_TRUE(outbox->Append("calls", Records(6)).ok());
  EXPECT_EQ(StoredRows("calls"), 10u);
  EXPECT_TRUE(outbox->HasAcknowledgedRows());
}

TEST_F(OutboxTest, AppendRefusesABodyThatIsNotAJsonObjectAndStoresNothing) {
  auto outbox = OpenOutbox();
  std::vector<NewRecord> records = Records(2);
  records[1].body = "[1,2]";
  const Status status = outbox->Append("calls", records);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("record 1"));
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre());
  EXPECT_EQ(StatsOf(*outbox, "calls").next_seq, 1u);
}

TEST_F(OutboxTest, AppendRefusesABodyThatIsNotJson) {
  auto outbox = OpenOutbox();
  const NewRecord record{1, "{\"a\":"};
  EXPECT_EQ(outbox->Append("calls", std::span(&record, 1)).code(), StatusCode::kInvalidArgument);
}

TEST_F(OutboxTest, ReadOnlyOpenDoesNotCountAcknowledgedRows) {
  auto writer = OpenOutbox();
  ASSERT_TRUE(writer->Append("calls", Records(3, /*first_ts=*/100)).ok());
  ASSERT_TRUE(writer->Acknowledge("calls", 2, 0).ok());
  Result<std::unique_ptr<Outbox>> reader = Outbox::OpenReadOnly(path_);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const StreamStats stats = StatsOf(**reader, "calls");
  EXPECT_EQ(stats.depth, 1u);
  EXPECT_EQ(stats.oldest_ts_ms, 102);
  EXPECT_EQ((*reader)->PurgeAcknowledged(0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(OutboxTest, AcknowledgeBeyondTheLastAssignedSeqIsRejected) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(2)).ok());
  EXPECT_EQ(outbox->Acknowledge("calls", 3, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(1, 2));
}

TEST_F(OutboxTest, RewindRedeliversUnacknowledgedRecords) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("calls", Records(6)).ok());
  ASSERT_TRUE(outbox->NextBatch("calls", 2, 1 << 20).ok());
  ASSERT_TRUE(outbox->Acknowledge("calls", 2, 0).ok());
  ASSERT_TRUE(outbox->NextBatch("calls", 2, 1 << 20).ok());  // 3..4 in flight, then lost
  outbox->Rewind();
  auto batch = outbox->NextBatch("calls", 10, 1 << 20);
  ASSERT_TRUE(batch.ok() && batch->has_value());
  EXPECT_EQ((*batch)->range_lo, 3u);
  EXPECT_THAT(Seqs(**batch), ElementsAre(3, 4, 5, 6));
}

TEST_F(OutboxTest, ReopenAfterDestroyWithoutAcknowledgeKeepsRecordsAndContinuesSeqs) {
  {
    auto outbox = OpenOutbox();
    ASSERT_TRUE(outbox->Append("calls", Records(4)).ok());
    ASSERT_TRUE(outbox->NextBatch("calls", 2, 1 << 20).ok());
    ASSERT_TRUE(outbox->Acknowledge("calls", 1, 0).ok());
    ASSERT_TRUE(outbox->NextBatch("calls", 10, 1 << 20).ok());  // in flight when it dies
  }
  auto outbox = OpenOutbox();
  auto batch = outbox->NextBatch("calls", 10, 1 << 20);
  ASSERT_TRUE(batch.ok() && batch->has_value());
  EXPECT_EQ((*batch)->range_lo, 2u);
  EXPECT_THAT(Seqs(**batch), ElementsAre(2, 3, 4));
  ASSERT_TRUE(outbox->Append("calls", Records(1)).ok());
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(2, 3, 4, 5));
}

TEST_F(OutboxTest, ReopenFromFilesCopiedWhileOpenKeepsEverything) {
  const std::string copy = (dir_ / "copy" / "outbox.db").string();
  uint64_t epoch = 0;
  auto outbox = OpenOutbox();
  epoch = outbox->epoch();
  ASSERT_TRUE(outbox->Append("calls", Records(3)).ok());
  ASSERT_TRUE(outbox->AppendWithCursor("telemetry", Records(2), "host", "c7").ok());
  ASSERT_TRUE(outbox->Acknowledge("calls", 1, 0).ok());
  // What a kill -9 leaves behind: the database and its WAL as they are on disk right now.
  fs::create_directories(fs::path(copy).parent_path());
  fs::copy_file(path_, copy);
  ASSERT_TRUE(fs::exists(path_ + "-wal"));
  fs::copy_file(path_ + "-wal", copy + "-wal");

  auto recovered = OpenOutbox(64ull * 1024 * 1024, 0, copy);
  EXPECT_EQ(recovered->epoch(), epoch);
  EXPECT_THAT(StoredSeqs(*recovered, "calls"), ElementsAre(2, 3));
  EXPECT_THAT(StoredSeqs(*recovered, "telemetry"), ElementsAre(1, 2));
  EXPECT_EQ(recovered->Cursor("host")->value_or(""), "c7");
  ASSERT_TRUE(recovered->Append("calls", Records(1)).ok());
  EXPECT_THAT(StoredSeqs(*recovered, "calls"), ElementsAre(2, 3, 4));
}

TEST_F(OutboxTest, EpochIsStableAcrossReopen) {
  uint64_t epoch = 0;
  {
    auto outbox = OpenOutbox();
    epoch = outbox->epoch();
  }
  EXPECT_NE(epoch, 0u);
  EXPECT_EQ(OpenOutbox()->epoch(), epoch);
}

TEST_F(OutboxTest, EpochDiffersForANewFile) {
  auto first = OpenOutbox();
  auto second = OpenOutbox(64ull * 1024 * 1024, 0, (dir_ / "other.db").string());
  EXPECT_NE(first->epoch(), second->epoch());
}

TEST_F(OutboxTest, ThinsTelemetryOldestFirstWhenFull) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("telemetry", Records(10)).ok());
  ASSERT_TRUE(outbox->Append("telemetry", Records(1)).ok());
  // Oldest half (1..5): every second one goes, starting with the oldest.
  EXPECT_THAT(StoredSeqs(*outbox, "telemetry"), ElementsAre(2, 4, 6, 7, 8, 9, 10, 11));
  EXPECT_EQ(outbox->Stats()->total_bytes, 8 * kRowBytes);
}

TEST_F(OutboxTest, CountsThinnedRecordsAsDropped) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("telemetry", Records(10)).ok());
  ASSERT_TRUE(outbox->Append("telemetry", Records(1)).ok());
  EXPECT_EQ(StatsOf(*outbox, "telemetry").dropped, 3u);
}

TEST_F(OutboxTest, NeverThinsRecordsHandedOutButNotAcknowledged) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("telemetry", Records(10)).ok());
  ASSERT_TRUE(outbox->NextBatch("telemetry", 4, 1 << 20).ok());  // 1..4 in flight
  ASSERT_TRUE(outbox->Append("telemetry", Records(1)).ok());
  EXPECT_THAT(StoredSeqs(*outbox, "telemetry"), ElementsAre(1, 2, 3, 4, 6, 8, 9, 10, 11));
}

TEST_F(OutboxTest, BatchAfterThinningCoversTheThinnedGap) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("telemetry", Records(10)).ok());
  ASSERT_TRUE(outbox->NextBatch("telemetry", 4, 1 << 20).ok());
  ASSERT_TRUE(outbox->Append("telemetry", Records(1)).ok());
  auto batch = outbox->NextBatch("telemetry", 100, 1 << 20);
  ASSERT_TRUE(batch.ok() && batch->has_value());
  EXPECT_EQ((*batch)->range_lo, 5u);
  EXPECT_THAT(Seqs(**batch), ElementsAre(6, 8, 9, 10, 11));
}

TEST_F(OutboxTest, DropsNewTelemetryWhenThinningCannotMakeRoom) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("calls", Records(9)).ok());
  ASSERT_TRUE(outbox->Append("telemetry", Records(1)).ok());
  ASSERT_TRUE(outbox->NextBatch("telemetry", 10, 1 << 20).ok());  // in flight: not thinnable
  EXPECT_TRUE(outbox->Append("telemetry", Records(2)).ok());
  const StreamStats stats = StatsOf(*outbox, "telemetry");
  EXPECT_EQ(stats.dropped, 2u);
  EXPECT_EQ(stats.next_seq, 2u);
  EXPECT_THAT(StoredSeqs(*outbox, "telemetry"), ElementsAre(1));
}

TEST_F(OutboxTest, ThinsTelemetryToMakeRoomForDurableRecords) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("telemetry", Records(5)).ok());
  ASSERT_TRUE(outbox->Append("calls", Records(5)).ok());
  ASSERT_TRUE(outbox->Append("calls", Records(1)).ok());
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(1, 2, 3, 4, 5, 6));
  EXPECT_THAT(StoredSeqs(*outbox, "telemetry"), ElementsAre(2, 4, 5));
}

TEST_F(OutboxTest, NeverThinsDurableStreams) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("calls", Records(8)).ok());
  ASSERT_TRUE(outbox->Append("telemetry", Records(2)).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(outbox->Append("telemetry", Records(2)).ok());
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8));
  EXPECT_EQ(StatsOf(*outbox, "calls").dropped, 0u);
}

TEST_F(OutboxTest, DurableAppendReturnsResourceExhaustedWhenFullAndStoresNothing) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("calls", Records(10)).ok());
  const Status status = outbox->Append("calls", Records(1));
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  const StreamStats stats = StatsOf(*outbox, "calls");
  EXPECT_EQ(stats.depth, 10u);
  EXPECT_EQ(stats.next_seq, 11u);
  EXPECT_EQ(stats.dropped, 0u);
}

TEST_F(OutboxTest, DurableAppendWithCursorLeavesTheCursorWhenFull) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->AppendWithCursor("calls", Records(10), "pbx.calls", "c1").ok());
  EXPECT_EQ(outbox->AppendWithCursor("calls", Records(1), "pbx.calls", "c2").code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(outbox->Cursor("pbx.calls")->value_or(""), "c1");
}

TEST_F(OutboxTest, FailedDurableAppendDoesNotThinTelemetry) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes);
  ASSERT_TRUE(outbox->Append("telemetry", Records(4)).ok());
  ASSERT_TRUE(outbox->NextBatch("telemetry", 2, 1 << 20).ok());  // 1..2 cannot be thinned
  ASSERT_TRUE(outbox->Append("calls", Records(6)).ok());
  EXPECT_FALSE(outbox->Append("calls", Records(3)).ok());
  EXPECT_THAT(StoredSeqs(*outbox, "telemetry"), ElementsAre(1, 2, 3, 4));
  EXPECT_EQ(StatsOf(*outbox, "telemetry").dropped, 0u);
}

TEST_F(OutboxTest, EventsMayUseTheAlertReserve) {
  auto outbox = OpenOutbox(/*max_bytes=*/10 * kRowBytes, /*reserve=*/2 * kRowBytes);
  ASSERT_TRUE(outbox->Append("calls", Records(10)).ok());
  ASSERT_FALSE(outbox->Append("calls", Records(1)).ok());
  EXPECT_TRUE(outbox->Append("events", Records(2)).ok());
  EXPECT_EQ(outbox->Append("events", Records(1)).code(), StatusCode::kResourceExhausted);
}

TEST_F(OutboxTest, ShrinkingMaxBytesOnReopenKeepsDurableData) {
  {
    auto outbox = OpenOutbox(/*max_bytes=*/100 * kRowBytes);
    ASSERT_TRUE(outbox->Append("calls", Records(10)).ok());
  }
  auto outbox = OpenOutbox(/*max_bytes=*/5 * kRowBytes);
  EXPECT_EQ(outbox->Append("calls", Records(1)).code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(outbox->Append("telemetry", Records(1)).ok());
  EXPECT_THAT(StoredSeqs(*outbox, "calls"), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
  ASSERT_TRUE(outbox->Acknowledge("calls", 10, 0).ok());
  EXPECT_TRUE(outbox->Append("calls", Records(1)).ok());
}

TEST_F(OutboxTest, CursorsRoundTrip) {
  auto outbox = OpenOutbox();
  EXPECT_FALSE(outbox->Cursor("pbx.calls")->has_value());
  ASSERT_TRUE(outbox->AppendWithCursor("calls", Records(1), "pbx.calls", "id=41").ok());
  ASSERT_TRUE(outbox->AppendWithCursor("calls", {}, "pbx.calls", "id=42").ok());
  EXPECT_EQ(outbox->Cursor("pbx.calls")->value_or(""), "id=42");
  outbox.reset();
  EXPECT_EQ(OpenOutbox()->Cursor("pbx.calls")->value_or(""), "id=42");
}

TEST_F(OutboxTest, StateRoundTrips) {
  auto outbox = OpenOutbox();
  EXPECT_FALSE(outbox->State("uplink.connected")->has_value());
  ASSERT_TRUE(outbox->SetState("uplink.connected", "1").ok());
  ASSERT_TRUE(outbox->SetState("uplink.connected", "0").ok());
  EXPECT_EQ(outbox->State("uplink.connected")->value_or(""), "0");
}

TEST_F(OutboxTest, StatsReportPerStreamFigures) {
  auto outbox = OpenOutbox(/*max_bytes=*/12345);
  ASSERT_TRUE(outbox->Append("telemetry", Records(3, /*first_ts=*/100)).ok());
  ASSERT_TRUE(outbox->Acknowledge("telemetry", 1, 5000).ok());
  Result<OutboxStats> stats = outbox->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->epoch, outbox->epoch());
  EXPECT_EQ(stats->max_bytes, 12345u);
  EXPECT_EQ(stats->total_bytes, 2 * kRowBytes);
  ASSERT_EQ(stats->streams.size(), 1u);
  const StreamStats& s = stats->streams[0];
  EXPECT_EQ(s.stream, "telemetry");
  EXPECT_EQ(s.depth, 2u);
  EXPECT_EQ(s.bytes, 2 * kRowBytes);
  EXPECT_EQ(s.oldest_ts_ms, 101);
  EXPECT_EQ(s.last_acked_seq, 1u);
  EXPECT_EQ(s.last_acked_at_ms, 5000);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(s.next_seq, 4u);
}

TEST_F(OutboxTest, StreamsListsEveryStreamEverWritten) {
  auto outbox = OpenOutbox();
  ASSERT_TRUE(outbox->Append("telemetry", Records(1)).ok());
  ASSERT_TRUE(outbox->Append("calls", Records(1)).ok());
  ASSERT_TRUE(outbox->Acknowledge("calls", 1, 0).ok());
  Result<std::vector<std::string>> streams = outbox->Streams();
  ASSERT_TRUE(streams.ok());
  EXPECT_THAT(*streams, ElementsAre("calls", "telemetry"));
}

TEST_F(OutboxTest, ReadOnlyOpenSeesTheWritersData) {
  auto writer = OpenOutbox(/*max_bytes=*/1 << 20);
  ASSERT_TRUE(writer->Append("calls", Records(2)).ok());
  ASSERT_TRUE(writer->SetState("uplink.connected", "1").ok());
  Result<std::unique_ptr<Outbox>> reader = Outbox::OpenReadOnly(path_);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_TRUE(writer->Append("calls", Records(1)).ok());

  EXPECT_EQ((*reader)->epoch(), writer->epoch());
  EXPECT_EQ((*reader)->State("uplink.connected")->value_or(""), "1");
  EXPECT_EQ(StatsOf(**reader, "calls").depth, 3u);
  EXPECT_EQ((*reader)->Stats()->max_bytes, 1u << 20);
}

TEST_F(OutboxTest, ReadOnlyOpenWorksWhileNoWriterRuns) {
  { ASSERT_TRUE(OpenOutbox()->Append("calls", Records(2)).ok()); }
  Result<std::unique_ptr<Outbox>> reader = Outbox::OpenReadOnly(path_);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(StatsOf(**reader, "calls").depth, 2u);
}

TEST_F(OutboxTest, ReadOnlyOpenRefusesWrites) {
  auto writer = OpenOutbox();
  ASSERT_TRUE(writer->Append("calls", Records(2)).ok());
  Result<std::unique_ptr<Outbox>> reader = Outbox::OpenReadOnly(path_);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Outbox& ro = **reader;
  // Refused up front as a misuse, not reported as a storage failure.
  EXPECT_EQ(ro.Append("calls", Records(1)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ro.AppendWithCursor("calls", Records(1), "k", "v").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ro.Acknowledge("calls", 1, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ro.SetState("k", "v").code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(StoredSeqs(*writer, "calls"), ElementsAre(1, 2));
}

TEST_F(OutboxTest, ReadOnlyOpenOfAMissingFileIsNotFound) {
  Result<std::unique_ptr<Outbox>> reader = Outbox::OpenReadOnly(path_);
  EXPECT_EQ(reader.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(OutboxTest, CorruptFileGivesDataLossNamingTheFile) {
  fs::create_directories(fs::path(path_).parent_path());
  {
    std::ofstream garbage(path_, std::ios::binary);
    for (int i = 0; i < 1000; ++i) garbage << "this is not an SQLite database ";
  }
  OutboxOptions options;
  options.path = path_;
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(options);
  ASSERT_FALSE(outbox.ok());
  EXPECT_EQ(outbox.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(outbox.status().message(), HasSubstr(path_));
}

TEST_F(OutboxTest, NewerSchemaVersionIsRefused) {
  { ASSERT_NE(OpenOutbox(), nullptr); }
  {
    Result<sqlite::Database> db = sqlite::Database::Open(path_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 99").ok());
  }
  OutboxOptions options;
  options.path = path_;
  EXPECT_EQ(Outbox::Open(options).status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace ccc::agent::outbox
