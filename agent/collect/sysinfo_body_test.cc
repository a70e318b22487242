#include "agent/collect/sysinfo_body.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace ccc::agent::collect {
namespace {

SysinfoFacts Facts() {
  SysinfoFacts facts;
  facts.identity = {"SN-1", "COMtrexx Advanced", "2.6.6"};
  facts.agent_version = "0.1.0";
  facts.hostname = "site-gw";
  facts.opt_in_monitoring = true;
  return facts;
}

sources::PbxInformation Info() {
  sources::PbxInformation info;
  info.model = "COMtrexx Advanced";
  info.serial = "SN-1";
  info.firmware = "2.6.6";
  info.hardware_revision = "C";
  info.mac = "00:09:52:00:AA:01";
  info.booted_at_ms = 1'700'000'000'000;
  info.uptime_s = 3'600;
  info.licences = {{"Users", 50, 24}};
  info.modules = {{1, "COMmander 8a/b module", 8}, {2, "COMmander 4S0 module", 4}};
  return info;
}

TEST(SysinfoBody, KeepsTheIdentityFieldsAndOptIns) {
  const auto body = boost::json::parse(SysinfoBody(Facts())).as_object();
  EXPECT_EQ(body.at("serial"), "SN-1");
  EXPECT_EQ(body.at("model"), "COMtrexx Advanced");
  EXPECT_EQ(body.at("firmware"), "2.6.6");
  EXPECT_EQ(body.at("agent_version"), "0.1.0");
  EXPECT_EQ(body.at("hostname"), "site-gw");
  EXPECT_EQ(body.at("opt_in"),
            (boost::json::object{{"monitoring", true}, {"remote_configuration", false}}));
}

TEST(SysinfoBody, HasNoInformationWhenTheSourceReportsNone) {
  const auto body = boost::json::parse(SysinfoBody(Facts())).as_object();
  EXPECT_FALSE(body.contains("information"));
  EXPECT_EQ(body.size(), 6u);
}

TEST(SysinfoBody, InformationHasTheContractFieldsAndNoUptime) {
  SysinfoFacts facts = Facts();
  facts.information = Info();
  const auto body = boost::json::parse(SysinfoBody(facts)).as_object();
  const auto& info = body.at("information").as_object();
  EXPECT_EQ(info.size(), 5u);
  EXPECT_FALSE(info.contains("uptime_s"));
  EXPECT_EQ(info.at("hardware_revision"), "C");
  EXPECT_EQ(info.at("mac"), "00:09:52:00:AA:01");
  EXPECT_EQ(info.at("booted_at_ms").to_number<int64_t>(), 1'700'000'000'000);
  EXPECT_EQ(info.at("licences"), boost::json::parse(R"([{"name":"Users","total":50,"used":24}])"));
  EXPECT_EQ(info.at("modules"), boost::json::parse(R"([
    {"slot":1,"module":"COMmander 8a/b module","ports":8},
    {"slot":2,"module":"COMmander 4S0 module","ports":4}])"));
}

}  // namespace
}  // namespace ccc::agent::collect
