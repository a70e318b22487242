#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "agent/outbox/outbox.h"
#include "common/sqlite/sqlite_db.h"

namespace ccc::agent::outbox {
namespace {

namespace fs = std::filesystem;

// A fresh folder per benchmark run on the real filesystem (fsync cost included).
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    static int counter = 0;
    path_ = fs::temp_directory_path() / ("outbox_bench_" + name + "_" + std::to_string(::getpid()) +
                                         "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() { fs::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// A host sample as the telemetry stream carries it: about 80 bytes of JSON.
std::vector<NewRecord> TelemetryRecords(size_t count, int64_t first_ts) {
  std::vector<NewRecord> records;
  records.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const int64_t ts = first_ts + static_cast<int64_t>(i);
    records.push_back({ts, R"({"cpu_pct":12.5,"mem_used":734003200,"mem_total":2147483648,"n":)" +
                               std::to_string(ts % 100000) + "}"});
  }
  return records;
}

std::unique_ptr<Outbox> OpenOrDie(const std::string& path) {
  OutboxOptions options;
  options.path = path;
  options.max_bytes = 8ull * 1024 * 1024 * 1024;  // the bound is not what is measured here
  options.synchronous_full = true;
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(options);
  if (!outbox.ok()) {
    std::fprintf(stderr, "%s\n", outbox.status().ToString().c_str());
    std::abort();
  }
  return std::move(outbox).value();
}

void CheckOk(const Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    std::abort();
  }
}

// Records appended per second with fsync on every commit, one transaction per call.
void BM_Append(benchmark::State& state) {
  const size_t batch = static_cast<size_t>(state.range(0));
  ScratchDir dir("append");
  auto outbox = OpenOrDie(dir.File("outbox.db"));
  const std::vector<NewRecord> records = TelemetryRecords(batch, 1'700'000'000'000);
  for (auto _ : state) {
    CheckOk(outbox->Append("telemetry", records));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
}
BENCHMARK(BM_Append)->Arg(1)->Arg(64)->Arg(256)->UseRealTime();

// Records drained per second: NextBatch of 500 plus its Acknowledge (one fsync'd commit).
void BM_Drain(benchmark::State& state) {
  const size_t batch = static_cast<size_t>(state.range(0));
  constexpr size_t kRefill = 50'000;
  ScratchDir dir("drain");
  auto outbox = OpenOrDie(dir.File("outbox.db"));
  int64_t ts = 1'700'000'000'000;
  auto refill = [&] {
    for (size_t i = 0; i < kRefill; i += 1000) {
      CheckOk(outbox->Append("telemetry", TelemetryRecords(1000, ts)));
      ts += 1000;
    }
  };
  refill();
  int64_t drained = 0;
  for (auto _ : state) {
    Result<std::optional<PendingBatch>> next = outbox->NextBatch("telemetry", batch, 1 << 20);
    CheckOk(next.status());
    if (!next->has_value()) {
      state.PauseTiming();
      refill();
      state.ResumeTiming();
      continue;
    }
    CheckOk(outbox->Acknowledge("telemetry", (*next)->range_hi, ts));
    drained += static_cast<int64_t>((*next)->records.size());
  }
  state.SetItemsProcessed(drained);
}
BENCHMARK(BM_Drain)->Arg(500)->UseRealTime();

// Peer figures for the schema choice: records(stream, seq, ts_ms, body) as WITHOUT ROWID
// (arg 0, what the outbox uses) or as a rowid table plus a unique (stream, seq) index (arg 1),
// driven with raw SQL and one fsync'd transaction per batch of 256 (insert) or 500 (drain).
constexpr std::string_view kRawWithoutRowid =
    "CREATE TABLE records(stream TEXT NOT NULL, seq INTEGER NOT NULL, ts_ms INTEGER NOT NULL, "
    "body BLOB NOT NULL, PRIMARY KEY(stream, seq)) WITHOUT ROWID;";
constexpr std::string_view kRawRowidAndIndex =
    "CREATE TABLE records(stream TEXT NOT NULL, seq INTEGER NOT NULL, ts_ms INTEGER NOT NULL, "
    "body BLOB NOT NULL);"
    "CREATE UNIQUE INDEX records_stream_seq ON records(stream, seq);";

struct RawTable {
  sqlite::Database db;
  sqlite::Statement insert;
  int64_t next_seq = 1;

  RawTable(const std::string& path, bool rowid_and_index) {
    Result<sqlite::Database> opened = sqlite::Database::Open(path);
    CheckOk(opened.status());
    db = std::move(opened).value();
    CheckOk(db.Exec(rowid_and_index ? kRawRowidAndIndex : kRawWithoutRowid));
    Result<sqlite::Statement> prepared =
        db.Prepare("INSERT INTO records(stream, seq, ts_ms, body) VALUES(?1, ?2, ?3, ?4)");
    CheckOk(prepared.status());
    insert = std::move(prepared).value();
  }

  void InsertAll(const std::vector<NewRecord>& records) {
    Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(db);
    CheckOk(txn.status());
    for (const NewRecord& record : records) {
      insert.Bind(1, std::string_view("telemetry"))
          .Bind(2, next_seq++)
          .Bind(3, record.ts_ms)
          .BindBlob(4, record.body);
      CheckOk(insert.Run());
      insert.Reset();
    }
    CheckOk(txn->Commit());
  }
};

const char* RawLabel(bool rowid_and_index) {
  return rowid_and_index ? "rowid table + index" : "WITHOUT ROWID";
}

void BM_RawInsert(benchmark::State& state) {
  const bool rowid_and_index = state.range(0) == 1;
  ScratchDir dir("raw_insert");
  RawTable table(dir.File("raw.db"), rowid_and_index);
  const std::vector<NewRecord> records = TelemetryRecords(256, 1'700'000'000'000);
  for (auto _ : state) table.InsertAll(records);
  state.SetItemsProcessed(state.iterations() * 256);
  state.SetLabel(RawLabel(rowid_and_index));
}
BENCHMARK(BM_RawInsert)->Arg(0)->Arg(1)->UseRealTime();

void BM_RawDrain(benchmark::State& state) {
  const bool rowid_and_index = state.range(0) == 1;
  ScratchDir dir("raw_drain");
  RawTable table(dir.File("raw.db"), rowid_and_index);
  Result<sqlite::Statement> select = table.db.Prepare(
      "SELECT seq, ts_ms, body FROM records WHERE stream = ?1 AND seq > ?2 "
      "ORDER BY seq LIMIT 500");
  Result<sqlite::Statement> remove =
      table.db.Prepare("DELETE FROM records WHERE stream = ?1 AND seq <= ?2");
  CheckOk(select.status());
  CheckOk(remove.status());
  const std::vector<NewRecord> refill = TelemetryRecords(1000, 1'700'000'000'000);
  int64_t acked = 0;
  int64_t drained = 0;
  for (auto _ : state) {
    if (acked + 1 >= table.next_seq) {
      state.PauseTiming();
      for (int i = 0; i < 50; ++i) table.InsertAll(refill);
      state.ResumeTiming();
    }
    Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(table.db);
    CheckOk(txn.status());
    select->Bind(1, std::string_view("telemetry")).Bind(2, acked);
    int64_t last = acked;
    for (;;) {
      Result<bool> row = select->Step();
      CheckOk(row.status());
      if (!*row) break;
      last = select->ColumnInt(0);
      benchmark::DoNotOptimize(select->ColumnTextView(2));
      ++drained;
    }
    select->Reset();
    remove->Bind(1, std::string_view("telemetry")).Bind(2, last);
    CheckOk(remove->Run());
    remove->Reset();
    CheckOk(txn->Commit());
    acked = last;
  }
  state.SetItemsProcessed(drained);
  state.SetLabel(RawLabel(rowid_and_index));
}
BENCHMARK(BM_RawDrain)->Arg(0)->Arg(1)->UseRealTime();

}  // namespace
}  // namespace ccc::agent::outbox

BENCHMARK_MAIN();
