#include "relay/oidc/oidc_client.h"

#include <gtest/gtest.h>

#include "relay/oidc/oidc_testing.h"
#include "relay/oidc/pkce.h"

namespace ccc::relay::oidc {
namespace {

using testing::FakeHttpFetcher;
using testing::FakeProvider;
using testing::JsonReply;
using testing::QueryOf;

constexpr const char* kRedirectUri = "https://ccc.example.com/api/v1/auth/oidc/callback";

OidcConfig Config() {
  OidcConfig config;
  config.enabled = true;
  config.issuer = FakeProvider::kIssuer;
  config.client_id = FakeProvider::kClientId;
  config.client_secret = FakeProvider::kClientSecret;
  config.redirect_uri = kRedirectUri;
  config.default_company = "Acme";
  return config;
}

class OidcClientTest : public ::testing::Test {
 protected:
  OidcClientTest() { Rebuild(Config()); }

  void Rebuild(OidcConfig config) {
    auto fetcher = std::make_unique<FakeHttpFetcher>();
    fetcher_ = fetcher.get();
    provider_ = std::make_unique<FakeProvider>(*fetcher_, [this] { return now_ms_; });
    client_ = std::make_unique<OidcClient>(std::move(config), std::move(fetcher),
                                           [this] { return now_ms_; });
  }

  // Begin, "log in" at the provider, and return the callback the browser would bring.
  Callback RoundTrip(const std::string& return_to = "/") {
    auto redirect = client_->BeginLogin(return_to);
    EXPECT_TRUE(redirect.ok());
    Callback callback;
    callback.state = redirect->state;
    callback.code = provider_->Authorize(redirect->url);
    return callback;
  }

  OidcError FailureOf(const Callback& callback) {
    auto login = client_->CompleteLogin(callback);
    EXPECT_FALSE(login.ok());
    return login.ok() ? OidcError::kInternal : login.failure().error;
  }

