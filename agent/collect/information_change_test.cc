#include "agent/collect/information_change.h"

#include <gtest/gtest.h>

#include "agent/sources/simulator/pbx_simulator.h"

namespace ccc::agent::collect {
namespace {

sources::PbxInformation Info() {
  sources::PbxInformation info;
  info.model = "COMtrexx Advanced";
  info.serial = "SN-1";
  info.firmware = "2.6.6";
  info.hardware_revision = "C";
  info.mac = "00:09:52:00:AA:01";
  info.booted_at_ms = 1'700'000'000'000;
  info.uptime_s = 3'600;
  info.licences = {{"Users", 50, 24}, {"VoIP channels", 8, 8}};
  info.modules = {{1, "COMmander 8a/b module", 8}};
  return info;
}

TEST(InformationChange, PassingTimeIsNoChange) {
  sources::PbxInformation later = Info();
  later.uptime_s += 86'400;
  EXPECT_FALSE(InformationChanged(Info(), later));
}

TEST(InformationChange, AStartTimeWobblingByASecondIsNoChange) {
  sources::PbxInformation later = Info();
  later.booted_at_ms += 1'000;
  later.uptime_s += 59;
  EXPECT_FALSE(InformationChanged(Info(), later));
}

TEST(InformationChange, ARestartOfThePbxIsAChange) {
  sources::PbxInformation later = Info();
  later.booted_at_ms += 7 * 86'400'000LL;
  later.uptime_s = 10;
  EXPECT_TRUE(InformationChanged(Info(), later));
}

TEST(InformationChange, LicenceUseIsAChange) {
  sources::PbxInformation later = Info();
  later.licences[0].used = 25;
  EXPECT_TRUE(InformationChanged(Info(), later));
}

TEST(InformationChange, ExpansionIsAChange) {
  sources::PbxInformation later = Info();
  later.modules.push_back({2, "COMmander 4S0 module", 4});
  EXPECT_TRUE(InformationChanged(Info(), later));
}

TEST(InformationChange, FirmwareHardwareAndMacAreChanges) {
  for (auto field : {&sources::PbxInformation::firmware,
                     &sources::PbxInformation::hardware_revision, &sources::PbxInformation::mac,
                     &sources::PbxInformation::model, &sources::PbxInformation::serial}) {
    sources::PbxInformation later = Info();
    later.*field += "x";
    EXPECT_TRUE(InformationChanged(Info(), later));
  }
}

TEST(InformationChange, TheSimulatorReportsNoChangeFromHourToHourBetweenRestarts) {
  sources::PbxSimulator simulator({.serial = "SN-1"});
  const int64_t t0 = 1'700'000'000'000;
  auto first = simulator.Information(t0);
  auto later = simulator.Information(t0 + 3'600'000);
  ASSERT_TRUE(first.ok() && later.ok());
  ASSERT_EQ(first->booted_at_ms, later->booted_at_ms) << "a simulated restart in between";
  EXPECT_NE(first->uptime_s, later->uptime_s);
  EXPECT_FALSE(InformationChanged(*first, *later));
}

}  // namespace
}  // namespace ccc::agent::collect
