#include "relay/api/oidc_handlers.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "relay/directory/directory.h"
#include "relay/http/router.h"
#include "relay/oidc/oidc_client.h"
#include "relay/oidc/oidc_testing.h"
#include "relay/store/store.h"

namespace ccc::relay::api {
namespace {

namespace json = boost::json;
using oidc::testing::FakeHttpFetcher;
using oidc::testing::FakeProvider;

constexpr int64_t kNow = 1'790'000'000'000;
constexpr const char* kRedirectUri = "https://ccc.example.com/api/v1/auth/oidc/callback";

template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) throw std::runtime_error(result.status().ToString());
  return std::move(result).value();
}

std::string HeaderOf(const http::Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

// The value of cookie `name` set by the response ("" when not set).
std::string SetCookieValue(const http::Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key != "Set-Cookie" || !value.starts_with(std::string(name) + "=")) continue;
    return value.substr(name.size() + 1, value.find(';') - name.size() - 1);
  }
  return "";
}

oidc::OidcConfig BaseConfig() {
  oidc::OidcConfig config;
  config.enabled = true;
  config.issuer = FakeProvider::kIssuer;
  config.client_id = FakeProvider::kClientId;
  config.client_secret = FakeProvider::kClientSecret;
  config.redirect_uri = kRedirectUri;
  config.display_name = "Acme login";
  config.default_company = "Acme";
  return config;
}

