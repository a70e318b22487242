#include "relay/store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/sqlite/sqlite_db.h"
#include "relay/store/sqlite/sqlite_schema.h"

namespace ccc::relay::store {
namespace {

constexpr int64_t kMinute0 = 1'699'999'980'000;  // starts a minute
constexpr int64_t kNow = kMinute0 + 40'000;

std::string TelemetryBody(double cpu, uint64_t used, uint64_t total = 8'000) {
  return R"({"cpu_pct": )" + std::to_string(cpu) + R"(, "mem_used_bytes": )" +
         std::to_string(used) + R"(, "mem_total_bytes": )" + std::to_string(total) + "}";
}

protocol::Batch MakeBatch(std::string device, std::string stream, uint64_t lo, uint64_t hi,
                          std::vector<protocol::Record> records, uint64_t epoch = 7) {
  protocol::Batch b;
  b.device = std::move(device);
  b.stream = std::move(stream);
  b.epoch = epoch;
  b.range_lo = lo;
  b.range_hi = hi;
  b.sent_ms = kNow;
  b.records = std::move(records);
  return b;
}

// Telemetry for seqs lo..hi, one sample every 10 s from kMinute0, cpu = seq, mem = 100 * seq.
protocol::Batch TelemetryBatch(const std::string& device, uint64_t lo, uint64_t hi) {
  std::vector<protocol::Record> records;
  for (uint64_t s = lo; s <= hi; ++s) {
    records.push_back({s, kMinute0 + static_cast<int64_t>(s - 1) * 10'000,
                       TelemetryBody(static_cast<double>(s), 100 * s)});
  }
  return MakeBatch(device, "telemetry", lo, hi, std::move(records));
}

protocol::Batch EventBatch(const std::string& device, uint64_t lo, uint64_t hi,
                           uint64_t epoch = 7) {
  std::vector<protocol::Record> records;
  for (uint64_t s = lo; s <= hi; ++s) {
    records.push_back(
        {s, kNow + static_cast<int64_t>(s),
         R"({"n": )" + std::to_string(s) + R"(, "epoch": )" + std::to_string(epoch) + "}"});
  }
  return MakeBatch(device, "events", lo, hi, std::move(records), epoch);
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("relay_store_test_" + std::string(info->name()) + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "relay.db").string();
    Reopen();
    ASSERT_TRUE(store_->RegisterDevice("dev-a", kNow - 1000).ok());
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<Store>> store = OpenSqliteStore({path_});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  IngestOutcome Ingest(std::vector<protocol::Batch> batches, int64_t now = kNow) {
    Result<IngestOutcome> out = store_->IngestBatches(batches, now);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : IngestOutcome{};
  }

  // A second, independent connection to the same file, as another process would have.
  sqlite::Database Raw() {
    Result<sqlite::Database> db = sqlite::Database::Open(path_);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return std::move(*db);
  }

  int64_t QueryInt(const std::string& sql) {
    sqlite::Database db = Raw();
    Result<sqlite::Statement> s = db.Prepare(sql);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    Result<bool> row = s->Step();
    EXPECT_TRUE(row.ok() && *row);
    return s->ColumnInt(0);
  }

  uint64_t Samples(const std::string& device = "dev-a") {
    Result<uint64_t> n = store_->CountSamples(device);
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : 0;
  }

  uint64_t Events(const std::string& device = "dev-a") {
    Result<uint64_t> n = store_->CountRecords(device, "events");
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : 0;
  }

  std::vector<RollupPoint> Points(Resolution res, int64_t from = 0, int64_t to = kNow * 2) {
    Result<std::vector<RollupPoint>> p = store_->Samples("dev-a", res, from, to);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : std::vector<RollupPoint>{};
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, IngestStoresEveryRawSample) {
  IngestOutcome out = Ingest({TelemetryBatch("dev-a", 1, 5)});
  EXPECT_EQ(out.samples_stored, 5u);
  EXPECT_EQ(out.records_stored, 5u);
  EXPECT_EQ(out.duplicates_dropped, 0u);
  std::vector<RollupPoint> raw = Points(Resolution::kRaw);
  ASSERT_EQ(raw.size(), 5u);
  EXPECT_EQ(raw[0].bucket_ms, kMinute0);
  EXPECT_EQ(raw[0].count, 1u);
  EXPECT_DOUBLE_EQ(raw[4].cpu_avg, 5);
  EXPECT_DOUBLE_EQ(raw[4].mem_used_max, 500);
}

TEST_F(SqliteStoreTest, RollupsAverageAndMaxAcrossBatchesHittingTheSameMinute) {
  Ingest({TelemetryBatch("dev-a", 1, 3)});  // cpu 1..3 in minute 0
  Ingest({TelemetryBatch("dev-a", 4, 8)});  // cpu 4..6 in minute 0, 7..8 in minute 1
  std::vector<RollupPoint> minutes = Points(Resolution::kMinute);
  ASSERT_EQ(minutes.size(), 2u);
  EXPECT_EQ(minutes[0].bucket_ms, kMinute0);
  EXPECT_EQ(minutes[0].count, 6u);
  EXPECT_DOUBLE_EQ(minutes[0].cpu_avg, 3.5);
  EXPECT_DOUBLE_EQ(minutes[0].cpu_max, 6);
  EXPECT_DOUBLE_EQ(minutes[0].mem_used_avg, 350);
  EXPECT_DOUBLE_EQ(minutes[0].mem_used_max, 600);
  EXPECT_EQ(minutes[1].bucket_ms, kMinute0 + 60'000);
  EXPECT_EQ(minutes[1].count, 2u);
  EXPECT_DOUBLE_EQ(minutes[1].cpu_avg, 7.5);
}

TEST_F(SqliteStoreTest, HourRollupCoversAllSamplesOfTheHour) {
  Ingest({TelemetryBatch("dev-a", 1, 3), TelemetryBatch("dev-a", 4, 8)});
  std::vector<RollupPoint> hours = Points(Resolution::kHour);
  ASSERT_EQ(hours.size(), 1u);
  EXPECT_EQ(hours[0].bucket_ms % 3'600'000, 0);
  EXPECT_EQ(hours[0].count, 8u);
  EXPECT_DOUBLE_EQ(hours[0].cpu_avg, 4.5);
  EXPECT_DOUBLE_EQ(hours[0].cpu_max, 8);
}

TEST_F(SqliteStoreTest, SameBatchTwiceIsDroppedAsDuplicates) {
  Ingest({TelemetryBatch("dev-a", 1, 5)});
  IngestOutcome again = Ingest({TelemetryBatch("dev-a", 1, 5)});
  EXPECT_EQ(again.duplicates_dropped, 5u);
  EXPECT_EQ(again.samples_stored, 0u);
  EXPECT_EQ(Samples(), 5u);
  EXPECT_EQ(Points(Resolution::kMinute)[0].count, 5u);
}

TEST_F(SqliteStoreTest, SameBatchTwiceInOneCallIsStoredOnce) {
  IngestOutcome out = Ingest({TelemetryBatch("dev-a", 1, 5), TelemetryBatch("dev-a", 1, 5)});
  EXPECT_EQ(out.samples_stored, 5u);
  EXPECT_EQ(out.duplicates_dropped, 5u);
  EXPECT_EQ(Points(Resolution::kMinute)[0].count, 5u);
}

TEST_F(SqliteStoreTest, OverlappingBatchStoresOnlyItsNewTail) {
  Ingest({TelemetryBatch("dev-a", 1, 5)});
  IngestOutcome out = Ingest({TelemetryBatch("dev-a", 3, 8)});
  EXPECT_EQ(out.duplicates_dropped, 3u);
  EXPECT_EQ(out.samples_stored, 3u);
  EXPECT_EQ(Samples(), 8u);
}

TEST_F(SqliteStoreTest, OutOfOrderBatchesAreBothStored) {
  EXPECT_EQ(Ingest({TelemetryBatch("dev-a", 6, 10)}).samples_stored, 5u);
  EXPECT_EQ(Ingest({TelemetryBatch("dev-a", 1, 5)}).samples_stored, 5u);
  EXPECT_EQ(Samples(), 10u);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM seq_ranges"), 1);
}

TEST_F(SqliteStoreTest, ConsecutiveBatchesKeepOneCoveredRangeRow) {
  for (uint64_t lo = 1; lo <= 100; lo += 10) Ingest({EventBatch("dev-a", lo, lo + 9)});
  EXPECT_EQ(QueryInt("SELECT count(*) FROM seq_ranges"), 1);
}

TEST_F(SqliteStoreTest, SeqThinnedInsideACoveredRangeIsDroppedWhenItArrivesLater) {
  protocol::Batch thinned = EventBatch("dev-a", 1, 10);
  thinned.records = {thinned.records[0], thinned.records[9]};
  Ingest({thinned});
  IngestOutcome late = Ingest({EventBatch("dev-a", 5, 5)});
  EXPECT_EQ(late.duplicates_dropped, 1u);
  EXPECT_EQ(Events(), 2u);
}

TEST_F(SqliteStoreTest, EpochsAreDeduplicatedIndependently) {
  Ingest({EventBatch("dev-a", 1, 3, 1)});
  IngestOutcome other_epoch = Ingest({EventBatch("dev-a", 1, 3, 2)});
  EXPECT_EQ(other_epoch.records_stored, 3u);
  EXPECT_EQ(Events(), 6u);
}

TEST_F(SqliteStoreTest, UnknownDeviceBatchIsRefusedAndStoresNothing) {
  IngestOutcome out = Ingest({TelemetryBatch("stranger", 1, 5), TelemetryBatch("dev-a", 1, 2)});
  EXPECT_EQ(out.unknown_device, 1u);
  EXPECT_EQ(out.samples_stored, 2u);
  EXPECT_EQ(Samples("stranger"), 0u);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM seq_ranges WHERE device = 'stranger'"), 0);
}

TEST_F(SqliteStoreTest, RefusedBatchIsAcceptedOnceTheDeviceIsRegistered) {
  Ingest({TelemetryBatch("late", 1, 5)});
  ASSERT_TRUE(store_->RegisterDevice("late", kNow).ok());
  EXPECT_EQ(Ingest({TelemetryBatch("late", 1, 5)}).samples_stored, 5u);
}

TEST_F(SqliteStoreTest, InvalidTelemetryBodiesAreSkippedAndCounted) {
  protocol::Batch b = MakeBatch("dev-a", "telemetry", 1, 6,
                                {{1, kNow, TelemetryBody(120, 1)},
                                 {2, kNow, R"({"cpu_pct": "high", "mem_used_bytes": 1,
                                               "mem_total_bytes": 2})"},
                                 {3, kNow, R"({"cpu_pct": 5, "mem_total_bytes": 2})"},
                                 {4, kNow, R"({"cpu_pct": 5, "mem_used_bytes": -1,
                                               "mem_total_bytes": 2})"},
                                 {5, kNow, R"({"cpu_pct": 5, "mem_used_bytes": 1.5,
                                               "mem_total_bytes": 2})"},
                                 {6, kNow, TelemetryBody(50, 1)}});
  IngestOutcome out = Ingest({b});
  EXPECT_EQ(out.invalid_records, 5u);
  EXPECT_EQ(out.samples_stored, 1u);
  EXPECT_EQ(Samples(), 1u);
}

TEST_F(SqliteStoreTest, SeqOfAnInvalidTelemetryBodyStaysCovered) {
  Ingest({MakeBatch("dev-a", "telemetry", 1, 1, {{1, kNow, "{}"}})});
  IngestOutcome again = Ingest({MakeBatch("dev-a", "telemetry", 1, 1, {{1, kNow, "{}"}})});
  EXPECT_EQ(again.duplicates_dropped, 1u);
  EXPECT_EQ(again.invalid_records, 0u);
}

TEST_F(SqliteStoreTest, SysinfoKeepsTheBodyWithTheLatestTimestamp) {
  Ingest({MakeBatch("dev-a", "sysinfo", 1, 1, {{1, kNow, R"({"fw": "2"})"}})});
  Ingest({MakeBatch("dev-a", "sysinfo", 2, 2, {{2, kNow - 5000, R"({"fw": "1"})"}})});
  Result<std::optional<Device>> d = store_->FindDevice("dev-a");
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->sysinfo_json, R"({"fw": "2"})");
}

