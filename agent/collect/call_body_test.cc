#include "agent/collect/call_body.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/protocol/batch.h"

namespace ccc::agent::collect {
namespace {

sources::CallRecord IncomingCall() {
  sources::CallRecord c;
  c.id = (uint64_t{1} << 53) - 1;  // the largest id the contract allows
  c.start_ms = 1'700'000'123'456;
  c.duration_s = 185;
  c.direction = sources::CallDirection::kIncoming;
  c.result = sources::CallResult::kSuccessful;
  c.external_number = "+49301234567";
  c.external_name = "Müller & Söhne";
  c.billing_number = "400";
  c.billing_name = "Sales";
  c.real_name = "Anna Becker";
  c.own_number = "+4952198765400";
  c.call_type = "business";
  return c;
}

TEST(CallBody, HasEveryContractFieldWithItsValue) {
  const auto body = boost::json::parse(CallBody(IncomingCall())).as_object();
  EXPECT_EQ(body.size(), 12u);
  EXPECT_EQ(body.at("id").to_number<uint64_t>(), (uint64_t{1} << 53) - 1);
  EXPECT_EQ(body.at("start_ms").to_number<int64_t>(), 1'700'000'123'456);
  EXPECT_EQ(body.at("duration_s").to_number<int64_t>(), 185);
  EXPECT_EQ(body.at("direction"), "incoming");
  EXPECT_EQ(body.at("result"), "successful");
  EXPECT_EQ(body.at("external_number"), "+49301234567");
  EXPECT_EQ(body.at("external_name"), "Müller & Söhne");
  EXPECT_EQ(body.at("billing_number"), "400");
  EXPECT_EQ(body.at("billing_name"), "Sales");
  EXPECT_EQ(body.at("real_name"), "Anna Becker");
  EXPECT_EQ(body.at("own_number"), "+4952198765400");
  EXPECT_EQ(body.at("call_type"), "business");
}

TEST(CallBody, UnsuccessfulInternalCallWithEmptyTextsKeepsEveryKey) {
  sources::CallRecord c;
  c.id = 7;
  c.direction = sources::CallDirection::kInternal;
  c.result = sources::CallResult::kUnsuccessful;
  const auto body = boost::json::parse(CallBody(c)).as_object();
  EXPECT_EQ(body.size(), 12u);
  EXPECT_EQ(body.at("direction"), "internal");
  EXPECT_EQ(body.at("result"), "unsuccessful");
  EXPECT_EQ(body.at("own_number"), "");
  EXPECT_EQ(body.at("external_name"), "");
}

TEST(CallBody, IdIsAnIntegerNotAFloat) {
  const std::string body = CallBody(IncomingCall());
  EXPECT_NE(body.find("\"id\":9007199254740991,"), std::string::npos) << body;
  EXPECT_TRUE(protocol::ValidateBody(body).ok());
}

}  // namespace
}  // namespace ccc::agent::collect
