#include "agent/sources/simulator/pbx_simulator.h"

#include <gtest/gtest.h>

namespace ccc::agent::sources {
namespace {

TEST(PbxSimulator, ReportsTheConfiguredIdentity) {
  PbxSimulator sim({"SN-1", "COMtrexx Business", "2.7.1", 3});
  auto identity = sim.Identity();
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(*identity, (PbxIdentity{"SN-1", "COMtrexx Business", "2.7.1"}));
}

TEST(PbxSimulator, IdentityIsStableAcrossCalls) {
  PbxSimulator sim({"SN-1", "COMtrexx Advanced", "2.6.6", 1});
  EXPECT_EQ(*sim.Identity(), *sim.Identity());
}

TEST(PbxSimulator, SameSerialAndSeedGiveTheSameSimulation) {
  PbxSimulator a({"SN-1", "m", "f", 5});
  PbxSimulator b({"SN-1", "m", "f", 5});
  PbxSimulator c({"SN-2", "m", "f", 5});
  EXPECT_EQ(a.effective_seed(), b.effective_seed());
  EXPECT_NE(a.effective_seed(), c.effective_seed());
}

}  // namespace
}  // namespace ccc::agent::sources
