// PBX data in the relay store (issue 5), Google Benchmark (--benchmark_format=json):
//   BM_RegistrationSnapshot: one 2,000-phone (+ 20 accounts) "registrations" snapshot as the
//     agent sends it, through protocol::DecodeBatch and Store::IngestBatches (validate +
//     replace, fsync'ed commit). Each snapshot changes 1 % of the statuses. real_time in ms
//     = registration_snapshot_ms.
//   BM_CallsIngest: 20 batches x 500 "calls" records per IngestBatches call; items/s.
//   BM_CallsPage/*, BM_CallsPageCapped/* (total counted up to 10,000), BM_CallsCursor:
//     store-level reads on one device with CCC_BENCH_CALLS (default 1,000,000) calls over 90
//     days, seeded once through the real ingest; pages cover the last 30 days. Variants:
//     0 no filter, 1 result, 2 q of a common name, 3 rare q + direction, 4 sort by duration,
//     5 q matching nothing, 6 a number matching nothing whose digit groups are common (the
//     own numbers'), 7 sort by duration over one week, 8 a two-character q (no trigram).
//     BM_CallsPageCapped/6 also runs on two threads at once: with the pool of read
//     connections its real time per page stays near the one-thread figure on two cores.
// Environment: CCC_BENCH_DIR (default: a directory under /tmp), CCC_BENCH_CALLS.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/protocol/batch.h"
#include "relay/store/call_seeder.h"
#include "relay/store/pbx_test_bodies.h"
#include "relay/store/store.h"