// A real directory in a temporary folder, the OIDC routes on a real router, and a fake
// provider behind the client's HTTP seam.
class OidcHandlersTest : public ::testing::Test {
 protected:
  OidcHandlersTest() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ccc-oidc-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    // As in the relay: the ingest store exists before the directory attaches it.
    store_ = Must(store::OpenSqliteStore({.path = dir_ + "/relay.db", .synchronous_full = false}));
    directory_ = Must(directory::Directory::Open({.path = dir_ + "/directory.db",
                                                  .ingest_path = dir_ + "/relay.db",
                                                  .synchronous_full = false}));
    services_.directory = directory_.get();
    services_.now_ms = [] { return kNow; };
    acme_ = Must(directory_->CreateCompany("Acme", kNow, operator_));
    other_ = Must(directory_->CreateCompany("Other", kNow, operator_));
    Configure(BaseConfig());
  }
  ~OidcHandlersTest() override {
    directory_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void Configure(oidc::OidcConfig config) {
    auto fetcher = std::make_unique<FakeHttpFetcher>();
    provider_ = std::make_unique<FakeProvider>(*fetcher, [] { return kNow; });
    client_ = std::make_unique<oidc::OidcClient>(std::move(config), std::move(fetcher),
                                                 [] { return kNow; });
    router_ = std::make_unique<http::Router>();
    AddOidcRoutes(*router_, services_, client_.get());
  }

  http::Response Get(const std::string& target, const std::string& cookie = "") {
    http::Request request;
    request.method = http::Method::kGet;
    request.target = target;
    size_t question = target.find('?');
    request.path = target.substr(0, question);
    request.query = question == std::string::npos ? "" : target.substr(question + 1);
    request.remote_address = "192.0.2.7";
    if (!cookie.empty()) request.headers.emplace_back("cookie", cookie);
    return router_->Dispatch(request);
  }

  struct Started {
    std::string code;
    std::string state;
    std::string cookie;
  };

  // GET .../login, then the provider's authorization step.
  Started Start(const std::string& return_to = "/") {
    http::Response response = Get("/api/v1/auth/oidc/login?return_to=" + return_to);
    EXPECT_EQ(response.status, 302);
    std::string location = HeaderOf(response, "Location");
    Started started;
    started.state = oidc::testing::QueryOf(location)["state"];
    started.cookie =
        std::string(kOidcStateCookie) + "=" + SetCookieValue(response, kOidcStateCookie);
    started.code = provider_->Authorize(location);
    return started;
  }

  http::Response Finish(const Started& started) {
    return Get("/api/v1/auth/oidc/callback?code=" + started.code + "&state=" + started.state,
               started.cookie);
  }

  http::Response Login(const std::string& return_to = "/") { return Finish(Start(return_to)); }

  // Asserts a refusal with `code` and that no session cookie was set.
  void ExpectRefused(const http::Response& response, std::string_view code) {
    EXPECT_EQ(response.status, 302);
    EXPECT_EQ(HeaderOf(response, "Location"), "/login?sso_error=" + std::string(code));
    EXPECT_EQ(SetCookieValue(response, kSessionCookie), "");
  }

  // The caller the response's session cookie authenticates.
  std::optional<Caller> CallerOf(const http::Response& response) {
    std::string token = SetCookieValue(response, kSessionCookie);
    if (token.empty()) return std::nullopt;
    http::Request request;
    request.headers.emplace_back("cookie", std::string(kSessionCookie) + "=" + token);
    auto authenticated = Authenticate(services_, request);
    if (!std::holds_alternative<Caller>(authenticated)) return std::nullopt;
    return std::get<Caller>(authenticated);
  }

  int64_t AddUser(const std::string& email, int64_t company) {
    directory::NewUser user;
    user.company_id = company;
    user.email = email;
    user.name = "Local";
    user.password_hash = "$argon2id$placeholder";
    return Must(directory_->CreateUser(user, kNow, operator_));
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<directory::Directory> directory_;
  ApiServices services_;
  directory::Actor operator_{std::nullopt, std::nullopt, "operator", ""};
  int64_t acme_ = 0;
  int64_t other_ = 0;
  std::unique_ptr<FakeProvider> provider_;
  std::unique_ptr<oidc::OidcClient> client_;
  std::unique_ptr<http::Router> router_;
};

TEST_F(OidcHandlersTest, ReportsThatSingleSignOnIsEnabledWithItsName) {
  http::Response response = Get("/api/v1/auth/oidc");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(json::parse(response.body), json::parse(R"({"enabled":true,"name":"Acme login"})"));
}

TEST_F(OidcHandlersTest, ReportsDisabledAndRefusesLoginsWithoutAClient) {
  http::Router router;
  AddOidcRoutes(router, services_, nullptr);
  http::Request status;
  status.path = "/api/v1/auth/oidc";
  EXPECT_EQ(json::parse(router.Dispatch(status).body),
            json::parse(R"({"enabled":false,"name":""})"));
  http::Request login;
  login.path = "/api/v1/auth/oidc/login";
  http::Response response = router.Dispatch(login);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(json::parse(response.body).at("error").at("code"), "oidc_disabled");
}

TEST_F(OidcHandlersTest, LoginRedirectsToTheProviderAndBindsTheStateToTheBrowser) {
  http::Response response = Get("/api/v1/auth/oidc/login?return_to=%2Fsystems");
  ASSERT_EQ(response.status, 302);
  std::string location = HeaderOf(response, "Location");
  EXPECT_TRUE(location.starts_with(std::string(FakeProvider::kAuthorize) + "?")) << location;
  auto params = oidc::testing::QueryOf(location);
  EXPECT_EQ(params["code_challenge_method"], "S256");
  EXPECT_EQ(SetCookieValue(response, kOidcStateCookie), params["state"]);
  EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-store");
}

TEST_F(OidcHandlersTest, CreatesAnUnknownUserInTheDefaultCompanyAndLogsIn) {
  http::Response response = Login("%2Fsystems%3Fq%3Dx");
  ASSERT_EQ(response.status, 302);
  EXPECT_EQ(HeaderOf(response, "Location"), "/systems?q=x");
  auto caller = CallerOf(response);
  ASSERT_TRUE(caller);
  EXPECT_EQ(caller->email, "alice@example.com");
  EXPECT_EQ(caller->company_id, acme_);
  auto user = Must(directory_->FindUserByOidcSubject(FakeProvider::kIssuer, "sub-alice"));
  ASSERT_TRUE(user);
  EXPECT_EQ(user->name, "Alice");
  EXPECT_FALSE(user->password_hash);
}

TEST_F(OidcHandlersTest, WritesTheLoginToTheCompanysAuditLog) {
  ASSERT_TRUE(CallerOf(Login()));
  auto audit = Must(directory_->ListAudit(acme_, {}));
  bool found = false;
  for (const auto& entry : audit.items) {
    if (entry.action != "session.login") continue;
    found = true;
    EXPECT_EQ(json::parse(entry.details_json).at("method"), "oidc");
    EXPECT_EQ(entry.address, "192.0.2.7");
  }
  EXPECT_TRUE(found);
}

TEST_F(OidcHandlersTest, LinksAnExistingUserOfTheCompanyByEmail) {
  int64_t id = AddUser("Alice@Example.com", acme_);
  auto caller = CallerOf(Login());
  ASSERT_TRUE(caller);
  EXPECT_EQ(caller->user_id, id);
  auto user = Must(directory_->GetUser(id));
  EXPECT_EQ(user->oidc_subject, "sub-alice");
  EXPECT_TRUE(user->password_hash);
}

TEST_F(OidcHandlersTest, FindsALinkedUserBySubjectAfterTheEmailChanged) {
  auto first = CallerOf(Login());
  ASSERT_TRUE(first);
  provider_->email = "alice.new@example.com";
  auto second = CallerOf(Login());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->user_id, first->user_id);
}

TEST_F(OidcHandlersTest, RefusesAUserWhoseEmailBelongsToAnotherCompany) {
  AddUser("alice@example.com", other_);
  ExpectRefused(Login(), "account_conflict");
}

TEST_F(OidcHandlersTest, RefusesAUserLinkedToAnotherIdentity) {
  int64_t id = AddUser("alice@example.com", acme_);
  ASSERT_TRUE(directory_->SetOidcSubject(id, FakeProvider::kIssuer, "sub-other", operator_).ok());
  ExpectRefused(Login(), "account_conflict");
}

