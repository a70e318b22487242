#include "relay/api/device_state.h"

namespace ccc::relay::api {

std::string_view DeviceStateWireName(DeviceState state) {
  switch (state) {
    case DeviceState::kWaitingForPairing:
      return "waiting_for_pairing";
    case DeviceState::kPaired:
      return "paired";
    case DeviceState::kRestricted:
      return "restricted";
    case DeviceState::kError:
      return "error";
    case DeviceState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view StateReasonWireName(StateReason reason) {
  switch (reason) {
    case StateReason::kCodeExpired:
      return "code_expired";
    case StateReason::kNoCode:
      return "no_code";
    case StateReason::kMaintenanceInactive:
      return "maintenance_inactive";
    case StateReason::kFirmwareTooOld:
      return "firmware_too_old";
    case StateReason::kNeverSeen:
      return "never_seen";
  }
  return "unknown";
}

bool MaintenanceActive(const directory::System& system, int64_t now_ms) {
  return system.maintenance_until_ms.has_value() && now_ms < *system.maintenance_until_ms;
}

DeviceStatus ComputeDeviceStatus(const directory::System& system, bool firmware_ok,
                                 int64_t now_ms) {
  DeviceStatus status;
  if (!system.paired) {
    if (system.code && now_ms < system.code->expires_ms) {
      status.state = DeviceState::kWaitingForPairing;
    } else {
      status.state = DeviceState::kError;
      status.reasons.push_back(system.code ? StateReason::kCodeExpired : StateReason::kNoCode);
    }
    return status;
  }
  if (!system.last_seen_ms) {
    status.state = DeviceState::kUnknown;
    status.reasons.push_back(StateReason::kNeverSeen);
    return status;
  }
  if (!MaintenanceActive(system, now_ms))
    status.reasons.push_back(StateReason::kMaintenanceInactive);
  if (!firmware_ok) status.reasons.push_back(StateReason::kFirmwareTooOld);
  status.state = status.reasons.empty() ? DeviceState::kPaired : DeviceState::kRestricted;
  return status;
}

}  // namespace ccc::relay::api
