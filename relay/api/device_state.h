#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "relay/directory/directory.h"

// The state of device of FEATURES A7, computed from pairing, presence, maintenance and
// firmware. Pure; the one place that maps states and reasons to wire names.
namespace ccc::relay::api {

enum class DeviceState {
  kWaitingForPairing,  // not paired, a current code that has not expired (the portal shows it)
  kPaired,             // paired and healthy: seen, maintenance active, firmware new enough
  kRestricted,         // paired, but maintenance inactive and/or firmware too old (A6)
  kError,              // not paired and nothing to pair with: the code expired or there is none
  kUnknown,            // paired, but the agent has not been seen yet: nothing to judge by
};

enum class StateReason {
  kCodeExpired,          // kError
  kNoCode,               // kError: cancelled, used by an earlier pairing, or never renewed
  kMaintenanceInactive,  // kRestricted
  kFirmwareTooOld,       // kRestricted; also while a minimum is set and nothing was reported
  kNeverSeen,            // kUnknown
};

// "waiting_for_pairing", "paired", "restricted", "error", "unknown".
std::string_view DeviceStateWireName(DeviceState state);
// "code_expired", "no_code", "maintenance_inactive", "firmware_too_old", "never_seen".
std::string_view StateReasonWireName(StateReason reason);

struct DeviceStatus {
  DeviceState state = DeviceState::kUnknown;
  std::vector<StateReason> reasons;  // in StateReason order; empty for kPaired and waiting
};

// True while the operator's maintenance contract runs: now < maintenance_until_ms.
bool MaintenanceActive(const directory::System& system, int64_t now_ms);

// A7 for one system at now_ms. firmware_ok as directory::FirmwareMeetsMinimum(system.firmware,
// minimum).
//   not paired: a code with now < expires_ms -> waiting_for_pairing; an expired code ->
//     error [code_expired]; no code -> error [no_code]
//   paired: never seen (no last_seen_ms) -> unknown [never_seen]; otherwise paired, or
//     restricted with maintenance_inactive and/or firmware_too_old
DeviceStatus ComputeDeviceStatus(const directory::System& system, bool firmware_ok, int64_t now_ms);

}  // namespace ccc::relay::api
