// Measures end-to-end ingest of monitoring samples through the SQLite store against the
// natural limit: the same rows inserted straight into SQLite with a prepared statement.
// Prints one JSON line:
//   {"sqlite_baseline_samples_per_s": X, "store_ingest_samples_per_s": Y}
// Usage: store_benchmark [--dir DIR] [--samples N]

#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "common/sqlite/sqlite_db.h"
#include "relay/store/sqlite/sqlite_schema.h"
#include "relay/store/store.h"

namespace ccc::relay::store {
namespace {

constexpr uint64_t kDevices = 1000;
constexpr uint64_t kRecordsPerBatch = 50;
constexpr size_t kBatchesPerCall = 20;
constexpr uint64_t kBaselineRowsPerTransaction = 1000;
constexpr int64_t kStartMs = 1'700'000'000'000;

struct Row {
  std::string device;
  uint64_t seq;
  int64_t ts_ms;
  double cpu_pct;
  int64_t mem_used;
  int64_t mem_total;
};

// Sample i belongs to the (i / 50)-th batch; batches go round-robin over the devices, so each
// device sees consecutive seqs, 50 at a time.
std::vector<Row> MakeRows(uint64_t samples) {
  std::vector<Row> rows;
  rows.reserve(samples);
  for (uint64_t i = 0; i < samples; ++i) {
    const uint64_t batch = i / kRecordsPerBatch;
    const uint64_t device = batch % kDevices;
    const uint64_t seq = (batch / kDevices) * kRecordsPerBatch + i % kRecordsPerBatch + 1;
    rows.push_back({"bench-" + std::to_string(device), seq,
                    kStartMs + static_cast<int64_t>(seq) * 10'000,
                    static_cast<double>((seq * 7 + device) % 101),
                    static_cast<int64_t>(1'000'000'000 + seq * 4096), 8'000'000'000});
  }
  return rows;
}

[[noreturn]] void Fail(const std::string& what, const Status& status) {
  std::fprintf(stderr, "store_benchmark: %s: %s\n", what.c_str(), status.ToString().c_str());
  std::exit(1);
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double RunBaseline(const std::string& path, const std::vector<Row>& rows) {
  Result<sqlite::Database> db = sqlite::Database::Open(path);  // WAL, synchronous FULL
  if (!db.ok()) Fail("open baseline", db.status());
  Status schema = db->Exec(sql::kMigrations[0]);
  if (!schema.ok()) Fail("baseline schema", schema);
  Result<sqlite::Statement> insert = db->Prepare(sql::kInsertSample);
  if (!insert.ok()) Fail("prepare baseline insert", insert.status());

  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < rows.size(); i += kBaselineRowsPerTransaction) {
    Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(*db);
    if (!tx.ok()) Fail("baseline begin", tx.status());
    const size_t end = std::min(rows.size(), i + kBaselineRowsPerTransaction);
    for (size_t j = i; j < end; ++j) {
      const Row& r = rows[j];
      insert->Bind(1, r.device).Bind(2, int64_t{1}).Bind(3, static_cast<int64_t>(r.seq));
      insert->Bind(4, r.ts_ms).Bind(5, r.cpu_pct).Bind(6, r.mem_used).Bind(7, r.mem_total);
      Status run = insert->Run();
      insert->Reset();
      if (!run.ok()) Fail("baseline insert", run);
    }
    Status commit = tx->Commit();
    if (!commit.ok()) Fail("baseline commit", commit);
  }
  return static_cast<double>(rows.size()) / Seconds(start);
}

double RunStore(const std::string& path, const std::vector<Row>& rows) {
  Result<std::unique_ptr<Store>> store = OpenSqliteStore({path});
  if (!store.ok()) Fail("open store", store.status());
  for (uint64_t d = 0; d < kDevices; ++d) {
    Status s = (*store)->RegisterDevice("bench-" + std::to_string(d), kStartMs);
    if (!s.ok()) Fail("register", s);
  }
  // Decoded batches as the ingest path hands them over; building them is not measured.
  std::vector<std::vector<protocol::Batch>> calls;
  for (size_t i = 0; i < rows.size(); i += kRecordsPerBatch) {
    protocol::Batch batch;
    batch.device = rows[i].device;
    batch.stream = "telemetry";
    batch.epoch = 1;
    batch.range_lo = rows[i].seq;
    const size_t end = std::min(rows.size(), i + kRecordsPerBatch);
    for (size_t j = i; j < end; ++j) {
      const Row& r = rows[j];
      batch.records.push_back({r.seq, r.ts_ms,
                               "{\"cpu_pct\":" + std::to_string(r.cpu_pct) +
                                   ",\"mem_used_bytes\":" + std::to_string(r.mem_used) +
                                   ",\"mem_total_bytes\":" + std::to_string(r.mem_total) + "}"});
    }
    batch.range_hi = batch.records.back().seq;
    if (calls.empty() || calls.back().size() == kBatchesPerCall) calls.emplace_back();
    calls.back().push_back(std::move(batch));
  }

  uint64_t stored = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::vector<protocol::Batch>& call : calls) {
    Result<IngestOutcome> out = (*store)->IngestBatches(call, kStartMs);
    if (!out.ok()) Fail("ingest", out.status());
    stored += out->samples_stored;
  }
  const double seconds = Seconds(start);
  if (stored != rows.size()) {
    std::fprintf(stderr, "store_benchmark: stored %llu of %zu samples\n",
                 static_cast<unsigned long long>(stored), rows.size());
    std::exit(1);
  }
  return static_cast<double>(rows.size()) / seconds;
}

void RemoveDatabase(const std::filesystem::path& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix);
  }
}

int Main(int argc, char** argv) {
  std::string dir;
  uint64_t samples = 200'000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (std::strcmp(argv[i], "--samples") == 0 && i + 1 < argc) {
      samples = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: %s [--dir DIR] [--samples N]\n", argv[0]);
      return 2;
    }
  }
  if (samples == 0) {
    std::fprintf(stderr, "store_benchmark: --samples must be positive\n");
    return 2;
  }
  bool own_dir = false;
  if (dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "store_bench_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("store_benchmark: mkdtemp");
      return 1;
    }
    dir = pattern;
    own_dir = true;
  }
  std::filesystem::create_directories(dir);
  const std::filesystem::path baseline_path = std::filesystem::path(dir) / "baseline.db";
  const std::filesystem::path store_path = std::filesystem::path(dir) / "store.db";
  RemoveDatabase(baseline_path);
  RemoveDatabase(store_path);

  const std::vector<Row> rows = MakeRows(samples);
  const double baseline = RunBaseline(baseline_path.string(), rows);
  const double store = RunStore(store_path.string(), rows);
  std::printf("{\"sqlite_baseline_samples_per_s\": %.0f, \"store_ingest_samples_per_s\": %.0f}\n",
              baseline, store);

  RemoveDatabase(baseline_path);
  RemoveDatabase(store_path);
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace ccc::relay::store

int main(int argc, char** argv) { return ccc::relay::store::Main(argc, argv); }
