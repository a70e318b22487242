#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "agent/sources/pbx_source.h"
#include "agent/sources/simulator/sim_calendar.h"
#include "agent/sources/simulator/sim_fleet.h"

// Registration status over simulated time. Time is cut into 10-minute slots; an entry's
// status is constant within a slot and is a pure function of (fleet, slot):
//  - its baseline (registered, connected, provisioning done, ...) most of the time;
//  - random incidents, at most one starting per entry and hour, lasting a few slots
//    (a phone unplugged, a handset out of range, a trunk losing its registration);
//  - scripted episodes, one of each kind in every 12-hour period, so that every status
//    value shows up within any 24 hours: a desk phone being replaced (no provisioning
//    file -> provisioning pending -> provisioning done), a desk phone unplugged, a network
//    glitch, and an internet reconnect that takes every account through its STUN and
//    registration states;
//  - the PBX restarting (a night-time update every two weeks or so): during that slot
//    nothing is registered.
namespace ccc::agent::sources::sim {

inline constexpr int64_t kStatusSlotMs = 10 * kMinuteMs;
inline constexpr int64_t kSlotsPerHour = kHourMs / kStatusSlotMs;
inline constexpr int64_t kSlotsPerPeriod = 12 * kSlotsPerHour;

// The PBX's last start at or before now (Unix ms). Starts happen between 02:00 and 04:00
// UTC on random days, at least every 60 days.
int64_t LastBootAtOrBefore(uint64_t seed, int64_t now_ms);

// The status of every entry of `fleet` at one instant. Cheap to construct (a few hashes),
// then O(1) per entry. Holds a reference to `fleet`, which must outlive it.
class StatusAt {
 public:
  StatusAt(const Fleet& fleet, int64_t now_ms);

  TelephoneStatus Telephone(size_t index) const;
  AccountStatus Account(size_t index) const;

 private:
  // A scripted episode of one desk phone: consecutive phases of phase_slots[i] slots each.
  struct Episode {
    size_t phone = 0;
    int64_t start = 0;  // slot
    std::array<int64_t, 3> phase_slots{};
    // The phase `slot` falls in, or -1.
    int Phase(size_t index, int64_t slot) const;
  };

  TelephoneStatus DeskPhone(size_t index) const;
  TelephoneStatus DectHandset(size_t index) const;

  const Fleet& fleet_;
  int64_t slot_;
  int64_t period_;
  bool restarting_;  // the PBX started during this slot
  Episode replaced_;
  Episode unplugged_;
  Episode glitch_;
  int64_t reconnect_start_;  // slot
};

}  // namespace ccc::agent::sources::sim