TEST_F(SqliteStoreTest, NewDeviceHasEmptySysinfo) {
  Result<std::optional<Device>> d = store_->FindDevice("dev-a");
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->sysinfo_json, "{}");
  EXPECT_EQ((*d)->registered_ms, kNow - 1000);
  EXPECT_FALSE((*d)->last_seen_ms.has_value());
}

TEST_F(SqliteStoreTest, OtherStreamsGoToRecordsOrderedByEpochAndSeq) {
  Ingest(
      {EventBatch("dev-a", 4, 6, 2), EventBatch("dev-a", 1, 3, 2), EventBatch("dev-a", 9, 9, 1)});
  Result<std::vector<StoredRecord>> r = store_->Records("dev-a", "events", 0, 100);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 7u);
  EXPECT_EQ((*r)[0].epoch, 1u);
  EXPECT_EQ((*r)[0].seq, 9u);
  for (size_t i = 1; i < 7; ++i) {
    EXPECT_EQ((*r)[i].epoch, 2u);
    EXPECT_EQ((*r)[i].seq, i);
  }
  EXPECT_EQ((*r)[1].body, R"({"n": 1, "epoch": 2})");
  EXPECT_EQ((*r)[1].ts_ms, kNow + 1);
  EXPECT_EQ((*r)[1].stream, "events");
}

