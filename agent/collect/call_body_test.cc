#include "agent/collect/call_body.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "agent/collect/body_test_support.h"
#include "common/protocol/batch.h"

namespace ccc::agent::collect {
namespace {

using testing::HasExactlyFields;
using testing::ParseObject;

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
  EXPECT_TRUE(
      HasExactlyFields(ParseObject(CallBody(IncomingCall())), {{"id", (uint64_t{1} << 53) - 1},
                                                               {"start_ms", 1'700'000'123'456},
                                                               {"duration_s", 185},
                                                               {"direction", "incoming"},
                                                               {"result", "successful"},
                                                               {"external_number", "+49301234567"},
                                                               {"external_name", "Müller & Söhne"},
                                                               {"billing_number", "400"},
                                                               {"billing_name", "Sales"},
                                                               {"real_name", "Anna Becker"},
                                                               {"own_number", "+4952198765400"},
                                                               {"call_type", "business"}}));
}

TEST(CallBody, UnsuccessfulInternalCallWithEmptyTextsKeepsEveryKey) {
  sources::CallRecord c;
  c.id = 7;
  c.direction = sources::CallDirection::kInternal;
  c.result = sources::CallResult::kUnsuccessful;
  EXPECT_TRUE(HasExactlyFields(ParseObject(CallBody(c)), {{"id", 7},
                                                          {"start_ms", 0},
                                                          {"duration_s", 0},
                                                          {"direction", "internal"},
                                                          {"result", "unsuccessful"},
                                                          {"external_number", ""},
                                                          {"external_name", ""},
                                                          {"billing_number", ""},
                                                          {"billing_name", ""},
                                                          {"real_name", ""},
                                                          {"own_number", ""},
                                                          {"call_type", ""}}));
}

TEST(CallBody, IdIsAnIntegerNotAFloat) {
  const std::string body = CallBody(IncomingCall());
  EXPECT_NE(body.find("\"id\":9007199254740991,"), std::string::npos) << body;
  EXPECT_TRUE(protocol::ValidateBody(body).ok());
}

}  // namespace
}  // namespace ccc::agent::collect
