#include <benchmark/benchmark.h>

#include <cstdint>

#include "agent/sources/simulator/pbx_simulator.h"
#include "agent/sources/simulator/sim_calendar.h"

namespace ccc::agent::sources {
namespace {

// Wednesday 4 June 2025, 15:00 CEST: office hours.
const int64_t kNow = sim::DaysFromCivil({2025, 6, 4}) * sim::kDayMs + 13 * sim::kHourMs;

PbxSimulatorOptions Options(int phones, double calls_per_hour) {
  PbxSimulatorOptions o;
  o.serial = "BENCH-1";
  o.phones = phones;
  o.calls_per_hour = calls_per_hour;
  return o;
}

// A full registration snapshot (what the agent takes every few seconds), per PBX size.
void BM_Registrations(benchmark::State& state) {
  PbxSimulator sim(Options(static_cast<int>(state.range(0)), 12));
  int64_t now = kNow;
  for (auto _ : state) {
    auto snapshot = sim.Registrations(now);
    benchmark::DoNotOptimize(snapshot);
    now += 5'000;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Registrations)->Arg(24)->Arg(2000)->Unit(benchmark::kMicrosecond);

// The agent's steady state: polling every 5 s with the cursor at the newest record.
void BM_CallsAfterAtTheLiveEdge(benchmark::State& state) {
  PbxSimulator sim(Options(24, static_cast<double>(state.range(0))));
  const auto history = *sim.CallsAfter(0, 1'000'000, kNow);
  uint64_t cursor = history.empty() ? 0 : history.back().id;
  int64_t now = kNow;
  for (auto _ : state) {
    auto batch = *sim.CallsAfter(cursor, 500, now);
    if (!batch.empty()) cursor = batch.back().id;
    benchmark::DoNotOptimize(batch);
    now += 5'000;
  }
}
BENCHMARK(BM_CallsAfterAtTheLiveEdge)->Arg(12)->Arg(600)->Unit(benchmark::kMicrosecond);

// A fresh agent reading weeks of history in pages of 500.
void BM_CallsAfterHistoryPages(benchmark::State& state) {
  PbxSimulator sim(Options(24, static_cast<double>(state.range(0))));
  uint64_t records = 0;
  for (auto _ : state) {
    uint64_t cursor = 0;
    for (;;) {
      auto batch = *sim.CallsAfter(cursor, 500, kNow);
      if (batch.empty()) break;
      records += batch.size();
      cursor = batch.back().id;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
}
BENCHMARK(BM_CallsAfterHistoryPages)->Arg(12)->Arg(600)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ccc::agent::sources

BENCHMARK_MAIN();
