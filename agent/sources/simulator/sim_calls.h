#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "agent/sources/pbx_source.h"
#include "agent/sources/simulator/sim_calendar.h"
#include "agent/sources/simulator/sim_fleet.h"

// Call data of a simulated PBX, computed on demand from the clock alone.
//
// Arrivals: calls start in one-minute slots; a slot's count is Poisson-distributed with mean
// calls_per_hour / 60 x OfficeActivity (German office hours, weekends, public holidays) x a
// per-day factor (0.85..1.15), drawn from a hash of the slot. Call j of slot m is a hash of
// (m, j) too: start within the minute, direction, result, ring and talk time, parties.
//
// Records: the PBX writes a record when a call ends, so record ids follow end times:
// id = end minute (since 1970) x kRecordsPerMinute + rank, where rank orders the calls that
// end in that minute by (end time, start time, j). Calls end at most kMaxCallMinutes after
// the minute they started in, so the records of any end minute come from a bounded window
// of start slots: CallsAfter jumps to the cursor's minute and sweeps forward, touching
// about kMaxCallMinutes + (minutes to cover) slots, never the whole history.
namespace ccc::agent::sources::sim {

inline constexpr uint64_t kRecordsPerMinute = 10'000;
inline constexpr int64_t kMaxCallMinutes = 120;
inline constexpr double kUnsuccessfulShare = 0.15;
inline constexpr double kMaxCallsPerHour = 6000;
// More calls starting in one minute are not drawn (far above kMaxCallsPerHour / 60).
inline constexpr int64_t kMaxCallsPerSlot = 2000;

struct CallOptions {
  double calls_per_hour = 12;  // mean in the busiest office hour, whole PBX; 0..6000
  int history_days = 21;       // a fresh cursor (0) starts this many days before now
};

// Holds a reference to `fleet`, which must outlive it. Stateless otherwise: any thread.
class CallGenerator {
 public:
  CallGenerator(const Fleet& fleet, CallOptions options);

  // The PbxSource::CallsAfter contract. Records ending before the history start
  // (now - history_days, rounded down to the minute) are left out for cursor 0 only; a
  // cursor's successors never depend on now other than through "ended by now".
  // The result never holds (or reserves room for) more than max_records records.
  std::vector<CallRecord> CallsAfter(uint64_t cursor, size_t max_records, int64_t now_ms) const;

  // How many calls start in that minute (since 1970).
  int64_t CallsStartingIn(int64_t minute) const;

 private:
  struct Timing {
    int64_t start_ms = 0;
    int64_t end_ms = 0;
    int64_t duration_s = 0;
    CallDirection direction = CallDirection::kOutgoing;
    CallResult result = CallResult::kSuccessful;
  };

  double MeanCallsIn(int64_t minute) const;
  Timing DrawTiming(int64_t minute, uint64_t j) const;
  CallRecord Materialize(int64_t minute, uint64_t j, uint64_t id) const;
  size_t PickUser(double u) const;
  size_t PickAccount(double u) const;

  const Fleet& fleet_;
  CallOptions options_;
};

}  // namespace ccc::agent::sources::sim
