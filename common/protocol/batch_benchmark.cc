#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "common/protocol/batch.h"

namespace ccc::protocol {
namespace {

constexpr int kRecords = 100;

Batch TelemetryBatch() {
  Batch batch;
  batch.device = "PBX-1";
  batch.stream = "telemetry";
  batch.epoch = 1234567890123;
  batch.range_lo = 1000;
  batch.range_hi = 1000 + kRecords - 1;
  batch.sent_ms = 1'700'000'100'000;
  for (int i = 0; i < kRecords; ++i) {
    batch.records.push_back(
        {static_cast<uint64_t>(1000 + i), 1'700'000'000'000 + i * 1000,
         R"({"cpu_pct":12.5,"mem_used_bytes":123456789,"mem_total_bytes":4000000000})"});
  }
  return batch;
}

void BM_EncodeBatch(benchmark::State& state) {
  const Batch batch = TelemetryBatch();
  size_t bytes = 0;
  for (auto _ : state) {
    Result<std::string> frame = EncodeBatch(batch);
    if (!frame.ok()) {
      state.SkipWithError(frame.status().ToString().c_str());
      break;
    }
    bytes = frame->size();
    benchmark::DoNotOptimize(frame);
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
  state.counters["frame_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeBatch);

void BM_DecodeBatch(benchmark::State& state) {
  Result<std::string> frame = EncodeBatch(TelemetryBatch());
  if (!frame.ok()) {
    state.SkipWithError(frame.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    Result<Batch> batch = DecodeBatch(*frame);
    if (!batch.ok()) {
      state.SkipWithError(batch.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(batch);
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_DecodeBatch);

}  // namespace
}  // namespace ccc::protocol

BENCHMARK_MAIN();
