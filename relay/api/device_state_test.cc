#include "relay/api/device_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ccc::relay::api {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kNow = 1'800'000'000'000;
constexpr int64_t kDay = 24 * 3600 * 1000;

directory::System Unpaired(std::optional<int64_t> code_expires_ms) {
  directory::System system;
  if (code_expires_ms) system.code = directory::PairingCode{"AAAA-BBBB-CCCC", 0, *code_expires_ms};
  return system;
}

directory::System PairedAndSeen() {
  directory::System system;
  system.paired = true;
  system.last_seen_ms = kNow - 1000;
  system.maintenance_until_ms = kNow + kDay;
  return system;
}

TEST(DeviceState, AnUnpairedSystemWithAValidCodeWaitsForPairing) {
  DeviceStatus status = ComputeDeviceStatus(Unpaired(kNow + 1), true, kNow);
  EXPECT_EQ(status.state, DeviceState::kWaitingForPairing);
  EXPECT_THAT(status.reasons, IsEmpty());
}

TEST(DeviceState, AnExpiredCodeIsAnErrorSayingSo) {
  DeviceStatus status = ComputeDeviceStatus(Unpaired(kNow), true, kNow);
  EXPECT_EQ(status.state, DeviceState::kError);
  EXPECT_THAT(status.reasons, ElementsAre(StateReason::kCodeExpired));
}

TEST(DeviceState, AnUnpairedSystemWithoutCodeIsAnErrorSayingSo) {
  DeviceStatus status = ComputeDeviceStatus(Unpaired(std::nullopt), true, kNow);
  EXPECT_EQ(status.state, DeviceState::kError);
  EXPECT_THAT(status.reasons, ElementsAre(StateReason::kNoCode));
}

TEST(DeviceState, APairedSystemNeverSeenIsUnknown) {
  directory::System system = PairedAndSeen();
  system.last_seen_ms.reset();
  DeviceStatus status = ComputeDeviceStatus(system, false, kNow);
  EXPECT_EQ(status.state, DeviceState::kUnknown);
  EXPECT_THAT(status.reasons, ElementsAre(StateReason::kNeverSeen));
}

TEST(DeviceState, APairedSystemWithMaintenanceAndFirmwareIsPaired) {
  DeviceStatus status = ComputeDeviceStatus(PairedAndSeen(), true, kNow);
  EXPECT_EQ(status.state, DeviceState::kPaired);
  EXPECT_THAT(status.reasons, IsEmpty());
}

TEST(DeviceState, EndedMaintenanceRestricts) {
  directory::System system = PairedAndSeen();
  system.maintenance_until_ms = kNow;
  DeviceStatus status = ComputeDeviceStatus(system, true, kNow);
  EXPECT_EQ(status.state, DeviceState::kRestricted);
  EXPECT_THAT(status.reasons, ElementsAre(StateReason::kMaintenanceInactive));
}

TEST(DeviceState, OldFirmwareRestricts) {
  DeviceStatus status = ComputeDeviceStatus(PairedAndSeen(), false, kNow);
  EXPECT_EQ(status.state, DeviceState::kRestricted);
  EXPECT_THAT(status.reasons, ElementsAre(StateReason::kFirmwareTooOld));
}

TEST(DeviceState, NoMaintenanceAndOldFirmwareAreBothReported) {
  directory::System system = PairedAndSeen();
  system.maintenance_until_ms.reset();
  DeviceStatus status = ComputeDeviceStatus(system, false, kNow);
  EXPECT_EQ(status.state, DeviceState::kRestricted);
  EXPECT_THAT(status.reasons,
              ElementsAre(StateReason::kMaintenanceInactive, StateReason::kFirmwareTooOld));
}

TEST(DeviceState, WireNamesAreSnakeCase) {
  EXPECT_EQ(DeviceStateWireName(DeviceState::kWaitingForPairing), "waiting_for_pairing");
  EXPECT_EQ(DeviceStateWireName(DeviceState::kRestricted), "restricted");
  EXPECT_EQ(StateReasonWireName(StateReason::kMaintenanceInactive), "maintenance_inactive");
  EXPECT_EQ(StateReasonWireName(StateReason::kFirmwareTooOld), "firmware_too_old");
  EXPECT_EQ(StateReasonWireName(StateReason::kCodeExpired), "code_expired");
}

TEST(MaintenanceActive, RunsUntilTheEndInstantExclusive) {
  directory::System system;
  EXPECT_FALSE(MaintenanceActive(system, kNow));
  system.maintenance_until_ms = kNow + 1;
  EXPECT_TRUE(MaintenanceActive(system, kNow));
  EXPECT_FALSE(MaintenanceActive(system, kNow + 1));
}

}  // namespace
}  // namespace ccc::relay::api
