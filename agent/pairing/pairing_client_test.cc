#include "agent/pairing/pairing_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "agent/pairing/test_relay.h"

namespace ccc::agent::pairing {
namespace {

using testing::CannedReply;
using ::testing::HasSubstr;
using testing::RecordedRequest;
using testing::TestCa;
using testing::TestHttpServer;

CannedReply Ok(std::string body) { return CannedReply{200, std::move(body), {}, false}; }

Result<PairingClient> ClientFor(const std::string& url, std::string ca_file = {}) {
  PairingClientOptions options;
  options.relay_url = url;
  options.ca_file = std::move(ca_file);
  options.timeout = std::chrono::seconds(10);
  return PairingClient::Create(options);
}

class PairingClientTest : public testing::TempFolderTest {
 protected:
  std::string WriteFile(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
};

TEST_F(PairingClientTest, PostsJsonAndReturnsTheRelaysAnswer) {
  TestHttpServer server([](const RecordedRequest&) { return Ok(R"({"status":"ok"})"); });
  auto client = ClientFor(server.url());
  ASSERT_TRUE(client.ok()) << client.status().ToString();

  auto reply = client->PostJson("/api/v1/pairing", R"({"serial":"pbx-1"})");

  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, R"({"status":"ok"})");
  EXPECT_EQ(reply->headers.at("content-type"), "application/json");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/api/v1/pairing");
  EXPECT_EQ(requests[0].body, R"({"serial":"pbx-1"})");
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(requests[0].headers.at("host"), "127.0.0.1:" + std::to_string(server.port()));
}

TEST_F(PairingClientTest, ErrorStatusesAreAnswersNotFailures) {
  TestHttpServer server([](const RecordedRequest&) {
    return CannedReply{422, R"({"error":{"code":"serial_mismatch","message":"no"}})", {}, false};
  });
  auto reply = ClientFor(server.url())->PostJson("/api/v1/pairing", "{}");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 422);
  const RelayError error = ParseRelayError(*reply);
  EXPECT_EQ(error.code, "serial_mismatch");
  EXPECT_EQ(error.message, "no");
}

TEST_F(PairingClientTest, ParseRelayErrorOfANonJsonBodyIsEmpty) {
  const RelayError error = ParseRelayError(HttpReply{502, "<html>bad gateway</html>", {}});
  EXPECT_EQ(error.code, "");
  EXPECT_EQ(error.message, "");
}

TEST_F(PairingClientTest, PathPrefixOfTheRelayUrlIsKept) {
  TestHttpServer server([](const RecordedRequest&) { return Ok("{}"); });
  auto reply = ClientFor(server.url() + "/ccc/")->PostJson("/api/v1/pairing", "{}");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(server.requests().at(0).target, "/ccc/api/v1/pairing");
}

TEST_F(PairingClientTest, PlainHttpToAnotherMachineIsRefused) {
  auto client = ClientFor("http://relay.example.com");
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(client.status().message(), HasSubstr("https://"));
}

TEST_F(PairingClientTest, PlainHttpToAnotherMachineIsAllowedWhenInsecureIsAllowed) {
  PairingClientOptions options;
  options.relay_url = "http://relay.example.com:8080";
  options.allow_insecure = true;
  EXPECT_TRUE(PairingClient::Create(options).ok());
}

TEST_F(PairingClientTest, PlainHttpToLoopbackNamesIsAllowed) {
  EXPECT_TRUE(ClientFor("http://localhost:8080").ok());
  EXPECT_TRUE(ClientFor("http://127.0.0.2").ok());
  EXPECT_TRUE(ClientFor("http://[::1]:8080/").ok());
}

TEST_F(PairingClientTest, MalformedRelayUrlsAreRejected) {
  for (const char* url :
       {"", "ftp://relay", "relay.example.com", "https://", "https://user@relay", "https://relay:0",
        "https://relay:99999", "https://relay:", "https://relay?x=1", "https://relay/#top",
        "https://[::1", "https://[nonsense]", "https://re lay", "https://relay/a b",
        "https://a:b:c"}) {
    auto client = ClientFor(url);
    EXPECT_FALSE(client.ok()) << url;
    if (!client.ok()) {
      EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument) << url;
    }
  }
}

TEST_F(PairingClientTest, HttpsVerifiesTheRelayAgainstTheConfiguredCa) {
  TestCa ca("relay-ca");
  const auto [cert, key] = ca.ServerCertificate();
  TestHttpServer server([](const RecordedRequest&) { return Ok(R"({"ok":true})"); }, cert, key);

  auto reply = ClientFor(server.url(), WriteFile("relay-ca.crt", ca.CertPem()))
                   ->PostJson("/api/v1/pairing", "{}");

  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body, R"({"ok":true})");
}

TEST_F(PairingClientTest, HttpsToARelayOfAnotherCaIsUnavailable) {
  TestCa ca("relay-ca");
  TestCa other("other-ca");
  const auto [cert, key] = ca.ServerCertificate();
  TestHttpServer server([](const RecordedRequest&) { return Ok("{}"); }, cert, key);

  auto reply = ClientFor(server.url(), WriteFile("other.crt", other.CertPem()))
                   ->PostJson("/api/v1/pairing", "{}");

  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(reply.status().message(), HasSubstr("certificate"));
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(PairingClientTest, HttpsWithoutCaFileUsesTheSystemTrustStore) {
  TestCa ca("private-ca");
  const auto [cert, key] = ca.ServerCertificate();
  TestHttpServer server([](const RecordedRequest&) { return Ok("{}"); }, cert, key);

  auto reply = ClientFor(server.url())->PostJson("/api/v1/pairing", "{}");

  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(reply.status().message(), HasSubstr("system trust store"));
}

TEST_F(PairingClientTest, MissingCaFileIsNotFound) {
  auto reply = ClientFor("https://127.0.0.1:1", (dir_ / "missing.crt").string())
                   ->PostJson("/api/v1/pairing", "{}");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(reply.status().message(), HasSubstr("missing.crt"));
}

TEST_F(PairingClientTest, NothingListeningIsUnavailable) {
  auto reply = ClientFor("http://127.0.0.1:" + std::to_string(testing::ClosedPort()))
                   ->PostJson("/api/v1/pairing", "{}");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
}

TEST_F(PairingClientTest, SilentRelayTimesOutAfterTheConfiguredTime) {
  TestHttpServer server([](const RecordedRequest&) { return CannedReply{200, "", {}, true}; });
  PairingClientOptions options;
  options.relay_url = server.url();
  options.timeout = std::chrono::milliseconds(300);
  const auto started = std::chrono::steady_clock::now();

  auto reply = PairingClient::Create(options)->PostJson("/api/v1/pairing", "{}");

  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(reply.status().message(), HasSubstr("within 0.3 s"));
  EXPECT_GE(elapsed, std::chrono::milliseconds(300));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(PairingClientTest, AnswerLargerThanTheLimitIsTooLarge) {
  TestHttpServer server([](const RecordedRequest&) { return Ok(std::string((1 << 20) + 1, 'x')); });
  auto reply = ClientFor(server.url())->PostJson("/api/v1/pairing", "{}");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kTooLarge);
}

TEST_F(PairingClientTest, AnswerOfExactlyTheLimitIsAccepted) {
  TestHttpServer server([](const RecordedRequest&) { return Ok(std::string(1 << 20, 'x')); });
  auto reply = ClientFor(server.url())->PostJson("/api/v1/pairing", "{}");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body.size(), 1u << 20);
}

}  // namespace
}  // namespace ccc::agent::pairing
