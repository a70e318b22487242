#include "relay/store/pbx_records.h"

#include <gtest/gtest.h>

#include <string>

#include "relay/store/pbx_test_bodies.h"

namespace ccc::relay::store {
namespace {

using testing::CallBody;
using testing::DeskPhone;
using testing::RegistrationBody;
using testing::SampleCall;

AccountRow Trunk() {
  AccountRow a;
  a.id = "acc-01";
  a.name = "Main line";
  a.provider = "sipgate";
  a.number = "+49 521 98765-0";
  a.stun_server = "stun.sipgate.net";
  a.status = "registered_encrypted";
  return a;
}

TEST(ParseRegistrationRecord, ReadsASnapshotAsTheAgentSendsIt) {
  Result<RegistrationRecord> r = ParseRegistrationRecord(
      RegistrationBody(true, {DeskPhone(1), DeskPhone(2, "provisioning_pending")}, {Trunk()}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->snapshot);
  ASSERT_EQ(r->telephones.size(), 2u);
  EXPECT_EQ(r->telephones[1].id, DeskPhone(2).id);
  EXPECT_EQ(r->telephones[1].status, "provisioning_pending");
  EXPECT_EQ(r->telephones[0].mac, DeskPhone(1).mac);
  ASSERT_EQ(r->accounts.size(), 1u);
  EXPECT_EQ(r->accounts[0].stun_server, "stun.sipgate.net");
}

TEST(ParseRegistrationRecord, ReadsChangesWithRemovedIds) {
  Result<RegistrationRecord> r =
      ParseRegistrationRecord(RegistrationBody(false, {DeskPhone(3)}, {}, {"tel-0007"}, {"a"}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->snapshot);
  EXPECT_EQ(r->removed_telephones, std::vector<std::string>{"tel-0007"});
  EXPECT_EQ(r->removed_accounts, std::vector<std::string>{"a"});
}

TEST(ParseRegistrationRecord, AcceptsMissingOptionalTextAndExtraKeys) {
  Result<RegistrationRecord> r = ParseRegistrationRecord(
      R"({"kind":"changes","future":1,"telephones":[{"id":"t","kind":"dect","status":"unknown"}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->telephones[0].name, "");
}

TEST(ParseRegistrationRecord, RefusesBodiesOutsideTheSchema) {
  const char* const bad[] = {
      "not json",
      "[]",
      R"({"telephones":[]})",
      R"({"kind":"full"})",
      R"({"kind":"snapshot","telephones":{}})",
      R"({"kind":"snapshot","telephones":[{"kind":"dect","status":"unknown"}]})",
      R"({"kind":"snapshot","telephones":[{"id":"t","kind":"fax","status":"unknown"}]})",
      R"({"kind":"snapshot","telephones":[{"id":"t","kind":"dect","status":"online"}]})",
      R"({"kind":"snapshot","telephones":[{"id":"t","kind":"dect","status":"unknown","mac":5}]})",
      R"({"kind":"snapshot","accounts":[{"id":"a","status":"registered"}]})",
      R"({"kind":"snapshot","removed_telephones":["t"]})",
      R"({"kind":"changes","removed_accounts":[""]})",
  };
  for (const char* body : bad) {
    Result<RegistrationRecord> r = ParseRegistrationRecord(body);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << body;
  }
}

TEST(ParseRegistrationRecord, RefusesTextLongerThanTheLimit) {
  TelephoneRow t = DeskPhone(1);
  t.name = std::string(kMaxPbxText + 1, 'x');
  EXPECT_FALSE(ParseRegistrationRecord(RegistrationBody(true, {t}, {})).ok());
}

TEST(ParseCallRecord, ReadsEveryField) {
  const CallRow sent = SampleCall(42, 1'700'000'000'000);
  Result<CallRow> c = ParseCallRecord(CallBody(sent));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->call_id, 42u);
  EXPECT_EQ(c->start_ms, sent.start_ms);
  EXPECT_EQ(c->duration_s, sent.duration_s);
  EXPECT_EQ(c->direction, sent.direction);
  EXPECT_EQ(c->result, sent.result);
  EXPECT_EQ(c->external_number, sent.external_number);
  EXPECT_EQ(c->external_name, sent.external_name);
  EXPECT_EQ(c->billing_number, sent.billing_number);
  EXPECT_EQ(c->billing_name, sent.billing_name);
  EXPECT_EQ(c->real_name, sent.real_name);
  EXPECT_EQ(c->own_number, sent.own_number);
  EXPECT_EQ(c->call_type, sent.call_type);
}

TEST(ParseCallRecord, RefusesBodiesOutsideTheSchema) {
  const std::string ok_rest =
      R"("start_ms":1,"duration_s":0,"direction":"incoming","result":"successful")";
  const std::string bad[] = {
      R"({"id":0,)" + ok_rest + "}",
      R"({"id":9007199254740992,)" + ok_rest + "}",
      R"({"id":-1,)" + ok_rest + "}",
      R"({"id":1.5,)" + ok_rest + "}",
      R"({"id":"1",)" + ok_rest + "}",
      R"({"start_ms":1,"duration_s":0,"direction":"incoming","result":"successful"})",
      R"({"id":1,"start_ms":1,"duration_s":-1,"direction":"incoming","result":"successful"})",
      R"({"id":1,"start_ms":1,"duration_s":0,"direction":"inbound","result":"successful"})",
      R"({"id":1,"start_ms":1,"duration_s":0,"direction":"incoming","result":"ok"})",
      R"({"id":1,)" + ok_rest + R"(,"external_name":null})",
  };
  for (const std::string& body : bad) {
    EXPECT_EQ(ParseCallRecord(body).status().code(), StatusCode::kInvalidArgument) << body;
  }
}

TEST(ParseCallRecord, AcceptsTheLargestIdBelowTwoToThe53) {
  Result<CallRow> c = ParseCallRecord(
      R"({"id":9007199254740991,"start_ms":1,"duration_s":0,"direction":"internal","result":"unsuccessful"})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->call_id, 9007199254740991u);
}

TEST(FoldForSearch, LowersAsciiAndLatin1CapitalsOnly) {
  EXPECT_EQ(FoldForSearch("ÄÖÜ Jörg MÜLLER ß × +49"), "äöü jörg müller ß × +49");
  EXPECT_EQ(FoldForSearch("ÀÞ"), "àþ");
}

TEST(CallSearchText, JoinsTheSixNumberAndNameColumnsFolded) {
  CallRow c;
  c.external_number = "+4930";
  c.external_name = "Anna";
  c.billing_number = "201";
  c.billing_name = "SALES";
  c.real_name = "Tom";
  c.own_number = "+49521";
  c.call_type = "Business";
  EXPECT_EQ(CallSearchText(c),
            "+4930\x1f"
            "anna\x1f"
            "201\x1f"
            "sales\x1f"
            "tom\x1f"
            "+49521");
}

}  // namespace
}  // namespace ccc::relay::store
