#include "relay/api/pbx_information.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace ccc::relay::api {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

TEST(PbxInformation, InformationFieldsComeFromTheReportedInformation) {
  boost::json::object out;
  AddInformationFields(
      R"({"information":{"hardware_revision":"HW 2","booted_at_ms":1799999990000}})", kNow, out);
  EXPECT_EQ(out.at("hardware_revision"), "HW 2");
  EXPECT_EQ(out.at("booted_at"), "2027-01-15T07:59:50Z");
  EXPECT_EQ(out.at("uptime_s"), 10);
}

TEST(PbxInformation, InformationFieldsAreNullWithoutAReport) {
  for (const char* sysinfo : {"{}", "not json", R"({"information":"x"})",
                              R"({"information":{"booted_at_ms":"soon","hardware_revision":1}})"}) {
    boost::json::object out;
    AddInformationFields(sysinfo, kNow, out);
    EXPECT_TRUE(out.at("hardware_revision").is_null()) << sysinfo;
    EXPECT_TRUE(out.at("booted_at").is_null()) << sysinfo;
    EXPECT_TRUE(out.at("uptime_s").is_null()) << sysinfo;
  }
}

TEST(PbxInformation, UptimeIsNeverNegativeWhenClocksDisagree) {
  boost::json::object out;
  AddInformationFields(R"({"information":{"booted_at_ms":1800000060000}})", kNow, out);
  EXPECT_EQ(out.at("uptime_s"), 0);
}

TEST(PbxInformation, LicencesNeedTheInformationObject) {
  EXPECT_FALSE(LicencesJson(R"({"model":"COMtrexx"})", "S", kNow, kNow).has_value());
  EXPECT_FALSE(LicencesJson("[]", "S", kNow, kNow).has_value());
}

TEST(PbxInformation, LicencesSkipMalformedEntries) {
  auto body = LicencesJson(
      R"({"information":{"licences":[{"name":"Users","total":5,"used":"x"},7],"modules":{}}})",
      "SER-1", std::nullopt, kNow);
  ASSERT_TRUE(body.has_value());
  EXPECT_EQ(body->at("licences"),
            boost::json::parse(R"([{"name":"Users","total":5,"used":null}])"));
  EXPECT_EQ(body->at("modules"), boost::json::array());
  EXPECT_EQ(body->at("serial"), "SER-1");
  EXPECT_TRUE(body->at("reported_at").is_null());
  EXPECT_TRUE(body->at("mac").is_null());
}

}  // namespace
}  // namespace ccc::relay::api
