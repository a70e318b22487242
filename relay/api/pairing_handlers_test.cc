#include "relay/api/pairing_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>

#include "agent/pairing/credentials.h"
#include "agent/pairing/unpair_command.h"
#include "relay/api/systems_test_support.h"

namespace ccc::relay::api {
namespace {

using http::Method;
using testing::Body;
using ::testing::ElementsAre;
using testing::ErrorCode;
using ::testing::HasSubstr;
using testing::HeaderValue;

constexpr char kPassword[] = "correct horse battery";
constexpr char kSerial[] = "PBX-0001";

class PairingApi : public ::testing::Test {
 protected:
  PairingApi() {
    const int64_t acme = env().CreateCompany("Acme");
    env().CreateUser(acme, "owner@acme.example", kPassword);
    owner_ = env().Login("owner@acme.example", kPassword);
    http::Response created =
        env().Call(Method::kPost, "/api/v1/systems",
                   R"({"name":"Head office","serial":"PBX-0001"})", {.session = owner_});
    EXPECT_EQ(created.status, 201) << created.body;
    system_id_ = Body(created).at("id").as_int64();
    code_ = std::string(Body(created).at("confirmation_code").at("code").as_string());
  }

  testing::ApiTestEnv& env() { return systems_.env; }
  std::string KeyPath() const { return systems_.Path("agent.key"); }

  std::string Csr(const std::string& cn = kSerial) {
    if (!std::filesystem::exists(KeyPath())) {
      EXPECT_TRUE(agent::pairing::CreatePrivateKey(KeyPath()).ok());
    }
    auto csr = agent::pairing::MakeCsr(KeyPath(), cn);
    EXPECT_TRUE(csr.ok()) << csr.status().ToString();
    return csr.ok() ? *csr : "";
  }

  http::Response Pair(const std::string& serial, const std::string& code, const std::string& csr,
                      const std::string& address = "198.51.100.7") {
    const std::string body = boost::json::serialize(
        boost::json::object{{"serial", serial}, {"code", code}, {"csr", csr}});
    return env().Call(Method::kPost, "/api/v1/pairing", body, {.address = address});
  }

  // Pairs PBX-0001 and returns its certificate.
  std::string PairOk() {
    http::Response response = Pair(kSerial, code_, Csr());
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? std::string(Body(response).at("certificate").as_string()) : "";
  }

  http::Response Unpair(const std::string& certificate, int64_t timestamp,
                        const std::string& serial = kSerial) {
    auto signature = agent::pairing::SignWithDeviceKey(
        KeyPath(), agent::pairing::UnpairMessage(serial, timestamp));
    EXPECT_TRUE(signature.ok());
    const std::string body = boost::json::serialize(
        boost::json::object{{"serial", serial},
                            {"certificate", certificate},
                            {"timestamp", timestamp},
                            {"signature", signature.ok() ? *signature : ""}});
    return env().Call(Method::kPost, "/api/v1/pairing/unpair", body);
  }

  int64_t NowSeconds() { return env().now_ms / 1000; }

  boost::json::value System() {
    return Body(env().Call(Method::kGet, "/api/v1/systems/" + std::to_string(system_id_), "",
                           {.session = owner_}));
  }

