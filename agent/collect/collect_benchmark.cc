#include <benchmark/benchmark.h>

#include "agent/collect/call_body.h"
#include "agent/collect/registration_body.h"
#include "agent/collect/registration_diff.h"
#include "agent/sources/simulator/pbx_simulator.h"
#include "common/protocol/batch.h"

namespace ccc::agent::collect {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

sources::RegistrationState StateOf(int phones) {
  sources::PbxSimulator simulator({.serial = "SN-BENCH", .phones = phones});
  return *simulator.Registrations(kNow);
}

// The body of a full snapshot (what the agent makes at start and every 15 minutes).
void BM_SnapshotBody(benchmark::State& state) {
  const auto update = SnapshotOf(StateOf(static_cast<int>(state.range(0))));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string body = RegistrationBody(update);
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_SnapshotBody)->Arg(24)->Arg(2000)->Unit(benchmark::kMillisecond);

// What every registrations_interval costs when a few entries changed: diff and body.
void BM_ChangesOfAFewEntries(benchmark::State& state) {
  const auto before = StateOf(static_cast<int>(state.range(0)));
  auto after = before;
  for (size_t i = 0; i < after.telephones.size(); i += after.telephones.size() / 5) {
    after.telephones[i].status = sources::TelephoneStatus::kUnknown;
  }
  RegistrationTracker tracker;
  tracker.Sent(before);
  for (auto _ : state) {
    auto update = tracker.Next(after, false);
    std::string body = RegistrationBody(*update);
    benchmark::DoNotOptimize(body);
  }
}
BENCHMARK(BM_ChangesOfAFewEntries)->Arg(2000)->Unit(benchmark::kMicrosecond);

// The outbox checks every body before storing it; a snapshot is the largest body there is.
void BM_ValidateSnapshotBody(benchmark::State& state) {
  const std::string body = RegistrationBody(SnapshotOf(StateOf(2000)));
  protocol::CodecLimits limits;
  limits.max_body_bytes = 1024 * 1024;
  for (auto _ : state) benchmark::DoNotOptimize(protocol::ValidateBody(body, limits));
}
BENCHMARK(BM_ValidateSnapshotBody)->Unit(benchmark::kMillisecond);

// One page of call records as the call collector encodes it.
void BM_CallPageBodies(benchmark::State& state) {
  sources::PbxSimulator simulator({.serial = "SN-BENCH", .history_days = 2, .calls_per_hour = 600});
  const auto calls = *simulator.CallsAfter(0, 500, kNow);
  for (auto _ : state) {
    for (const auto& call : calls) {
      std::string body = CallBody(call);
      benchmark::DoNotOptimize(body);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * calls.size()));
}
BENCHMARK(BM_CallPageBodies)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ccc::agent::collect

BENCHMARK_MAIN();
