#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/sources/pbx_source.h"
#include "agent/sources/simulator/sim_calls.h"
#include "agent/sources/simulator/sim_fleet.h"

namespace ccc::agent::sources {

// The agent's `[source]` settings for kind = "simulator" (agent/config/agent_config.h).
struct PbxSimulatorOptions {
  std::string serial;
  std::string model = "COMtrexx Advanced";
  std::string firmware = "2.6.6";
  uint64_t seed = 1;  // with the serial, fixes everything the simulator makes up
  // Telephone entries (desk phones, DECT bases and handsets, analogue ports): 5..2000.
  int phones = 24;
  // Days of call history a fresh cursor starts with: 0..90.
  int history_days = 21;
  // Mean number of calls in the busiest office hour, whole PBX: 0..6000.
  double calls_per_hour = 12;
};

// A simulated COMtrexx: telephones, provider accounts, call data, licences and expansion
// that behave like a real PBX's over time. Deterministic: every answer is a pure function of
// (serial, seed, the other options, now_ms); the simulator stores nothing as time passes,
// so any instant can be asked in any order, and two agents with the same settings see the
// same PBX. What the PBX is made of (sim_fleet.h) depends on serial, seed and phones; how
// status changes over time is described in sim_status.h, the calls in sim_calls.h.
//
// Thread-safe after construction (all methods are const in effect). Not copyable or
// movable: it holds references into itself.
class PbxSimulator final : public PbxSource {
 public:
  // Throws std::invalid_argument when an option is out of its range (start-up only).
  explicit PbxSimulator(PbxSimulatorOptions options);
  PbxSimulator(const PbxSimulator&) = delete;
  PbxSimulator& operator=(const PbxSimulator&) = delete;

  // Model and firmware as configured.
  Result<PbxIdentity> Identity() override;
  // Status changes only at 10-minute boundaries of the wall clock.
  Result<RegistrationState> Registrations(int64_t now_ms) override;
  // Ids: end minute since 1970 x 10,000 + rank within the minute (below 2^53, so exact in
  // JSON numbers). Cost: about (minutes from the cursor's record to the answer's last one)
  // + 120 one-minute slots, independent of the history's length.
  Result<std::vector<CallRecord>> CallsAfter(uint64_t cursor, size_t max_records,
                                             int64_t now_ms) override;
  Result<PbxInformation> Information(int64_t now_ms) override;

  // The seed that serial and configured seed give together (stable across runs/builds).
  uint64_t effective_seed() const { return effective_seed_; }

 private:
  PbxSimulatorOptions options_;
  uint64_t effective_seed_;
  sim::Fleet fleet_;
  sim::CallGenerator calls_;  // refers to fleet_
};

}  // namespace ccc::agent::sources
