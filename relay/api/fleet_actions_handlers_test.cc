#include "relay/api/fleet_actions_handlers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "relay/api/pbxdata_test_support.h"

namespace ccc::relay::api {
namespace {

using testing::Body;
using testing::ExpectAnswer;
using testing::PbxDataEnv;

constexpr char kPath[] = "/api/v1/fleet/actions";

class FleetActionsApiTest : public ::testing::Test {
 protected:
  // PbxDataEnv adds every PBX data route, this one included.
  std::vector<std::string> Actions(int64_t user) {
    http::Response response = pbx.Get(user, kPath);
    EXPECT_EQ(response.status, 200) << response.body;
    const boost::json::value body = Body(response);
    std::vector<std::string> names;
    for (const auto& name : body.at("actions").as_array()) {
      names.emplace_back(name.as_string());
    }
    return names;
  }

  bool Has(int64_t user, const std::string& action) {
    std::vector<std::string> names = Actions(user);
    return std::find(names.begin(), names.end(), action) != names.end();
  }

  PbxDataEnv pbx;
};

TEST_F(FleetActionsApiTest, AUserWithoutSystemsMayDoNothing) {
  pbx.MakeSystem("PBX-FA-1");
  EXPECT_TRUE(Actions(pbx.no_role).empty());
  EXPECT_EQ(Body(pbx.Get(pbx.no_role, kPath)).at("systems"), 0);
}

TEST_F(FleetActionsApiTest, CallDataNeedsTheRoleAndMaintenanceOnSomeSystem) {
  pbx.MakeSystem("PBX-FA-1", /*maintenance=*/false);
  EXPECT_FALSE(Has(pbx.call_data, "call_data"));
  pbx.MakeSystem("PBX-FA-2");
  EXPECT_TRUE(Has(pbx.call_data, "call_data"));
  EXPECT_FALSE(Has(pbx.monitoring, "call_data"));
  EXPECT_TRUE(Has(pbx.monitoring, "read_registration_status"));
  EXPECT_EQ(Body(pbx.Get(pbx.call_data, kPath)).at("systems"), 2);
}

TEST_F(FleetActionsApiTest, ActionsComeInThePolicysOrderOnce) {
  pbx.MakeSystem("PBX-FA-1");
  pbx.MakeSystem("PBX-FA-2");
  std::vector<std::string> names = Actions(pbx.owner);
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names.front(), "view_system");
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
}

TEST_F(FleetActionsApiTest, AnotherCompanysSystemsDoNotCount) {
  pbx.MakeSystem("PBX-FA-1");
  pbx.MakeSystem("PBX-FA-2");
  // Only the stranger's own system, never the two of the other company.
  EXPECT_EQ(Body(pbx.Get(pbx.stranger, kPath)).at("systems"), 1);
}

TEST_F(FleetActionsApiTest, AnonymousCallersAreRefused) {
  ExpectAnswer(pbx.Get(std::nullopt, kPath), 401);
}

}  // namespace
}  // namespace ccc::relay::api
