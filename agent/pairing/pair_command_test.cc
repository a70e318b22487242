#include "agent/pairing/pair_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "agent/pairing/credentials.h"
#include "agent/pairing/test_relay.h"

namespace ccc::agent::pairing {
namespace {

using testing::CannedReply;
using ::testing::HasSubstr;
using testing::ModeOf;
using testing::ReadWholeFile;
using testing::RecordedRequest;
using testing::TestCa;
using testing::TestHttpServer;

constexpr char kSerial[] = "pbx-0001";
constexpr char kCode[] = "7KQ4-MZ2H-X9RC";

CannedReply Refusal(int status, const std::string& code) {
  return testing::ErrorReply(status, code, "refused: " + code);
}

class PairCommandTest : public testing::TempFolderTest {
 protected:
  void SetUp() override {
    TempFolderTest::SetUp();
    options_.serial = kSerial;
    options_.config_file = "/etc/ccc/agent.toml";
    options_.paths = {Path("tls/agent.key"), Path("tls/agent.crt"), Path("data/device-ca.crt"),
                      Path("tls/broker-ca.crt"), Path("data/pairing.json")};
    options_.relay.timeout = std::chrono::seconds(10);
    options_.now_s = [] { return int64_t{1'700'000'000}; };
  }

  // A relay that signs every CSR it is sent.
  CannedReply Accept(const RecordedRequest& request) {
    const auto body = boost::json::parse(request.body).as_object();
    const std::string csr(body.at("csr").as_string());
    boost::json::object answer{
        {"device_id", kSerial},
        {"certificate", device_ca_.SignCsr(csr)},
        {"ca", device_ca_.CertPem()},
        {"broker", {{"host", "mqtt.example.net"}, {"port", 8883}, {"ca", broker_ca_.CertPem()}}}};
    return CannedReply{200, boost::json::serialize(answer), {}, false};
  }

  int Pair(const std::string& url, const std::string& code = kCode) {
    options_.relay.relay_url = url;
    out_.str("");
    err_.str("");
    return RunPair(options_, code, out_, err_);
  }

  bool NothingButTheKeyStored() const {
    return FileExists(options_.paths.key_file) && !FileExists(options_.paths.cert_file) &&
           !FileExists(options_.paths.device_ca_file) &&
           !FileExists(options_.paths.broker_ca_file) && !FileExists(options_.paths.state_file);
  }

  PairOptions options_;
  TestCa device_ca_{"ccc device CA"};
  TestCa broker_ca_{"broker CA"};
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST(NormalizeConfirmationCode, AcceptsLowerCaseAndMissingDashes) {
  EXPECT_EQ(NormalizeConfirmationCode("7KQ4-MZ2H-X9RC"), "7KQ4-MZ2H-X9RC");
  EXPECT_EQ(NormalizeConfirmationCode("7kq4mz2hx9rc"), "7KQ4-MZ2H-X9RC");
  EXPECT_EQ(NormalizeConfirmationCode(" 7kq4-MZ2H-x9rc\n"), "7KQ4-MZ2H-X9RC");
}

TEST(NormalizeConfirmationCode, RejectsWrongLengthAndCharactersOutsideTheAlphabet) {
  for (const char* bad :
       {"", "7KQ4-MZ2H-X9R", "7KQ4-MZ2H-X9RCA", "7KQ4-MZ2H-X9R0", "7KQ4-MZ2H-X9RO",
        "7KQ4-MZ2H-X9R1", "7KQ4-MZ2H-X9RI", "7KQ4 MZ2H X9RC", "7KQ4_MZ2H_X9RC"}) {
    EXPECT_EQ(NormalizeConfirmationCode(bad), std::nullopt) << bad;
  }
}

TEST_F(PairCommandTest, SuccessfulPairingStoresCertificateBrokerCaAndRecord) {
  TestHttpServer relay([this](const RecordedRequest& r) { return Accept(r); });

  ASSERT_EQ(Pair(relay.url(), "7kq4mz2hx9rc"), kExitOk) << err_.str();

  const auto requests = relay.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/api/v1/pairing");
  const auto sent = boost::json::parse(requests[0].body).as_object();
  EXPECT_EQ(sent.at("serial").as_string(), kSerial);
  EXPECT_EQ(sent.at("code").as_string(), kCode);
  EXPECT_EQ(testing::CsrCommonName(std::string(sent.at("csr").as_string())), kSerial);
  EXPECT_EQ(sent.size(), 3u);

  EXPECT_EQ(ModeOf(options_.paths.key_file), 0600u);
  EXPECT_EQ(ModeOf(options_.paths.cert_file), 0600u);
  EXPECT_EQ(ReadWholeFile(options_.paths.device_ca_file), device_ca_.CertPem());
  EXPECT_EQ(ReadWholeFile(options_.paths.broker_ca_file), broker_ca_.CertPem());
  auto record = ReadPairingRecord(options_.paths.state_file);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->device_id, kSerial);
  EXPECT_EQ(record->broker_host, "mqtt.example.net");
  EXPECT_EQ(record->broker_port, 8883);
  EXPECT_EQ(record->relay_url, relay.url());
  EXPECT_EQ(record->paired_at_s, 1'700'000'000);
  EXPECT_THAT(out_.str(), HasSubstr("Paired"));
  EXPECT_THAT(out_.str(), HasSubstr("mqtt.example.net:8883"));
}

TEST_F(PairCommandTest, BrokerSetInTheConfigIsNamedAsTheOneThatWins) {
  TestHttpServer relay([this](const RecordedRequest& r) { return Accept(r); });
  options_.configured_broker = "broker.site.lan:8883";
  ASSERT_EQ(Pair(relay.url()), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("not used: [mqtt] host"));
}

TEST_F(PairCommandTest, MalformedCodeIsRefusedWithoutAskingTheRelay) {
  TestHttpServer relay([this](const RecordedRequest& r) { return Accept(r); });
  EXPECT_EQ(Pair(relay.url(), "OOPS-0000-1111"), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("not a confirmation code"));
  EXPECT_TRUE(relay.requests().empty());
  EXPECT_FALSE(FileExists(options_.paths.key_file));
}

TEST_F(PairCommandTest, MissingRelayUrlIsAConfigurationError) {
  EXPECT_EQ(Pair(""), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("[pairing] relay_url"));
}

TEST_F(PairCommandTest, PlainHttpToAnotherMachineIsAConfigurationError) {
  EXPECT_EQ(Pair("http://relay.example.com"), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("https://"));
}

TEST_F(PairCommandTest, PairedAgentIsToldToUnpairFirst) {
  TestHttpServer relay([this](const RecordedRequest& r) { return Accept(r); });
  ASSERT_EQ(Pair(relay.url()), kExitOk) << err_.str();
  const std::string cert_before = ReadWholeFile(options_.paths.cert_file);

  EXPECT_EQ(Pair(relay.url()), kExitUsage);

  EXPECT_THAT(err_.str(), HasSubstr("already paired"));
  EXPECT_THAT(err_.str(), HasSubstr("ccc-agent unpair"));
  EXPECT_EQ(relay.requests().size(), 1u);
  EXPECT_EQ(ReadWholeFile(options_.paths.cert_file), cert_before);
}

TEST_F(PairCommandTest, EveryRefusalOfTheContractHasItsOwnExplanation) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"pairing_code_unknown", "does not know this confirmation code"},
      {"pairing_code_expired", "has expired"},
      {"pairing_code_used", "already been used"},
      {"pairing_code_replaced", "replaced by a newer one"},
      {"serial_mismatch", "serial number is not this PBX's (pbx-0001)"},
  };
  for (const auto& [code, explanation] : cases) {
    TestHttpServer relay([&code](const RecordedRequest&) { return Refusal(422, code); });
    EXPECT_EQ(Pair(relay.url()), kExitRefused) << code;
    EXPECT_THAT(err_.str(), HasSubstr(explanation)) << code;
    EXPECT_TRUE(NothingButTheKeyStored()) << code;
  }
}

TEST_F(PairCommandTest, InvalidCsrRefusalQuotesTheRelay) {
  TestHttpServer relay([](const RecordedRequest&) { return Refusal(400, "invalid_csr"); });
  EXPECT_EQ(Pair(relay.url()), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("refused: invalid_csr"));
}

TEST_F(PairCommandTest, TooManyAttemptsSaysHowLongToWait) {
  TestHttpServer relay([](const RecordedRequest&) {
    CannedReply reply = Refusal(429, "too_many_attempts");
    reply.headers["Retry-After"] = "60";
    return reply;
  });
  EXPECT_EQ(Pair(relay.url()), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("Wait 60 seconds"));
}

TEST_F(PairCommandTest, KeyOfAFailedAttemptIsReusedByTheNextOne) {
  bool refuse = true;
  TestHttpServer relay([&](const RecordedRequest& r) {
    return refuse ? Refusal(422, "pairing_code_expired") : Accept(r);
  });
  ASSERT_EQ(Pair(relay.url()), kExitRefused);
  const std::string key = ReadWholeFile(options_.paths.key_file);
  ASSERT_FALSE(key.empty());

  refuse = false;
  ASSERT_EQ(Pair(relay.url()), kExitOk) << err_.str();

  EXPECT_THAT(out_.str(), HasSubstr("Using the existing private key"));
  EXPECT_EQ(ReadWholeFile(options_.paths.key_file), key);
}

TEST_F(PairCommandTest, UnreachableRelayExitsWithThree) {
  EXPECT_EQ(Pair("http://127.0.0.1:" + std::to_string(testing::ClosedPort())), kExitUnreachable);
  EXPECT_THAT(err_.str(), HasSubstr("cannot reach the relay"));
  EXPECT_TRUE(NothingButTheKeyStored());
}

TEST_F(PairCommandTest, ServerErrorOfTheRelayExitsWithThree) {
  TestHttpServer relay([](const RecordedRequest&) { return Refusal(503, "unavailable"); });
  EXPECT_EQ(Pair(relay.url()), kExitUnreachable);
  EXPECT_THAT(err_.str(), HasSubstr("Try again later"));
}

TEST_F(PairCommandTest, CertificateForAnotherKeyIsRefusedAndNothingIsStored) {
  ASSERT_TRUE(CreatePrivateKey(Path("other.key")).ok());
  const std::string other_csr = *MakeCsr(Path("other.key"), kSerial);
  TestHttpServer relay([&](const RecordedRequest&) {
    boost::json::object answer{{"device_id", kSerial},
                               {"certificate", device_ca_.SignCsr(other_csr)},
                               {"ca", device_ca_.CertPem()},
                               {"broker", {{"host", "mqtt.example.net"}, {"port", 8883}}}};
    return CannedReply{200, boost::json::serialize(answer), {}, false};
  });

  EXPECT_EQ(Pair(relay.url()), kExitRefused);

  EXPECT_THAT(err_.str(), HasSubstr("another key"));
  EXPECT_TRUE(NothingButTheKeyStored());
}

TEST_F(PairCommandTest, UnusableBrokerCaUndoesTheStoredCertificate) {
  TestHttpServer relay([&](const RecordedRequest& r) {
    CannedReply reply = Accept(r);
    auto answer = boost::json::parse(reply.body).as_object();
    answer["broker"].as_object()["ca"] = "not a certificate";
    reply.body = boost::json::serialize(answer);
    return reply;
  });

  EXPECT_EQ(Pair(relay.url()), kExitRefused);

  EXPECT_THAT(err_.str(), HasSubstr("broker CA"));
  EXPECT_TRUE(NothingButTheKeyStored());
}

TEST_F(PairCommandTest, AnswerWithoutCertificateIsRefused) {
  TestHttpServer relay([](const RecordedRequest&) {
    return CannedReply{200, R"({"device_id":"x"})", {}, false};
  });
  EXPECT_EQ(Pair(relay.url()), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("cannot be used"));
  EXPECT_TRUE(NothingButTheKeyStored());
}

}  // namespace
}  // namespace ccc::agent::pairing