TEST_F(SqliteStoreTest, RecordsPagesWithAfterSeqAndLimit) {
  Ingest({EventBatch("dev-a", 1, 10)});
  Result<std::vector<StoredRecord>> r = store_->Records("dev-a", "events", 4, 3);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].seq, 5u);
  EXPECT_EQ((*r)[2].seq, 7u);
}

TEST_F(SqliteStoreTest, FailingTransactionStoresNothing) {
  {
    sqlite::Database raw = Raw();
    ASSERT_TRUE(raw.Exec("CREATE TRIGGER fail_boom BEFORE INSERT ON records "
                         "WHEN NEW.stream = 'boom' BEGIN SELECT RAISE(ABORT, 'injected'); END")
                    .ok());
  }
  std::vector<protocol::Batch> batches{
      TelemetryBatch("dev-a", 1, 5),
      MakeBatch("dev-a", "sysinfo", 1, 1, {{1, kNow, R"({"fw": "9"})"}}), EventBatch("dev-a", 1, 3),
      MakeBatch("dev-a", "boom", 1, 1, {{1, kNow, "{}"}})};
  Result<IngestOutcome> failed = store_->IngestBatches(batches, kNow);
  ASSERT_FALSE(failed.ok());

  EXPECT_EQ(Samples(), 0u);
  EXPECT_EQ(Events(), 0u);
  EXPECT_TRUE(Points(Resolution::kMinute).empty());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM seq_ranges"), 0);
  Result<std::optional<Device>> d = store_->FindDevice("dev-a");
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->sysinfo_json, "{}");
  EXPECT_FALSE((*d)->last_seen_ms.has_value());
}

