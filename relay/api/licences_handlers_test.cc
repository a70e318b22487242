#include "relay/api/licences_handlers.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "relay/api/pbxdata_test_support.h"

namespace ccc::relay::api {
namespace {

using testing::Body;
using testing::ExpectAnswer;
using testing::PbxDataEnv;

constexpr char kSysinfo[] = R"({"serial":"PBX-LIC-1","model":"COMtrexx Advanced",
  "firmware":"2.6.6","agent_version":"0.1.0","hostname":"pbx",
  "information":{"hardware_revision":"HW 3","mac":"00:09:52:01:02:03",
  "booted_at_ms":1799999000000,"licences":[{"name":"Users","total":50,"used":12}],
  "modules":[{"slot":1,"module":"COMmander 8a/b module","ports":8}]}})";

class LicencesApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    system_ = pbx.MakeSystem("PBX-LIC-1", false);
    path_ = "/api/v1/systems/" + std::to_string(system_) + "/licences";
  }

  PbxDataEnv pbx;
  int64_t system_ = 0;
  std::string path_;
};

TEST_F(LicencesApiTest, NoDataUntilTheAgentReportedTheInformation) {
  ExpectAnswer(pbx.Get(pbx.monitoring, path_), 404, "no_data");
  pbx.IngestSysinfo("PBX-LIC-1", R"({"serial":"PBX-LIC-1","model":"COMtrexx"})", pbx.env.now_ms);
  ExpectAnswer(pbx.Get(pbx.monitoring, path_), 404, "no_data");
}

TEST_F(LicencesApiTest, AnyRoleReadsLicencesModulesAndUptime) {
  pbx.IngestSysinfo("PBX-LIC-1", kSysinfo, pbx.env.now_ms - 5000);
  for (int64_t user : {pbx.owner, pbx.administrator, pbx.monitoring, pbx.call_data}) {
    ExpectAnswer(pbx.Get(user, path_), 200);
  }
  const boost::json::value body = Body(pbx.Get(pbx.monitoring, path_));
  EXPECT_EQ(body.at("model"), "COMtrexx Advanced");
  EXPECT_EQ(body.at("serial"), "PBX-LIC-1");
  EXPECT_EQ(body.at("firmware"), "2.6.6");
  EXPECT_EQ(body.at("hardware_revision"), "HW 3");
  EXPECT_EQ(body.at("mac"), "00:09:52:01:02:03");
  EXPECT_EQ(body.at("booted_at"), boost::json::value(Rfc3339(1'799'999'000'000)));
  EXPECT_EQ(body.at("uptime_s"), (pbx.env.now_ms - 1'799'999'000'000) / 1000);
  EXPECT_EQ(body.at("licences"), boost::json::parse(R"([{"name":"Users","total":50,"used":12}])"));
  EXPECT_EQ(body.at("modules"),
            boost::json::parse(R"([{"slot":1,"module":"COMmander 8a/b module","ports":8}])"));
  EXPECT_EQ(body.at("reported_at"), boost::json::value(Rfc3339(pbx.env.now_ms - 5000)));
}

TEST_F(LicencesApiTest, OthersGetNotFound) {
  pbx.IngestSysinfo("PBX-LIC-1", kSysinfo, pbx.env.now_ms);
  ExpectAnswer(pbx.Get(pbx.stranger, path_), 404, "not_found");
  ExpectAnswer(pbx.Get(pbx.no_role, path_), 404, "not_found");
  ExpectAnswer(pbx.Get(std::nullopt, path_), 401, "not_authenticated");
}

}  // namespace
}  // namespace ccc::relay::api