TEST_F(OidcHandlersTest, PutsUsersInTheCompanyTheClaimNames) {
  oidc::OidcConfig config = BaseConfig();
  config.company_claim = "org";
  Configure(config);
  provider_->claim_overrides["org"] = "Other";
  auto caller = CallerOf(Login());
  ASSERT_TRUE(caller);
  EXPECT_EQ(caller->company_id, other_);
}

TEST_F(OidcHandlersTest, RefusesALinkedUserWhenTheClaimNowNamesAnotherCompany) {
  oidc::OidcConfig config = BaseConfig();
  config.company_claim = "org";
  Configure(config);
  ASSERT_TRUE(CallerOf(Login()));
  provider_->claim_overrides["org"] = "Other";
  ExpectRefused(Login(), "account_conflict");
}

TEST_F(OidcHandlersTest, RefusesACompanyThatDoesNotExist) {
  oidc::OidcConfig config = BaseConfig();
  config.default_company = "Nobody";
  Configure(config);
  ExpectRefused(Login(), "company_unknown");
}

TEST_F(OidcHandlersTest, RefusesUnknownUsersWhenCreationIsOff) {
  oidc::OidcConfig config = BaseConfig();
  config.allow_create_users = false;
  Configure(config);
  ExpectRefused(Login(), "account_not_found");
}

TEST_F(OidcHandlersTest, RefusesADisabledUser) {
  int64_t id = AddUser("alice@example.com", acme_);
  ASSERT_TRUE(directory_->SetDisabled(id, true, operator_).ok());
  ExpectRefused(Login(), "account_disabled");
}

TEST_F(OidcHandlersTest, RefusesATokenWithoutEmail) {
  provider_->claim_overrides["email"] = nullptr;
  ExpectRefused(Login(), "email_missing");
}

TEST_F(OidcHandlersTest, RefusesAnEmailTheProviderCallsUnverified) {
  provider_->claim_overrides["email_verified"] = false;
  ExpectRefused(Login(), "email_missing");
}

TEST_F(OidcHandlersTest, RefusesABadSignatureWithoutASession) {
  provider_->sign_with_other_key = true;
  ExpectRefused(Login(), "id_token_signature_invalid");
}

TEST_F(OidcHandlersTest, RefusesAWrongAudience) {
  provider_->claim_overrides["aud"] = "another-client";
  ExpectRefused(Login(), "id_token_audience_mismatch");
}

TEST_F(OidcHandlersTest, RefusesAnExpiredToken) {
  provider_->claim_overrides["exp"] = kNow / 1000 - 600;
  ExpectRefused(Login(), "id_token_expired");
}

TEST_F(OidcHandlersTest, RefusesAWrongNonce) {
  provider_->claim_overrides["nonce"] = "another-login";
  ExpectRefused(Login(), "id_token_nonce_mismatch");
}

TEST_F(OidcHandlersTest, RefusesAStateUsedTwice) {
  Started started = Start();
  ASSERT_TRUE(CallerOf(Finish(started)));
  ExpectRefused(Finish(started), "state_invalid");
}

TEST_F(OidcHandlersTest, RefusesACallbackFromAnotherBrowser) {
  Started started = Start();
  started.cookie.clear();
  ExpectRefused(Finish(started), "state_invalid");
  Started other = Start();
  started.cookie = other.cookie;
  ExpectRefused(Finish(started), "state_invalid");
}

TEST_F(OidcHandlersTest, ReportsTheProvidersRefusal) {
  Started started = Start();
  ExpectRefused(
      Get("/api/v1/auth/oidc/callback?error=access_denied&state=" + started.state, started.cookie),
      "provider_error");
}

TEST_F(OidcHandlersTest, ClearsTheStateCookieAfterTheCallback) {
  http::Response response = Login();
  bool cleared = false;
  for (const auto& [key, value] : response.headers) {
    cleared |= key == "Set-Cookie" && value.starts_with(std::string(kOidcStateCookie) + "=;") &&
               value.find("Max-Age=0") != std::string::npos;
  }
  EXPECT_TRUE(cleared);
}

TEST(SanitizeReturnTo, KeepsSameSitePaths) {
  EXPECT_EQ(SanitizeReturnTo("/systems/3?tab=info"), "/systems/3?tab=info");
  EXPECT_EQ(SanitizeReturnTo("/"), "/");
}

TEST(SanitizeReturnTo, ReplacesEverythingThatCouldLeaveTheSite) {
  EXPECT_EQ(SanitizeReturnTo(""), "/");
  EXPECT_EQ(SanitizeReturnTo("https://evil.example/"), "/");
  EXPECT_EQ(SanitizeReturnTo("//evil.example/"), "/");
  EXPECT_EQ(SanitizeReturnTo("/\\evil.example/"), "/");
  EXPECT_EQ(SanitizeReturnTo("/a\\b"), "/");
  EXPECT_EQ(SanitizeReturnTo("/a\r\nSet-Cookie: x=1"), "/");
  EXPECT_EQ(SanitizeReturnTo("systems"), "/");
  EXPECT_EQ(SanitizeReturnTo("/" + std::string(2048, 'a')), "/");
}

}  // namespace
}  // namespace ccc::relay::api
