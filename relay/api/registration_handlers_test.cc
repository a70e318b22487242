#include "relay/api/registration_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "relay/api/pbxdata_test_support.h"
#include "relay/store/pbx_test_bodies.h"

namespace ccc::relay::api {
namespace {

using store::testing::DeskPhone;
using testing::Body;
using ::testing::ElementsAre;
using testing::ExpectAnswer;
using ::testing::IsEmpty;
using testing::ItemStrings;
using testing::PbxDataEnv;

store::AccountRow Trunk(const std::string& id, const std::string& status) {
  store::AccountRow a;
  a.id = id;
  a.name = "Trunk " + id;
  a.provider = "sipgate";
  a.number = "+495219876500";
  a.stun_server = "stun.example.net";
  a.status = status;
  return a;
}

class RegistrationApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    first_ = pbx.MakeSystem("PBX-REG-1", false);  // no maintenance needed for E1/E2
    second_ = pbx.MakeSystem("PBX-REG-2", false);
    store::TelephoneRow dect = DeskPhone(3, "unknown");
    dect.kind = "dect";
    dect.name = "Warehouse handset";
    dect.mac = "";
    pbx.IngestRegistrations("PBX-REG-1", {DeskPhone(1), DeskPhone(2, "provisioning_pending"), dect},
                            {Trunk("acc-1", "registered_encrypted"), Trunk("acc-2", "stun_failed")},
                            pbx.env.now_ms - 60'000);
    pbx.IngestRegistrations("PBX-REG-2", {DeskPhone(4)}, {}, pbx.env.now_ms - 30'000);
    pbx.IngestRegistrations("STRANGER-1", {DeskPhone(5)}, {}, pbx.env.now_ms);
  }

  std::string Path(int64_t system, const std::string& list) {
    return "/api/v1/systems/" + std::to_string(system) + "/" + list;
  }

  PbxDataEnv pbx;
  int64_t first_ = 0, second_ = 0;
};

TEST_F(RegistrationApiTest, AnyRoleReadsTelephonesAndAccounts) {
  for (int64_t user : {pbx.owner, pbx.administrator, pbx.monitoring, pbx.call_data}) {
    ExpectAnswer(pbx.Get(user, Path(first_, "telephones")), 200);
    ExpectAnswer(pbx.Get(user, Path(first_, "accounts")), 200);
  }
}

TEST_F(RegistrationApiTest, UnreachableAndOtherCompaniesSystemsAreNotFound) {
  ExpectAnswer(pbx.Get(pbx.no_role, Path(first_, "telephones")), 404, "not_found");
  ExpectAnswer(pbx.Get(pbx.stranger, Path(first_, "accounts")), 404, "not_found");
  ExpectAnswer(pbx.Get(pbx.owner, Path(pbx.stranger_system, "telephones")), 404, "not_found");
  ExpectAnswer(pbx.Get(std::nullopt, Path(first_, "telephones")), 401, "not_authenticated");
}

TEST_F(RegistrationApiTest, TelephonesComeWithStatusSinceAndTheLastUpdate) {
  http::Response response = pbx.Get(pbx.monitoring, Path(first_, "telephones"));
  ExpectAnswer(response, 200);
  EXPECT_THAT(ItemStrings(response, "id"), ElementsAre("tel-0001", "tel-0002", "tel-0003"));
  const boost::json::value body = Body(response);
  EXPECT_EQ(body.at("total"), 3);
  EXPECT_EQ(body.at("updated_at"), boost::json::value(Rfc3339(pbx.env.now_ms - 60'000)));
  const auto& phone = body.at("items").at(1).as_object();
  EXPECT_EQ(phone.at("status"), "provisioning_pending");
  EXPECT_EQ(phone.at("since"), boost::json::value(Rfc3339(pbx.env.now_ms - 60'000)));
  for (const char* field : {"name", "extension", "kind", "dect_base_id", "mac", "model"}) {
    EXPECT_TRUE(phone.contains(field)) << field;
  }
}

TEST_F(RegistrationApiTest, TelephoneFiltersAndSorting) {
  EXPECT_THAT(ItemStrings(pbx.Get(pbx.monitoring, Path(first_, "telephones?status=unknown")), "id"),
              ElementsAre("tel-0003"));
  EXPECT_THAT(ItemStrings(pbx.Get(pbx.monitoring, Path(first_, "telephones?kind=sip_desk")), "id"),
              ElementsAre("tel-0001", "tel-0002"));
  EXPECT_THAT(ItemStrings(pbx.Get(pbx.monitoring, Path(first_, "telephones?q=warehouse")), "id"),
              ElementsAre("tel-0003"));
  EXPECT_THAT(
      ItemStrings(pbx.Get(pbx.monitoring, Path(first_, "telephones?sort=extension&order=desc")),
                  "id"),
      ElementsAre("tel-0003", "tel-0002", "tel-0001"));
}

TEST_F(RegistrationApiTest, UnknownStatusKindOrSortIsInvalid) {
  for (const char* query : {"?status=online", "?kind=fax", "?sort=system", "?system_id=1"}) {
    ExpectAnswer(pbx.Get(pbx.monitoring, Path(first_, std::string("telephones") + query)), 400,
                 "invalid_parameter");
  }
  ExpectAnswer(pbx.Get(pbx.monitoring, Path(first_, "accounts?status=registered")), 400,
               "invalid_parameter");
  ExpectAnswer(pbx.Get(pbx.monitoring, Path(first_, "accounts?kind=dect")), 400,
               "invalid_parameter");
}

TEST_F(RegistrationApiTest, AccountsListWithTheirStatus) {
  http::Response response = pbx.Get(pbx.monitoring, Path(first_, "accounts?status=stun_failed"));
  ExpectAnswer(response, 200);
  EXPECT_THAT(ItemStrings(response, "id"), ElementsAre("acc-2"));
  const boost::json::object account = Body(response).at("items").at(0).as_object();
  EXPECT_EQ(account.at("stun_server"), "stun.example.net");
  EXPECT_EQ(account.at("provider"), "sipgate");
}

TEST_F(RegistrationApiTest, ASystemThatNeverReportedHasNoUpdateTime) {
  const int64_t silent = pbx.MakeSystem("PBX-REG-3", false);
  const boost::json::value body = Body(pbx.Get(pbx.monitoring, Path(silent, "telephones")));
  EXPECT_EQ(body.at("total"), 0);
  EXPECT_TRUE(body.at("updated_at").is_null());
}

TEST_F(RegistrationApiTest, FleetListsTheVisibleSystemsOnlyWithTheirSystem) {
  http::Response response = pbx.Get(pbx.monitoring, "/api/v1/fleet/telephones?sort=system");
  ExpectAnswer(response, 200);
  EXPECT_THAT(ItemStrings(response, "id"),
              ElementsAre("tel-0001", "tel-0002", "tel-0003", "tel-0004"));
  const boost::json::object last = Body(response).at("items").at(3).at("system").as_object();
  EXPECT_EQ(last.at("id"), second_);
  EXPECT_EQ(last.at("serial"), "PBX-REG-2");
  EXPECT_EQ(Body(response).at("updated_at"), boost::json::value(Rfc3339(pbx.env.now_ms - 30'000)));
}

TEST_F(RegistrationApiTest, FleetForAUserWithoutSystemsIsEmpty) {
  http::Response response = pbx.Get(pbx.no_role, "/api/v1/fleet/accounts");
  ExpectAnswer(response, 200);
  EXPECT_THAT(ItemStrings(response, "id"), IsEmpty());
  EXPECT_TRUE(Body(response).at("updated_at").is_null());
}

TEST_F(RegistrationApiTest, FleetSystemIdNarrowsToOneSystem) {
  EXPECT_THAT(ItemStrings(pbx.Get(pbx.owner,
                                  "/api/v1/fleet/telephones?system_id=" + std::to_string(second_)),
                          "id"),
              ElementsAre("tel-0004"));
  EXPECT_THAT(ItemStrings(pbx.Get(pbx.owner, "/api/v1/fleet/telephones?system_id=" +
                                                 std::to_string(pbx.stranger_system)),
                          "id"),
              IsEmpty());
  ExpectAnswer(pbx.Get(pbx.owner, "/api/v1/fleet/telephones?system_id=x"), 400,
               "invalid_parameter");
}

}  // namespace
}  // namespace ccc::relay::api