namespace ccc::relay::store {
namespace {

constexpr int64_t kNowMs = 1'760'000'000'000;
constexpr int kPhones = 2000;
constexpr int kAccounts = 20;

std::filesystem::path BenchDir() {
  const char* env = std::getenv("CCC_BENCH_DIR");
  static const std::filesystem::path dir =
      env != nullptr ? std::filesystem::path(env)
                     : std::filesystem::temp_directory_path() /
                           ("ccc_pbx_benchmark_" + std::to_string(getpid()));
  return dir;
}

[[noreturn]] void Die(const std::string& what, const Status& status) {
  std::fprintf(stderr, "pbx_benchmark: %s: %s\n", what.c_str(), status.ToString().c_str());
  std::exit(1);
}

std::unique_ptr<Store> FreshStore(const std::string& name, bool sync_full) {
  const std::filesystem::path dir = BenchDir() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Result<std::unique_ptr<Store>> store = OpenSqliteStore({(dir / "relay.db").string(), sync_full});
  if (!store.ok()) Die("open " + dir.string(), store.status());
  return std::move(*store);
}

// The mix of a mid-size COMtrexx: desk phones, DECT bases with handsets, analogue ports.
std::vector<TelephoneRow> Telephones(int round) {
  std::vector<TelephoneRow> phones;
  phones.reserve(kPhones);
  for (int n = 0; n < kPhones; ++n) {
    TelephoneRow t = testing::DeskPhone(n);
    if (n % 10 == 0) {
      t.kind = "dect_base";
      t.extension.clear();
      t.model = "COMfortel WS-500S";
    } else if (n % 10 < 4) {
      t.kind = "dect";
      t.dect_base_id = testing::DeskPhone(n - n % 10).id;
      t.mac.clear();
      t.model = "COMfortel M-710 (DECT)";
    } else if (n % 10 == 9) {
      t.kind = "analogue";
      t.mac.clear();
      t.model = "analogue port " + std::to_string(n % 8 + 1);
      t.status = "connected_analogue";
    }
    // 1 % of the phones flip between two statuses from one snapshot to the next.
    if (n % 100 == round % 100 && t.kind == "sip_desk") {
      t.status = round % 2 == 0 ? "registration_incomplete" : "registered_encrypted";
    }
    phones.push_back(std::move(t));
  }
  return phones;
}

std::vector<AccountRow> Accounts() {
  std::vector<AccountRow> accounts;
  for (int n = 0; n < kAccounts; ++n) {
    AccountRow a;
    a.id = "acc-" + std::to_string(n);
    a.name = "Trunk " + std::to_string(n);
    a.provider = n % 2 == 0 ? "Deutsche Telekom" : "sipgate";
    a.number = "+49 521 98765-" + std::to_string(n);
    a.stun_server = n % 3 == 0 ? "" : "stun.example.net";
    a.status = "registered_encrypted";
    accounts.push_back(std::move(a));
  }
  return accounts;
}

std::string SnapshotFrame(int round, uint64_t seq) {
  protocol::Batch b;
  b.device = "bench-pbx";
  b.stream = "registrations";
  b.epoch = 1;
  b.range_lo = b.range_hi = seq;
  b.sent_ms = kNowMs + round;
  b.records.push_back(
      {seq, kNowMs + round * 1000, testing::RegistrationBody(true, Telephones(round), Accounts())});
  Result<std::string> frame = protocol::EncodeBatch(b);
  if (!frame.ok()) Die("encode snapshot", frame.status());
  return std::move(*frame);
}

void BM_RegistrationSnapshot(benchmark::State& state) {
  std::unique_ptr<Store> store = FreshStore("snapshot", true);
  if (Status s = store->RegisterDevice("bench-pbx", kNowMs); !s.ok()) Die("register", s);
  int round = 0;
  uint64_t seq = 0;
  size_t frame_bytes = 0;
  const size_t body_bytes = testing::RegistrationBody(true, Telephones(0), Accounts()).size();
  {
    Result<protocol::Batch> first = protocol::DecodeBatch(SnapshotFrame(round++, ++seq));
    if (!first.ok() || !store->IngestBatches({*first}, kNowMs).ok()) Die("first", Status::Ok());
  }
  for (auto _ : state) {
    state.PauseTiming();
    const std::string frame = SnapshotFrame(round++, ++seq);
    frame_bytes = frame.size();
    state.ResumeTiming();
    Result<protocol::Batch> batch = protocol::DecodeBatch(frame);
    if (!batch.ok()) Die("decode", batch.status());
    Result<IngestOutcome> out = store->IngestBatches({std::move(*batch)}, kNowMs + round * 1000);
    if (!out.ok()) Die("ingest", out.status());
    if (out->records_stored != 1) Die("snapshot not applied", Status::Ok());
  }
  TelephoneQuery q;
  q.devices = {"bench-pbx"};
  q.limit = 1;
  Result<TelephonePage> page = store->Telephones(q);
  if (!page.ok() || page->total != kPhones) Die("telephones after snapshots", page.status());
  state.counters["phones"] = kPhones;
  state.counters["frame_bytes"] = static_cast<double>(frame_bytes);
  state.counters["body_bytes"] = static_cast<double>(body_bytes);
  state.SetItemsProcessed(state.iterations() * kPhones);
}
BENCHMARK(BM_RegistrationSnapshot)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

void BM_CallsIngest(benchmark::State& state) {
  std::unique_ptr<Store> store = FreshStore("calls_ingest", true);
  CallSeedOptions o;
  o.device = "bench-pbx";
  o.end_ms = kNowMs;
  o.count = 10'000;
  o.records_per_batch = 500;
  o.batches_per_call = 20;
  for (auto _ : state) {
    Result<uint64_t> stored = SeedCalls(*store, o);
    if (!stored.ok() || *stored != o.count) Die("seed", stored.status());
    o.first_id += o.count;
    o.epoch += 1;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(o.count));
}
BENCHMARK(BM_CallsIngest)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(10);

// One store with many calls, seeded on first use and shared by the read benchmarks.
Store& CallsStore() {
  static std::unique_ptr<Store> store = [] {
    const char* env = std::getenv("CCC_BENCH_CALLS");
    CallSeedOptions o;
    o.device = "bench-pbx";
    o.end_ms = kNowMs;
    o.count = env != nullptr ? std::strtoull(env, nullptr, 10) : 1'000'000;
    std::unique_ptr<Store> s = FreshStore("calls", false);
    Result<uint64_t> stored = SeedCalls(*s, o);
    if (!stored.ok()) Die("seed", stored.status());
    return s;
  }();
  return *store;
}

CallQuery PageQuery(int variant) {
  CallQuery q;
  q.filter.devices = {"bench-pbx"};
  q.filter.from_ms = kNowMs - 30ll * 24 * 3600 * 1000;
  q.filter.to_ms = kNowMs;
  q.limit = 50;
  switch (variant) {
    case 0:
      break;  // default page
    case 1:
      q.filter.result = "unsuccessful";
      break;  // ~20 %
    case 2:
      q.filter.q = "müller";
      break;  // names: ~15 %
    case 3:
      q.filter.q = "+4930";
      q.filter.direction = "incoming";
      break;  // rare
    case 4:
      q.sort = CallSort::kDuration;
      break;
    case 5:
      q.filter.q = "no such name";
      break;  // nothing matches
    case 6:
      q.filter.q = "5219876510";
      q.filter.direction = "incoming";
      break;
    case 7:
      q.filter.from_ms = kNowMs - 21ll * 24 * 3600 * 1000;
      q.filter.to_ms = kNowMs - 14ll * 24 * 3600 * 1000;
      q.sort = CallSort::kDuration;
      break;
    case 8:
      q.filter.q = "ü";
      break;
  }
  return q;
}

void BM_CallsPage(benchmark::State& state) {
  Store& store = CallsStore();
  const CallQuery q = PageQuery(static_cast<int>(state.range(0)));
  uint64_t total = 0;
  for (auto _ : state) {
    Result<CallPage> page = store.Calls(q);
    if (!page.ok()) Die("page", page.status());
    total = page->total;
    benchmark::DoNotOptimize(page->items.data());
  }
  state.counters["total"] = static_cast<double>(total);
}
BENCHMARK(BM_CallsPage)->DenseRange(0, 8)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CallsPageCapped(benchmark::State& state) {
  Store& store = CallsStore();
  CallQuery q = PageQuery(static_cast<int>(state.range(0)));
  q.count_limit = 10'000;  // the API's kCallTotalLimit
  for (auto _ : state) {
    Result<CallPage> page = store.Calls(q);
    if (!page.ok()) Die("page", page.status());
    benchmark::DoNotOptimize(page->items.data());
  }
}
BENCHMARK(BM_CallsPageCapped)->DenseRange(0, 8)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CallsPageCapped)->Arg(6)->Threads(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CallsCursor(benchmark::State& state) {
  Store& store = CallsStore();
  CallFilter f;
  f.devices = {"bench-pbx"};
  uint64_t rows = 0;
  for (auto _ : state) {
    Result<std::unique_ptr<CallCursor>> cursor = store.OpenCallCursor(f, false, 1000);
    if (!cursor.ok()) Die("cursor", cursor.status());
    std::vector<CallRow> chunk;
    rows = 0;
    for (;;) {
      Result<bool> more = (*cursor)->Next(&chunk);
      if (!more.ok()) Die("next", more.status());
      if (!*more) break;
      rows += chunk.size();
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_CallsCursor)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

}  // namespace
}  // namespace ccc::relay::store

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(ccc::relay::store::BenchDir());
  return 0;
}
