#include "agent/pairing/unpair_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

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
using testing::ReadWholeFile;
using testing::RecordedRequest;
using testing::TestCa;
using testing::TestHttpServer;

constexpr char kSerial[] = "pbx-0001";
constexpr int64_t kNow = 1'700'000'000;

CannedReply Answer(int status, const std::string& error_code = {}) {
  if (error_code.empty()) return CannedReply{status, R"({"status":"unpaired"})", {}, false};
  return testing::ErrorReply(status, error_code, "msg");
}

class UnpairCommandTest : public testing::TempFolderTest {
 protected:
  void SetUp() override {
    TempFolderTest::SetUp();
    options_.serial = kSerial;
    options_.config_file = "/etc/ccc/agent.toml";
    options_.paths = {Path("agent.key"), Path("agent.crt"), Path("device-ca.crt"),
                      Path("broker-ca.crt"), Path("pairing.json")};
    options_.relay.timeout = std::chrono::seconds(10);
    options_.now_s = [] { return kNow; };
  }

  // What a successful `pair` leaves behind.
  void MakePaired() {
    ASSERT_TRUE(CreatePrivateKey(options_.paths.key_file).ok());
    auto csr = MakeCsr(options_.paths.key_file, kSerial);
    ASSERT_TRUE(csr.ok());
    ASSERT_TRUE(StoreCertificate(options_.paths.key_file, options_.paths.cert_file,
                                 options_.paths.device_ca_file, ca_.SignCsr(*csr), ca_.CertPem(),
                                 kSerial)
                    .ok());
    ASSERT_TRUE(WriteFileAtomically(options_.paths.broker_ca_file, ca_.CertPem(), 0644).ok());
    ASSERT_TRUE(WriteFileAtomically(options_.paths.state_file,
                                    EncodePairingRecord({kSerial, "x", "h", 8883, kNow}), 0644)
                    .ok());
  }

  int Unpair(const std::string& url) {
    options_.relay.relay_url = url;
    out_.str("");
    err_.str("");
    return RunUnpair(options_, out_, err_);
  }

  bool CredentialsRemoved() const {
    return !FileExists(options_.paths.key_file) && !FileExists(options_.paths.cert_file) &&
           !FileExists(options_.paths.device_ca_file) && !FileExists(options_.paths.state_file);
  }
  bool CredentialsKept() const {
    return FileExists(options_.paths.key_file) && FileExists(options_.paths.cert_file) &&
           FileExists(options_.paths.device_ca_file) && FileExists(options_.paths.state_file);
  }

