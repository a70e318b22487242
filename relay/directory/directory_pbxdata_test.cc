#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "relay/directory/directory.h"
#include "relay/directory/directory_test_util.h"
#include "relay/policy/access_policy.h"

namespace ccc::relay::directory {
namespace {

using ::testing::ElementsAre;

class DirectoryPbxData : public testutil::DirectoryTest {
 protected:
  policy::UserFacts Facts(int64_t user_id, int64_t company_id) {
    return policy::UserFacts{user_id, company_id, false};
  }

  std::vector<std::string> Names(const std::vector<FleetSystem>& fleet) {
    std::vector<std::string> names;
    for (const FleetSystem& s : fleet) names.push_back(s.name);
    return names;
  }

  void SetMaintenance(int64_t system_id, Ms until) {
    ASSERT_TRUE(dir().SetMaintenanceUntil(system_id, until, OperatorActor()).ok());
  }
};

TEST_F(DirectoryPbxData, FleetListsReachableSystemsByNameWithFactsForTheirRoles) {
  const int64_t company = MakeCompany();
  const int64_t owner = MakeUser(company);
  const int64_t viewer = MakeUser(company);
  const int64_t zulu = MakeSystem(company, owner, "PBX-Z", "zulu");
  const int64_t alpha = MakeSystem(company, owner, "PBX-A", "Alpha");
  MakeSystem(company, owner, "PBX-M", "Mike");  // the viewer has no path to it
  SetMaintenance(alpha, kNow + 3600'000);
  ASSERT_TRUE(dir()
                  .UpsertAuthorisation(viewer, zulu, policy::RoleSet{policy::Role::kMonitoring},
                                       owner, kNow, ActorFor(owner))
                  .ok());
  ASSERT_TRUE(dir()
                  .UpsertAuthorisation(viewer, alpha, policy::RoleSet{policy::Role::kCallData},
                                       owner, kNow, ActorFor(owner))
                  .ok());

  auto fleet = dir().ListFleetSystems(Facts(viewer, company), std::nullopt, kNow);
  ASSERT_TRUE(fleet.ok()) << fleet.status().ToString();
  EXPECT_THAT(Names(*fleet), ElementsAre("Alpha", "zulu"));
  EXPECT_EQ((*fleet)[0].serial, "PBX-A");
  EXPECT_TRUE(policy::Decide((*fleet)[0].facts, policy::Action::kCallData).allowed());
  EXPECT_EQ(policy::Decide((*fleet)[1].facts, policy::Action::kCallData).outcome,
            policy::Outcome::kForbidden);
  EXPECT_TRUE(policy::Decide((*fleet)[1].facts, policy::Action::kReadRegistrationStatus).allowed());
}

TEST_F(DirectoryPbxData, MaintenanceCountsOnlyUntilItsEnd) {
  const int64_t company = MakeCompany();
  const int64_t owner = MakeUser(company);
  const int64_t system = MakeSystem(company, owner);
  SetMaintenance(system, kNow + 1000);

  auto during = dir().ListFleetSystems(Facts(owner, company), std::nullopt, kNow);
  auto after = dir().ListFleetSystems(Facts(owner, company), std::nullopt, kNow + 1000);
  ASSERT_TRUE(during.ok() && after.ok());
  EXPECT_TRUE(policy::Decide(during->front().facts, policy::Action::kCallData).allowed());
  EXPECT_EQ(policy::Decide(after->front().facts, policy::Action::kCallData).outcome,
            policy::Outcome::kPreconditionFailed);
}

TEST_F(DirectoryPbxData, OneSystemIsListedOnlyWhenReachable) {
  const int64_t company = MakeCompany();
  const int64_t owner = MakeUser(company);
  const int64_t stranger = MakeUser(MakeCompany());
  const int64_t system = MakeSystem(company, owner);

  auto own = dir().ListFleetSystems(Facts(owner, company), system, kNow);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ(own->front().id, system);
  auto other = dir().ListFleetSystems(Facts(stranger, company), system, kNow);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
}

TEST_F(DirectoryPbxData, FleetPagesThroughMoreSystemsThanOneListPage) {
  const int64_t company = MakeCompany();
  const int64_t owner = MakeUser(company);
  for (int i = 0; i < 1005; ++i) MakeSystem(company, owner);
  auto fleet = dir().ListFleetSystems(Facts(owner, company), std::nullopt, kNow);
  ASSERT_TRUE(fleet.ok());
  EXPECT_EQ(fleet->size(), 1005u);
}

TEST_F(DirectoryPbxData, DeviceReportCarriesTheLastSysinfoOrNothingYet) {
  const int64_t company = MakeCompany();
  const int64_t owner = MakeUser(company);
  const int64_t reported = MakeSystem(company, owner, "PBX-REP");
  const int64_t silent = MakeSystem(company, owner, "PBX-SIL");
  ReportDevice("PBX-REP", true, kNow, R"({"model":"COMtrexx"})");

  auto report = dir().GetDeviceReport(reported);
  ASSERT_TRUE(report.ok() && report->has_value());
  EXPECT_EQ((*report)->serial, "PBX-REP");
  EXPECT_EQ((*report)->sysinfo_json, R"({"model":"COMtrexx"})");
  auto none = dir().GetDeviceReport(silent);
  ASSERT_TRUE(none.ok() && none->has_value());
  EXPECT_EQ((*none)->sysinfo_json, "{}");
  EXPECT_FALSE((*none)->reported_ms.has_value());
  auto missing = dir().GetDeviceReport(silent + 100);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

}  // namespace
}  // namespace ccc::relay::directory