TEST_F(SqliteStoreTest, RedeliveryAfterAFailedTransactionStoresEverythingOnce) {
  {
    sqlite::Database raw = Raw();
    ASSERT_TRUE(raw.Exec("CREATE TRIGGER fail_boom BEFORE INSERT ON records "
                         "WHEN NEW.stream = 'boom' BEGIN SELECT RAISE(ABORT, 'injected'); END")
                    .ok());
  }
  std::vector<protocol::Batch> batches{TelemetryBatch("dev-a", 1, 5),
                                       MakeBatch("dev-a", "boom", 1, 1, {{1, kNow, "{}"}})};
  ASSERT_FALSE(store_->IngestBatches(batches, kNow).ok());
  {
    sqlite::Database raw = Raw();
    ASSERT_TRUE(raw.Exec("DROP TRIGGER fail_boom").ok());
  }
  IngestOutcome out = Ingest(batches);
  EXPECT_EQ(out.samples_stored, 5u);
  EXPECT_EQ(out.records_stored, 6u);
  EXPECT_EQ(out.duplicates_dropped, 0u);
}

TEST_F(SqliteStoreTest, ReopenKeepsDataAndDedupState) {
  Ingest({TelemetryBatch("dev-a", 1, 5), EventBatch("dev-a", 1, 3)});
  Reopen();
  EXPECT_EQ(Samples(), 5u);
  EXPECT_EQ(Events(), 3u);
  IngestOutcome again = Ingest({TelemetryBatch("dev-a", 1, 5), EventBatch("dev-a", 1, 3)});
  EXPECT_EQ(again.duplicates_dropped, 8u);
  EXPECT_EQ(again.records_stored, 0u);
}