  UnpairOptions options_;
  TestCa ca_{"ccc device CA"};
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST(UnpairMessage, IsPrefixSerialAndTimestampOnLinesOfTheirOwn) {
  EXPECT_EQ(UnpairMessage("pbx-0001", 1'700'000'000), "ccc-unpair\npbx-0001\n1700000000");
}

TEST_F(UnpairCommandTest, SendsARequestSignedWithTheDeviceKey) {
  MakePaired();
  TestHttpServer relay([](const RecordedRequest&) { return Answer(200); });

  ASSERT_EQ(Unpair(relay.url()), kExitOk) << err_.str();

  const auto requests = relay.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/api/v1/pairing/unpair");
  const auto sent = boost::json::parse(requests[0].body).as_object();
  EXPECT_EQ(sent.at("serial").as_string(), kSerial);
  EXPECT_EQ(sent.at("timestamp").as_int64(), kNow);
  const std::string certificate(sent.at("certificate").as_string());
  const std::string signature(sent.at("signature").as_string());
  EXPECT_TRUE(testing::VerifySignature(certificate, UnpairMessage(kSerial, kNow), signature));
  EXPECT_FALSE(testing::VerifySignature(certificate, UnpairMessage(kSerial, kNow + 1), signature));
}

TEST_F(UnpairCommandTest, SentCertificateIsTheStoredOne) {
  MakePaired();
  const std::string stored = ReadWholeFile(options_.paths.cert_file);
  TestHttpServer relay([](const RecordedRequest&) { return Answer(200); });
  ASSERT_EQ(Unpair(relay.url()), kExitOk) << err_.str();
  const auto sent = boost::json::parse(relay.requests().at(0).body).as_object();
  EXPECT_EQ(sent.at("certificate").as_string(), stored);
}

TEST_F(UnpairCommandTest, AcceptedUnpairRemovesTheLocalCredentials) {
  MakePaired();
  TestHttpServer relay([](const RecordedRequest&) { return Answer(200); });
  ASSERT_EQ(Unpair(relay.url()), kExitOk) << err_.str();
  EXPECT_TRUE(CredentialsRemoved());
  EXPECT_THAT(out_.str(), HasSubstr("revoked"));
}

TEST_F(UnpairCommandTest, NotPairedOnTheRelayStillRemovesTheLocalCredentials) {
  MakePaired();
  TestHttpServer relay([](const RecordedRequest&) { return Answer(409, "not_paired"); });
  ASSERT_EQ(Unpair(relay.url()), kExitOk) << err_.str();
  EXPECT_TRUE(CredentialsRemoved());
  EXPECT_THAT(out_.str(), HasSubstr("not_paired"));
}

TEST_F(UnpairCommandTest, UnreachableRelayKeepsEverythingAndSuggestsLocalOnly) {
  MakePaired();
  EXPECT_EQ(Unpair("http://127.0.0.1:" + std::to_string(testing::ClosedPort())), kExitUnreachable);
  EXPECT_TRUE(CredentialsKept());
  EXPECT_THAT(err_.str(), HasSubstr("--local-only"));
}

TEST_F(UnpairCommandTest, LocalOnlyRemovesTheCredentialsWhenTheRelayIsUnreachable) {
  MakePaired();
  options_.local_only = true;
  EXPECT_EQ(Unpair("http://127.0.0.1:" + std::to_string(testing::ClosedPort())), kExitOk);
  EXPECT_TRUE(CredentialsRemoved());
  EXPECT_THAT(err_.str(), HasSubstr("still lists this system as paired"));
}

TEST_F(UnpairCommandTest, LocalOnlyNeedsNoRelayUrl) {
  MakePaired();
  options_.local_only = true;
  EXPECT_EQ(Unpair(""), kExitOk);
  EXPECT_TRUE(CredentialsRemoved());
}

TEST_F(UnpairCommandTest, RefusedSignatureKeepsEverything) {
  MakePaired();
  TestHttpServer relay([](const RecordedRequest&) { return Answer(401, "invalid_signature"); });
  EXPECT_EQ(Unpair(relay.url()), kExitRefused);
  EXPECT_TRUE(CredentialsKept());
  EXPECT_THAT(err_.str(), HasSubstr("invalid_signature"));
}

TEST_F(UnpairCommandTest, StaleTimestampPointsAtTheClock) {
  MakePaired();
  TestHttpServer relay([](const RecordedRequest&) { return Answer(422, "stale_timestamp"); });
  EXPECT_EQ(Unpair(relay.url()), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("clock"));
  EXPECT_TRUE(CredentialsKept());
}

TEST_F(UnpairCommandTest, WithoutCertificateLeftoversOfAFailedPairAreRemoved) {
  ASSERT_TRUE(CreatePrivateKey(options_.paths.key_file).ok());
  TestHttpServer relay([](const RecordedRequest&) { return Answer(200); });
  EXPECT_EQ(Unpair(relay.url()), kExitOk);
  EXPECT_TRUE(relay.requests().empty());
  EXPECT_FALSE(FileExists(options_.paths.key_file));
  EXPECT_THAT(out_.str(), HasSubstr("not paired"));
}

TEST_F(UnpairCommandTest, SignatureIsStandardPaddedBase64) {
  MakePaired();
  auto signature = SignWithDeviceKey(options_.paths.key_file, "x");
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_EQ(signature->size() % 4, 0u);
  EXPECT_EQ(signature->find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
            std::string::npos);
}

}  // namespace
}  // namespace ccc::agent::pairing