  testing::SystemsApiEnv systems_;
  testing::BrowserSession owner_;
  int64_t system_id_ = 0;
  std::string code_;
};

TEST_F(PairingApi, PairingAnswersWithCertificateCaAndBroker) {
  http::Response response = Pair(kSerial, code_, Csr());
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("device_id").as_string(), kSerial);
  EXPECT_THAT(std::string(body.at("certificate").as_string()), HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_EQ(body.at("ca").as_string(), systems_.pairing().DeviceCaPem());
  EXPECT_EQ(body.at("broker").at("host").as_string(), "broker.example.net");
  EXPECT_EQ(body.at("broker").at("port").as_int64(), 8883);
  EXPECT_THAT(std::string(body.at("broker").at("ca").as_string()), HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_EQ(HeaderValue(response, "Cache-Control"), "no-store");
}

TEST_F(PairingApi, TheAgentAcceptsWhatThePairingAnswers) {
  auto body = Body(Pair(kSerial, code_, Csr()));
  Status stored = agent::pairing::StoreCertificate(
      KeyPath(), systems_.Path("agent.crt"), systems_.Path("agent-ca.crt"),
      body.at("certificate").as_string(), body.at("ca").as_string(), kSerial);
  EXPECT_TRUE(stored.ok()) << stored.ToString();
}

TEST_F(PairingApi, APairedSystemShowsPairedWithFirstRegistrationAndNoCode) {
  PairOk();
  auto system = System();
  EXPECT_TRUE(system.at("paired").as_bool());
  EXPECT_EQ(system.at("first_registration_at").as_string(), Rfc3339(env().now_ms));
  EXPECT_EQ(system.at("state").as_string(), "unknown");
  EXPECT_EQ(system.at("state_reasons"), boost::json::parse(R"(["never_seen"])"));
  EXPECT_TRUE(system.at("confirmation_code").is_null());
  EXPECT_THAT(systems_.broker.admitted, ElementsAre(kSerial));
}

TEST_F(PairingApi, AnExpiredCodeIs422) {
  env().Advance(std::chrono::hours(24));
  http::Response response = Pair(kSerial, code_, Csr());
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(ErrorCode(response), "pairing_code_expired");
}

TEST_F(PairingApi, AUsedCodeIs422) {
  PairOk();
  http::Response response = Pair(kSerial, code_, Csr());
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(ErrorCode(response), "pairing_code_used");
}

TEST_F(PairingApi, AReplacedCodeIs422) {
  ASSERT_EQ(env()
                .Call(Method::kPost, "/api/v1/systems/" + std::to_string(system_id_) + "/token", "",
                      {.session = owner_})
                .status,
            201);
  http::Response response = Pair(kSerial, code_, Csr());
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(ErrorCode(response), "pairing_code_replaced");
}

TEST_F(PairingApi, AnUnknownCodeIs422) {
  http::Response response = Pair(kSerial, "ZZZZ-ZZZZ-ZZZZ", Csr());
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(ErrorCode(response), "pairing_code_unknown");
}

TEST_F(PairingApi, AnotherSerialIs422SerialMismatch) {
  http::Response response = Pair("PBX-0002", code_, Csr("PBX-0002"));
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(ErrorCode(response), "serial_mismatch");
}

TEST_F(PairingApi, ABadCsrIs400InvalidCsr) {
  http::Response wrong_cn = Pair(kSerial, code_, Csr("PBX-0002"));
  EXPECT_EQ(wrong_cn.status, 400);
  EXPECT_EQ(ErrorCode(wrong_cn), "invalid_csr");
  http::Response garbage = Pair(kSerial, code_, "not a csr");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(ErrorCode(garbage), "invalid_csr");
  EXPECT_FALSE(System().at("paired").as_bool());
}

TEST_F(PairingApi, BadBodiesAre400) {
  EXPECT_EQ(ErrorCode(Pair("PBX 1", code_, Csr())), "invalid_field");
  http::Response missing =
      env().Call(Method::kPost, "/api/v1/pairing", R"({"serial":"PBX-0001","code":"X"})");
  EXPECT_EQ(ErrorCode(missing), "missing_field");
  http::Response unknown = env().Call(Method::kPost, "/api/v1/pairing",
                                      R"({"serial":"PBX-0001","code":"X","csr":"Y","z":1})");
  EXPECT_EQ(ErrorCode(unknown), "unknown_field");
  http::Response huge = Pair(kSerial, code_, std::string(1 << 20, 'A'));
  EXPECT_EQ(huge.status, 400);
  EXPECT_EQ(ErrorCode(huge), "field_too_long");
}

TEST_F(PairingApi, RepeatedFailuresAre429WithRetryAfter) {
  for (int i = 0; i < pairing::kMaxPairingFailuresPerAddress; ++i) {
    EXPECT_EQ(Pair(kSerial, "ZZZZ-ZZZZ-ZZZZ", "x").status, 422);
  }
  http::Response response = Pair(kSerial, code_, Csr());
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(ErrorCode(response), "too_many_attempts");
  EXPECT_GE(std::stoi(HeaderValue(response, "Retry-After")), 1);
  EXPECT_EQ(Pair(kSerial, code_, Csr(), "203.0.113.5").status, 200);
}

TEST_F(PairingApi, UnpairingWithTheDeviceKeyUnpairsAndEvicts) {
  const std::string cert = PairOk();
  http::Response response = Unpair(cert, NowSeconds());
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(Body(response), boost::json::parse(R"({"status":"unpaired"})"));
  EXPECT_FALSE(System().at("paired").as_bool());
  EXPECT_THAT(systems_.broker.evicted, ElementsAre(kSerial));
  http::Response again = Unpair(cert, NowSeconds());
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(ErrorCode(again), "not_paired");
}

TEST_F(PairingApi, UnpairingWithABadSignatureIs401) {
  const std::string cert = PairOk();
  const std::string body = boost::json::serialize(boost::json::object{{"serial", kSerial},
                                                                      {"certificate", cert},
                                                                      {"timestamp", NowSeconds()},
                                                                      {"signature", "MEUCIQDu"}});
  http::Response response = env().Call(Method::kPost, "/api/v1/pairing/unpair", body);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response), "invalid_signature");
  EXPECT_TRUE(System().at("paired").as_bool());
}

TEST_F(PairingApi, UnpairingWithAStaleTimestampIs422) {
  const std::string cert = PairOk();
  http::Response response = Unpair(cert, NowSeconds() - 600);
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(ErrorCode(response), "stale_timestamp");
}

TEST_F(PairingApi, UnpairingAnUnknownSerialIs404) {
  const std::string cert = PairOk();
  http::Response response = Unpair(cert, NowSeconds(), "PBX-0404");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
}

TEST_F(PairingApi, UnpairingNeedsAnIntegerTimestamp) {
  const std::string body = boost::json::serialize(boost::json::object{
      {"serial", kSerial}, {"certificate", "x"}, {"timestamp", "now"}, {"signature", "AAAA"}});
  http::Response response = env().Call(Method::kPost, "/api/v1/pairing/unpair", body);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_field");
}

TEST_F(PairingApi, APairedSystemGetsNoNewCode) {
  PairOk();
  http::Response response =
      env().Call(Method::kPost, "/api/v1/systems/" + std::to_string(system_id_) + "/token", "",
                 {.session = owner_});
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(ErrorCode(response), "already_paired");
}

TEST_F(PairingApi, DeletingAPairedSystemEvictsItsAgent) {
  PairOk();
  ASSERT_EQ(env()
                .Call(Method::kDelete, "/api/v1/systems/" + std::to_string(system_id_), "",
                      {.session = owner_})
                .status,
            204);
  EXPECT_THAT(systems_.broker.evicted, ElementsAre(kSerial));
  auto device = systems_.store().FindDevice(kSerial);
  ASSERT_TRUE(device.ok());
  EXPECT_FALSE(device->has_value());
}

TEST_F(PairingApi, FailedAttemptsAreAuditedWithTheAddress) {
  Pair(kSerial, "ZZZZ-ZZZZ-ZZZZ", Csr(), "198.51.100.99");
  directory::ListQuery query;
  query.q = "pairing.failed";
  auto user = env().directory().FindUserByEmail("owner@acme.example");
  ASSERT_TRUE(user.ok() && user->has_value());
  auto audit = env().directory().ListAudit((*user)->company_id, query);
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  ASSERT_EQ(audit->items.size(), 1u);
  EXPECT_EQ(audit->items[0].address, "198.51.100.99");
  EXPECT_EQ(audit->items[0].actor, "agent:PBX-0001");
  EXPECT_THAT(audit->items[0].details_json, HasSubstr("pairing_code_unknown"));
}

}  // namespace
}  // namespace ccc::relay::api
