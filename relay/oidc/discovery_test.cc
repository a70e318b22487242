#include "relay/oidc/discovery.h"

#include <gtest/gtest.h>

#include "relay/oidc/oidc_testing.h"

namespace ccc::relay::oidc {
namespace {

using testing::FakeHttpFetcher;
using testing::JsonReply;

std::string Document(const std::string& issuer, const std::string& extra = "") {
  return R"({"issuer":")" + issuer +
         R"(","authorization_endpoint":"https://idp.test/auth",)"
         R"("token_endpoint":"https://idp.test/token","jwks_uri":"https://idp.test/jwks")" +
         extra + "}";
}

TEST(Discovery, BuildsTheWellKnownUrlFromTheIssuer) {
  EXPECT_EQ(DiscoveryUrl("https://idp.test/realms/a"),
            "https://idp.test/realms/a/.well-known/openid-configuration");
  EXPECT_EQ(DiscoveryUrl("https://idp.test/"), "https://idp.test/.well-known/openid-configuration");
}

TEST(Discovery, ParsesTheEndpoints) {
  auto metadata =
      ParseDiscovery(Document("https://idp.test",
                              R"(,"token_endpoint_auth_methods_supported":["client_secret_post"])"),
                     "https://idp.test");
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_EQ(metadata->authorization_endpoint, "https://idp.test/auth");
  EXPECT_EQ(metadata->token_endpoint, "https://idp.test/token");
  EXPECT_EQ(metadata->jwks_uri, "https://idp.test/jwks");
  EXPECT_EQ(metadata->token_auth_methods, std::vector<std::string>{"client_secret_post"});
}

TEST(Discovery, RequiresTheIssuerToMatchExactly) {
  EXPECT_FALSE(ParseDiscovery(Document("https://idp.test/"), "https://idp.test").ok());
  EXPECT_FALSE(ParseDiscovery(Document("https://evil.test"), "https://idp.test").ok());
}

TEST(Discovery, RefusesPlainHttpEndpointsOffLoopback) {
  std::string doc = Document("https://idp.test");
  doc.replace(doc.find("https://idp.test/token"), 8, "http://");
  EXPECT_FALSE(ParseDiscovery(doc, "https://idp.test").ok());
}

TEST(Discovery, RefusesProvidersThatListNoS256OrNoRs256) {
  EXPECT_FALSE(ParseDiscovery(
                   Document("https://idp.test", R"(,"code_challenge_methods_supported":["plain"])"),
                   "https://idp.test")
                   .ok());
  EXPECT_FALSE(ParseDiscovery(Document("https://idp.test",
                                       R"(,"id_token_signing_alg_values_supported":["HS256"])"),
                              "https://idp.test")
                   .ok());
  EXPECT_FALSE(
      ParseDiscovery(Document("https://idp.test", R"(,"response_types_supported":["token"])"),
                     "https://idp.test")
          .ok());
}

TEST(Discovery, RefusesDocumentsWithoutJwksUri) {
  EXPECT_FALSE(ParseDiscovery(R"({"issuer":"https://idp.test","authorization_endpoint":)"
                              R"("https://idp.test/a","token_endpoint":"https://idp.test/t"})",
                              "https://idp.test")
                   .ok());
}

class DiscoveryCacheTest : public ::testing::Test {
 protected:
  const std::string url_ = DiscoveryUrl("https://idp.test");
  FakeHttpFetcher fetcher_;
  int64_t now_ms_ = 1'000'000;
  DiscoveryCache cache_{fetcher_, "https://idp.test", [this] { return now_ms_; }};
};

TEST_F(DiscoveryCacheTest, FetchesOnceWhileFresh) {
  fetcher_.SetGet(url_, JsonReply(200, Document("https://idp.test")));
  ASSERT_TRUE(cache_.Get().ok());
  now_ms_ += DiscoveryCache::kMaxAgeMs - 1;
  ASSERT_TRUE(cache_.Get().ok());
  EXPECT_EQ(fetcher_.get_count(url_), 1);
  now_ms_ += 1;
  ASSERT_TRUE(cache_.Get().ok());
  EXPECT_EQ(fetcher_.get_count(url_), 2);
}

TEST_F(DiscoveryCacheTest, ReportsAnUnreachableProvider) {
  auto metadata = cache_.Get();
  ASSERT_FALSE(metadata.ok());
  EXPECT_EQ(metadata.failure().error, OidcError::kProviderUnavailable);
}

TEST_F(DiscoveryCacheTest, ReportsAnErrorStatusAsUnavailable) {
  fetcher_.SetGet(url_, JsonReply(500, "{}"));
  auto metadata = cache_.Get();
  ASSERT_FALSE(metadata.ok());
  EXPECT_EQ(metadata.failure().error, OidcError::kProviderUnavailable);
}

TEST_F(DiscoveryCacheTest, KeepsTheLastGoodDocumentWhenARefreshFails) {
  fetcher_.SetGet(url_, JsonReply(200, Document("https://idp.test")));
  ASSERT_TRUE(cache_.Get().ok());
  fetcher_.SetGet(url_, Unavailable("down"));
  now_ms_ += DiscoveryCache::kMaxAgeMs;
  auto metadata = cache_.Get();
  ASSERT_TRUE(metadata.ok());
  EXPECT_EQ(metadata->token_endpoint, "https://idp.test/token");
}

}  // namespace
}  // namespace ccc::relay::oidc