TEST_F(SqliteStoreTest, OpenMigratesToTheCurrentSchemaVersion) {
  EXPECT_EQ(QueryInt("PRAGMA user_version"), sql::kSchemaVersion);
}

TEST_F(SqliteStoreTest, OpenRefusesADatabaseFromANewerRelay) {
  store_.reset();
  {
    sqlite::Database raw = Raw();
    ASSERT_TRUE(raw.Exec("PRAGMA user_version = 999").ok());
  }
  Result<std::unique_ptr<Store>> store = OpenSqliteStore({path_});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnsupported);
}

TEST_F(SqliteStoreTest, RetentionDeletesOnlyRowsOlderThanTheirRetention) {
  // Samples 1..8 span kMinute0 .. kMinute0 + 70 s; minute buckets at kMinute0 and +60 s.
  Ingest({TelemetryBatch("dev-a", 1, 8)});
  RetentionPolicy policy;
  policy.raw_ms = 30'000;     // cutoff kMinute0 + 45 s with now below: keeps seqs 6..8
  policy.minute_ms = 15'000;  // cutoff kMinute0 + 60 s: drops the first minute only
  policy.hour_ms = 10 * 3'600'000;
  const int64_t now = kMinute0 + 75'000;
  Result<uint64_t> removed = store_->ApplyRetention(policy, now);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 5u + 1u);
  EXPECT_EQ(Samples(), 3u);
  std::vector<RollupPoint> minutes = Points(Resolution::kMinute);
  ASSERT_EQ(minutes.size(), 1u);
  EXPECT_EQ(minutes[0].bucket_ms, kMinute0 + 60'000);
  EXPECT_EQ(Points(Resolution::kHour).size(), 1u);
}