  int64_t now_ms_ = 1'800'000'000'000;
  FakeHttpFetcher* fetcher_ = nullptr;
  std::unique_ptr<FakeProvider> provider_;
  std::unique_ptr<OidcClient> client_;
};

TEST_F(OidcClientTest, SendsTheBrowserToTheProviderWithPkceStateAndNonce) {
  auto redirect = client_->BeginLogin("/systems");
  ASSERT_TRUE(redirect.ok()) << redirect.failure().detail;
  EXPECT_EQ(redirect->url.rfind(std::string(FakeProvider::kAuthorize) + "?", 0), 0u);
  auto params = QueryOf(redirect->url);
  EXPECT_EQ(params["response_type"], "code");
  EXPECT_EQ(params["client_id"], FakeProvider::kClientId);
  EXPECT_EQ(params["redirect_uri"], kRedirectUri);
  EXPECT_EQ(params["scope"], "openid email profile");
  EXPECT_EQ(params["state"], redirect->state);
  EXPECT_GE(params["nonce"].size(), 43u);
  EXPECT_EQ(params["code_challenge_method"], "S256");
  EXPECT_EQ(params["code_challenge"].size(), 43u);
}

TEST_F(OidcClientTest, CompletesALoginWithTheProvidersIdentity) {
  auto login = client_->CompleteLogin(RoundTrip("/systems/3"));
  ASSERT_TRUE(login.ok()) << login.failure().detail;
  EXPECT_EQ(login->claims.subject, "sub-alice");
  EXPECT_EQ(login->claims.email, "alice@example.com");
  EXPECT_EQ(login->return_to, "/systems/3");
}

TEST_F(OidcClientTest, SendsTheVerifierThatMatchesTheChallenge) {
  auto redirect = client_->BeginLogin("/");
  ASSERT_TRUE(redirect.ok());
  std::string challenge = QueryOf(redirect->url)["code_challenge"];
  Callback callback{provider_->Authorize(redirect->url), redirect->state, "", ""};
  ASSERT_TRUE(client_->CompleteLogin(callback).ok());
  ASSERT_EQ(fetcher_->posts().size(), 1u);
  FormPost post = fetcher_->posts()[0];
  std::map<std::string, std::string> form(post.fields.begin(), post.fields.end());
  EXPECT_EQ(PkceChallengeS256(form["code_verifier"]), challenge);
  EXPECT_EQ(form["redirect_uri"], kRedirectUri);
  EXPECT_EQ(post.basic_user, FakeProvider::kClientId);
}

TEST_F(OidcClientTest, RefusesAStateUsedTwice) {
  Callback callback = RoundTrip();
  ASSERT_TRUE(client_->CompleteLogin(callback).ok());
  EXPECT_EQ(FailureOf(callback), OidcError::kStateInvalid);
}

TEST_F(OidcClientTest, RefusesAnUnknownState) {
  Callback callback = RoundTrip();
  callback.state = "forged";
  EXPECT_EQ(FailureOf(callback), OidcError::kStateInvalid);
}

TEST_F(OidcClientTest, RefusesAStateOlderThanTenMinutes) {
  Callback callback = RoundTrip();
  now_ms_ += LoginStateStore::kDefaultLifetimeMs;
  EXPECT_EQ(FailureOf(callback), OidcError::kStateInvalid);
}

TEST_F(OidcClientTest, ReportsTheProvidersErrorAndConsumesTheState) {
  Callback callback = RoundTrip();
  callback.code.clear();
  callback.error = "access_denied";
  EXPECT_EQ(FailureOf(callback), OidcError::kProviderError);
  callback.error.clear();
  EXPECT_EQ(FailureOf(callback), OidcError::kStateInvalid);
}

TEST_F(OidcClientTest, ReportsACodeTheProviderRefuses) {
  Callback callback = RoundTrip();
  callback.code = "code-999";
  EXPECT_EQ(FailureOf(callback), OidcError::kTokenExchangeFailed);
}

TEST_F(OidcClientTest, ReportsAWrongClientSecretAsTokenExchangeFailure) {
  OidcConfig config = Config();
  config.client_secret = "wrong";
  Rebuild(config);
  EXPECT_EQ(FailureOf(RoundTrip()), OidcError::kTokenExchangeFailed);
}

TEST_F(OidcClientTest, UsesClientSecretPostWhenTheProviderOffersOnlyThat) {
  fetcher_->SetGet(std::string(FakeProvider::kIssuer) + "/.well-known/openid-configuration",
                   JsonReply(200, R"({"issuer":"https://idp.test",)"
                                  R"("authorization_endpoint":"https://idp.test/authorize",)"
                                  R"("token_endpoint":"https://idp.test/token",)"
                                  R"("jwks_uri":"https://idp.test/jwks",)"
                                  R"("token_endpoint_auth_methods_supported":)"
                                  R"(["client_secret_post"]})"));
  Callback callback = RoundTrip();
  EXPECT_EQ(FailureOf(callback), OidcError::kTokenExchangeFailed);  // fake wants basic
  FormPost post = fetcher_->posts().back();
  std::map<std::string, std::string> form(post.fields.begin(), post.fields.end());
  EXPECT_EQ(form["client_id"], FakeProvider::kClientId);
  EXPECT_EQ(form["client_secret"], FakeProvider::kClientSecret);
  EXPECT_TRUE(post.basic_user.empty());
}

TEST_F(OidcClientTest, ReportsAnUnreachableTokenEndpointAsProviderUnavailable) {
  fetcher_->SetPost(FakeProvider::kToken, [](const FormPost&) -> Result<HttpReply> {
    return Unavailable("connection refused");
  });
  EXPECT_EQ(FailureOf(RoundTrip()), OidcError::kProviderUnavailable);
}

TEST_F(OidcClientTest, RefusesATokenSignedByAnotherKey) {
  provider_->sign_with_other_key = true;
  EXPECT_EQ(FailureOf(RoundTrip()), OidcError::kIdTokenSignatureInvalid);
}

TEST_F(OidcClientTest, RefusesATokenForAnotherAudience) {
  provider_->claim_overrides["aud"] = "someone-else";
  EXPECT_EQ(FailureOf(RoundTrip()), OidcError::kIdTokenAudienceMismatch);
}

TEST_F(OidcClientTest, RefusesAnExpiredToken) {
  provider_->claim_overrides["exp"] = now_ms_ / 1000 - 3600;
  EXPECT_EQ(FailureOf(RoundTrip()), OidcError::kIdTokenExpired);
}

TEST_F(OidcClientTest, RefusesATokenWithAnotherNonce) {
  provider_->claim_overrides["nonce"] = "replayed";
  EXPECT_EQ(FailureOf(RoundTrip()), OidcError::kIdTokenNonceMismatch);
}

TEST_F(OidcClientTest, RefusesATokenFromAnotherIssuer) {
  provider_->claim_overrides["iss"] = "https://evil.test";
  EXPECT_EQ(FailureOf(RoundTrip()), OidcError::kIdTokenIssuerMismatch);
}

TEST_F(OidcClientTest, ReportsAnUnreachableProviderWhenStarting) {
  fetcher_->SetGet(std::string(FakeProvider::kIssuer) + "/.well-known/openid-configuration",
                   Unavailable("down"));
  auto redirect = client_->BeginLogin("/");
  ASSERT_FALSE(redirect.ok());
  EXPECT_EQ(redirect.failure().error, OidcError::kProviderUnavailable);
}

}  // namespace
}  // namespace ccc::relay::oidc