TEST_F(SqliteStoreTest, RetentionRemovesMoreRowsThanOneChunk) {
  std::vector<protocol::Record> records;
  for (uint64_t s = 1; s <= 12'000; ++s) {
    records.push_back({s, kMinute0 + static_cast<int64_t>(s), TelemetryBody(50, s)});
  }
  ASSERT_EQ(Ingest({MakeBatch("dev-a", "telemetry", 1, 12'000, records)}).samples_stored, 12'000u);
  RetentionPolicy policy;
  policy.raw_ms = 0;
  Result<uint64_t> removed = store_->ApplyRetention(policy, kNow * 2);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(Samples(), 0u);
  EXPECT_EQ(*removed, 12'000u + 1u + 1u);  // raw, one minute, one hour
}

TEST_F(SqliteStoreTest, PresenceUpdatesOnlineAndLastSeen) {
  ASSERT_TRUE(store_->SetPresence("dev-a", true, kNow + 5).ok());
  Result<std::optional<Device>> d = store_->FindDevice("dev-a");
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_TRUE((*d)->online);
  EXPECT_EQ((*d)->last_seen_ms, kNow + 5);
  ASSERT_TRUE(store_->SetPresence("dev-a", false, kNow + 9).ok());
  d = store_->FindDevice("dev-a");
  EXPECT_FALSE((*d)->online);
}

TEST_F(SqliteStoreTest, PresenceOfAnUnknownDeviceIsNotFound) {
  EXPECT_EQ(store_->SetPresence("stranger", true, kNow).code(), StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, EveryIngestedBatchUpdatesLastSeenEvenWhenAllDuplicate) {
  Ingest({TelemetryBatch("dev-a", 1, 2)}, kNow);
  Ingest({TelemetryBatch("dev-a", 1, 2)}, kNow + 777);
  Result<std::optional<Device>> d = store_->FindDevice("dev-a");
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->last_seen_ms, kNow + 777);
}

TEST_F(SqliteStoreTest, RegisteringTwiceKeepsTheFirstRegistration) {
  ASSERT_TRUE(store_->RegisterDevice("dev-a", kNow + 99).ok());
  Result<std::vector<Device>> all = store_->ListDevices();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].registered_ms, kNow - 1000);
}

TEST_F(SqliteStoreTest, RemovedDeviceIsGoneAndItsBatchesAreRefused) {
  ASSERT_TRUE(store_->RemoveDevice("dev-a").ok());
  Result<std::optional<Device>> d = store_->FindDevice("dev-a");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->has_value());
  EXPECT_EQ(Ingest({TelemetryBatch("dev-a", 1, 2)}).unknown_device, 1u);
  EXPECT_EQ(store_->RemoveDevice("dev-a").code(), StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, ReadsDoNotWaitForAnOpenWriteTransaction) {
  Ingest({TelemetryBatch("dev-a", 1, 3)});
  sqlite::Database raw = Raw();
  ASSERT_TRUE(raw.Exec("BEGIN IMMEDIATE; DELETE FROM samples_raw;").ok());
  EXPECT_EQ(Samples(), 3u);
  EXPECT_TRUE(store_->Healthy());
  ASSERT_TRUE(raw.Exec("ROLLBACK").ok());
}

TEST_F(SqliteStoreTest, ReaderThreadSeesCountsGrowWhileTheWriterIngests) {
  std::atomic<bool> done{false};
  std::atomic<bool> went_backwards{false};
  std::thread reader([&] {
    uint64_t last = 0;
    while (!done) {
      Result<uint64_t> n = store_->CountSamples("dev-a");
      if (!n.ok() || *n < last) went_backwards = true;
      if (n.ok()) last = *n;
    }
  });
  for (uint64_t lo = 1; lo <= 100; lo += 10) Ingest({EventBatch("dev-a", lo, lo + 9)});
  for (uint64_t lo = 1; lo <= 90; lo += 10) {
    std::vector<protocol::Record> records;
    for (uint64_t s = lo; s < lo + 10; ++s) records.push_back({s, kNow, TelemetryBody(1, s)});
    Ingest({MakeBatch("dev-a", "telemetry", lo, lo + 9, records)});
  }
  done = true;
  reader.join();
  EXPECT_FALSE(went_backwards);
  EXPECT_EQ(Samples(), 90u);
}

TEST_F(SqliteStoreTest, RawSamplesQueryIsHalfOpen) {
  Ingest({TelemetryBatch("dev-a", 1, 5)});
  std::vector<RollupPoint> p = Points(Resolution::kRaw, kMinute0 + 10'000, kMinute0 + 30'000);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].bucket_ms, kMinute0 + 10'000);
  EXPECT_EQ(p[1].bucket_ms, kMinute0 + 20'000);
}

TEST_F(SqliteStoreTest, HealthyWhenTheDatabaseAnswers) { EXPECT_TRUE(store_->Healthy()); }

}  // namespace
}  // namespace ccc::relay::store
