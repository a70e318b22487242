#include "relay/api/session_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "relay/api/api_test_support.h"
#include "relay/auth/secret_tokens.h"

namespace ccc::relay::api {
namespace {

using http::Method;
using testing::ApiTestEnv;
using testing::Body;
using testing::BrowserSession;
using testing::CallOptions;
using testing::ErrorCode;
using ::testing::HasSubstr;
using testing::HeaderValue;
using ::testing::StartsWith;

constexpr char kPassword[] = "correct horse battery";

std::string LoginBody(const std::string& email, const std::string& password) {
  return boost::json::serialize(boost::json::object{{"email", email}, {"password", password}});
}

class SessionApi : public ::testing::Test {
 protected:
  SessionApi() {
    company_ = env_.CreateCompany("Acme");
    user_ = env_.CreateUser(company_, "alice@example.com", kPassword, /*company_admin=*/true);
    AddSessionRoutes(env_.router(), env_.services());
  }

  http::Response PostLogin(const std::string& body, const std::string& address = "192.0.2.10") {
    CallOptions options;
    options.address = address;
    return env_.Call(Method::kPost, "/api/v1/session", body, options);
  }

  std::vector<directory::AuditEntry> AuditOf(int64_t company) {
    auto page = env_.directory().ListAudit(company, directory::ListQuery{});
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->items : std::vector<directory::AuditEntry>{};
  }

  static bool HasAction(const std::vector<directory::AuditEntry>& entries,
                        std::string_view action) {
    return std::any_of(entries.begin(), entries.end(),
                       [&](const directory::AuditEntry& e) { return e.action == action; });
  }

  ApiTestEnv env_;
  int64_t company_ = 0;
  int64_t user_ = 0;
};

TEST_F(SessionApi, LoginAnswersTheUserAndACsrfToken) {
  http::Response response = PostLogin(LoginBody("alice@example.com", kPassword));
  ASSERT_EQ(response.status, 200) << response.body;
  boost::json::value body = Body(response);
  const auto& user = body.at("user");
  EXPECT_EQ(user.at("id").as_int64(), user_);
  EXPECT_EQ(user.at("email").as_string(), "alice@example.com");
  EXPECT_EQ(user.at("language").as_string(), "en");
  EXPECT_EQ(user.at("company").at("id").as_int64(), company_);
  EXPECT_EQ(user.at("company").at("name").as_string(), "Acme");
  EXPECT_EQ(user.at("company_admin").as_bool(), true);
  EXPECT_EQ(body.at("csrf_token").as_string().size(), 43u);
}

TEST_F(SessionApi, LoginSetsAnHttpOnlyLaxSessionCookie) {
  http::Response response = PostLogin(LoginBody("alice@example.com", kPassword));
  ASSERT_EQ(response.status, 200);
  std::string cookie = HeaderValue(response, "set-cookie");
  EXPECT_THAT(cookie, StartsWith("ccc_session="));
  EXPECT_THAT(cookie, HasSubstr("; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax"));
  EXPECT_THAT(cookie, ::testing::Not(HasSubstr("Secure")));
  EXPECT_EQ(testing::CookieToken(response).size(), 43u);
}

TEST_F(SessionApi, LoginMarksTheCookieSecureWhenConfigured) {
  env_.services().sessions.secure_cookies = true;
  http::Response response = PostLogin(LoginBody("alice@example.com", kPassword));
  ASSERT_EQ(response.status, 200);
  EXPECT_THAT(HeaderValue(response, "set-cookie"), ::testing::EndsWith("; Secure"));
}

TEST_F(SessionApi, LoginIsNotCached) {
  http::Response response = PostLogin(LoginBody("alice@example.com", kPassword));
  EXPECT_EQ(HeaderValue(response, "cache-control"), "no-store");
}

TEST_F(SessionApi, LoginIgnoresTheCaseOfTheEmail) {
  EXPECT_EQ(PostLogin(LoginBody("ALICE@Example.COM", kPassword)).status, 200);
}

TEST_F(SessionApi, LoginStoresOnlyTheDigestOfTheSessionToken) {
  http::Response response = PostLogin(LoginBody("alice@example.com", kPassword));
  std::string token = testing::CookieToken(response);
  auto by_token = env_.directory().FindSession(token);
  ASSERT_TRUE(by_token.ok());
  EXPECT_FALSE(by_token->has_value());
}

TEST_F(SessionApi, LoginWithAWrongPasswordIsInvalidCredentials) {
  http::Response response = PostLogin(LoginBody("alice@example.com", "wrong password"));
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response), "invalid_credentials");
  EXPECT_EQ(HeaderValue(response, "set-cookie"), "");
}

TEST_F(SessionApi, LoginWithAnUnknownEmailGetsTheSameAnswer) {
  http::Response wrong = PostLogin(LoginBody("alice@example.com", "wrong password"));
  http::Response unknown = PostLogin(LoginBody("nobody@example.com", kPassword));
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body, wrong.body);
}

TEST_F(SessionApi, LoginOfADisabledUserIsInvalidCredentials) {
  ASSERT_TRUE(
      env_.directory().SetDisabled(user_, true, directory::Actor{{}, {}, "operator", ""}).ok());
  http::Response response = PostLogin(LoginBody("alice@example.com", kPassword));
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response), "invalid_credentials");
}

TEST_F(SessionApi, LoginOfAnSsoOnlyUserIsInvalidCredentials) {
  env_.CreateUser(company_, "sso@example.com", "");
  http::Response response = PostLogin(LoginBody("sso@example.com", kPassword));
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response), "invalid_credentials");
}

TEST_F(SessionApi, LoginIsThrottledPerAccountWithRetryAfter) {
  for (int i = 0; i < testing::kTestAccountFailures; ++i) {
    ASSERT_EQ(PostLogin(LoginBody("alice@example.com", "wrong password")).status, 401);
  }
  // Even the right password is refused while the account is locked.
  http::Response response = PostLogin(LoginBody("ALICE@example.com", kPassword), "192.0.2.99");
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(ErrorCode(response), "too_many_attempts");
  EXPECT_EQ(HeaderValue(response, "retry-after"), "60");
}

TEST_F(SessionApi, LoginIsAllowedAgainAfterTheLockout) {
  for (int i = 0; i < testing::kTestAccountFailures; ++i) {
    PostLogin(LoginBody("alice@example.com", "wrong password"));
  }
  env_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(PostLogin(LoginBody("alice@example.com", kPassword)).status, 200);
}

TEST_F(SessionApi, LoginIsThrottledPerAddressAcrossAccounts) {
  for (int i = 0; i < testing::kTestAddressFailures; ++i) {
    PostLogin(LoginBody("guess" + std::to_string(i) + "@example.com", "x"), "198.51.100.7");
  }
  http::Response response = PostLogin(LoginBody("alice@example.com", kPassword), "198.51.100.7");
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(PostLogin(LoginBody("alice@example.com", kPassword), "198.51.100.8").status, 200);
}

TEST_F(SessionApi, LoginRefusesMalformedJson) {
  http::Response response = PostLogin("{\"email\":");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "malformed_json");
}

TEST_F(SessionApi, LoginRefusesAnUnknownField) {
  http::Response response = PostLogin(
      R"({"email":"alice@example.com","password":"correct horse battery","remember":true})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "unknown_field");
}

TEST_F(SessionApi, LoginRefusesAWrongType) {
  http::Response response = PostLogin(R"({"email":"alice@example.com","password":12345})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_field");
}

TEST_F(SessionApi, LoginRefusesAMissingPassword) {
  http::Response response = PostLogin(R"({"email":"alice@example.com"})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "missing_field");
}

TEST_F(SessionApi, LoginRefusesAOneMegabytePassword) {
  http::Response response = PostLogin(LoginBody("alice@example.com", std::string(1 << 20, 'x')));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "field_too_long");
}

TEST_F(SessionApi, LoginRefusesAPasswordOverTheByteLimitEvenWithFewCharacters) {
  std::string password;
  for (int i = 0; i < 600; ++i) password += "ü";  // 600 characters, 1200 bytes
  http::Response response = PostLogin(LoginBody("alice@example.com", password));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "field_too_long");
}

TEST_F(SessionApi, LoginRefusesATooLongEmail) {
  http::Response response = PostLogin(LoginBody(std::string(255, 'a'), kPassword));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "field_too_long");
}

TEST_F(SessionApi, LoginRefusesAnotherContentType) {
  CallOptions options;
  options.content_type = "application/x-www-form-urlencoded";
  http::Response response = env_.Call(Method::kPost, "/api/v1/session",
                                      LoginBody("alice@example.com", kPassword), options);
  EXPECT_EQ(response.status, 415);
}

TEST_F(SessionApi, MalformedInputIsNotCountedAsAFailedAttempt) {
  for (int i = 0; i < 10; ++i) PostLogin(R"({"email":"alice@example.com","password":1})");
  EXPECT_EQ(PostLogin(LoginBody("alice@example.com", kPassword)).status, 200);
}

TEST_F(SessionApi, LoginIsAuditedWithTheAddress) {
  PostLogin(LoginBody("alice@example.com", kPassword), "203.0.113.5");
  auto entries = AuditOf(company_);
  auto login = std::find_if(entries.begin(), entries.end(),
                            [](const auto& e) { return e.action == "session.login"; });
  ASSERT_NE(login, entries.end());
  EXPECT_EQ(login->address, "203.0.113.5");
  EXPECT_EQ(login->actor_user_id, user_);
  EXPECT_EQ(login->target_id, std::to_string(user_));
}

TEST_F(SessionApi, FailedLoginIsAuditedForTheUsersCompany) {
  PostLogin(LoginBody("alice@example.com", "wrong password"));
  EXPECT_TRUE(HasAction(AuditOf(company_), "session.login_failed"));
}

TEST_F(SessionApi, LoginReplacesAHashMadeWithOtherParameters) {
  auth::PasswordHashParams old_params = auth::PasswordHashParams::ForTests();
  old_params.ops_limit += 1;
  auth::PasswordHasher old_hasher(old_params);
  ASSERT_TRUE(env_.directory()
                  .SetPasswordHash(user_, old_hasher.Hash(kPassword).value(),
                                   directory::Actor{{}, {}, "operator", ""})
                  .ok());
  ASSERT_EQ(PostLogin(LoginBody("alice@example.com", kPassword)).status, 200);
  auto user = env_.directory().GetUser(user_);
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_FALSE(env_.hasher().NeedsRehash((*user)->password_hash.value()));
  EXPECT_TRUE(env_.hasher().Verify(kPassword, (*user)->password_hash.value()));
}

TEST_F(SessionApi, GetSessionAnswersTheLoggedInUser) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  http::Response response = env_.Call(Method::kGet, "/api/v1/session", "", {.session = session});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(Body(response).at("user").at("id").as_int64(), user_);
  EXPECT_EQ(Body(response).at("csrf_token").as_string(), session.csrf);
  EXPECT_EQ(HeaderValue(response, "cache-control"), "no-store");
}

TEST_F(SessionApi, GetSessionWithoutCredentialsIsNotAuthenticated) {
  http::Response response = env_.Call(Method::kGet, "/api/v1/session");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response), "not_authenticated");
  EXPECT_EQ(HeaderValue(response, "cache-control"), "no-store");
}

TEST_F(SessionApi, GetSessionWithAnUnknownCookieIsNotAuthenticated) {
  BrowserSession forged{"A" + std::string(42, 'b'), "x"};
  EXPECT_EQ(env_.Call(Method::kGet, "/api/v1/session", "", {.session = forged}).status, 401);
}

TEST_F(SessionApi, SessionEndsAtItsAbsoluteLifetimeEvenWhenUsed) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  for (int i = 0; i < 15; ++i) {  // 165 hours, never idle for 12
    env_.Advance(std::chrono::hours(11));
    ASSERT_EQ(env_.Call(Method::kGet, "/api/v1/session", "", {.session = session}).status, 200);
  }
  env_.Advance(std::chrono::hours(4));
  http::Response response = env_.Call(Method::kGet, "/api/v1/session", "", {.session = session});
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response), "not_authenticated");
}

TEST_F(SessionApi, SessionEndsAfterTheIdleTimeout) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  env_.Advance(std::chrono::hours(12));
  EXPECT_EQ(env_.Call(Method::kGet, "/api/v1/session", "", {.session = session}).status, 401);
}

TEST_F(SessionApi, UsingASessionKeepsItAliveBeyondTheIdleTimeout) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  env_.Advance(std::chrono::hours(11));
  ASSERT_EQ(env_.Call(Method::kGet, "/api/v1/session", "", {.session = session}).status, 200);
  env_.Advance(std::chrono::hours(11));
  EXPECT_EQ(env_.Call(Method::kGet, "/api/v1/session", "", {.session = session}).status, 200);
}

TEST_F(SessionApi, SessionOfADisabledUserIsNotAuthenticated) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  ASSERT_TRUE(
      env_.directory().SetDisabled(user_, true, directory::Actor{{}, {}, "operator", ""}).ok());
  EXPECT_EQ(env_.Call(Method::kGet, "/api/v1/session", "", {.session = session}).status, 401);
}

TEST_F(SessionApi, PatchWithoutCsrfTokenIsCsrfFailed) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  http::Response response = env_.Call(Method::kPatch, "/api/v1/session", R"({"language":"de"})",
                                      {.session = session, .csrf = ""});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "csrf_failed");
}

TEST_F(SessionApi, PatchWithAnotherSessionsCsrfTokenIsCsrfFailed) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  BrowserSession other = env_.Login("alice@example.com", kPassword);
  http::Response response = env_.Call(Method::kPatch, "/api/v1/session", R"({"language":"de"})",
                                      {.session = session, .csrf = other.csrf});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "csrf_failed");
}

TEST_F(SessionApi, PatchChangesTheLanguage) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  http::Response response =
      env_.Call(Method::kPatch, "/api/v1/session", R"({"language":"de"})", {.session = session});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(Body(response).at("user").at("language").as_string(), "de");
  http::Response again = env_.Call(Method::kGet, "/api/v1/session", "", {.session = session});
  EXPECT_EQ(Body(again).at("user").at("language").as_string(), "de");
}

TEST_F(SessionApi, PatchRefusesAnUnsupportedLanguage) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  http::Response response =
      env_.Call(Method::kPatch, "/api/v1/session", R"({"language":"fr"})", {.session = session});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_field");
}

TEST_F(SessionApi, BearerTokenWorksWithoutCsrf) {
  std::string token = auth::NewSecretToken();
  ASSERT_TRUE(env_.directory()
                  .CreateApiToken(user_, "script", auth::TokenDigest(token), std::nullopt,
                                  env_.now_ms, directory::Actor{{}, {}, "operator", ""})
                  .ok());
  http::Response response =
      env_.Call(Method::kPatch, "/api/v1/session", R"({"language":"de"})", {.bearer = token});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(Body(response).at("csrf_token").is_null());
}

TEST_F(SessionApi, UnknownBearerTokenIsNotAuthenticated) {
  http::Response response =
      env_.Call(Method::kGet, "/api/v1/session", "", {.bearer = auth::NewSecretToken()});
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response), "not_authenticated");
}

TEST_F(SessionApi, AnotherAuthorizationSchemeIsNotAuthenticatedEvenWithACookie) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  http::Request request;
  request.method = Method::kGet;
  request.path = "/api/v1/session";
  request.headers = {{"cookie", "ccc_session=" + session.token},
                     {"authorization", "Basic YWxpY2U6eA=="}};
  EXPECT_EQ(env_.router().Dispatch(request).status, 401);
}

TEST_F(SessionApi, LogoutEndsTheSessionAndClearsTheCookie) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  http::Response response = env_.Call(Method::kDelete, "/api/v1/session", "", {.session = session});
  ASSERT_EQ(response.status, 204) << response.body;
  EXPECT_THAT(HeaderValue(response, "set-cookie"), StartsWith("ccc_session=; Path=/; Max-Age=0"));
  EXPECT_EQ(env_.Call(Method::kGet, "/api/v1/session", "", {.session = session}).status, 401);
  EXPECT_TRUE(HasAction(AuditOf(company_), "session.logout"));
}

TEST_F(SessionApi, LogoutWithoutCsrfIsCsrfFailed) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  http::Response response =
      env_.Call(Method::kDelete, "/api/v1/session", "", {.session = session, .csrf = ""});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "csrf_failed");
  EXPECT_EQ(env_.Call(Method::kGet, "/api/v1/session", "", {.session = session}).status, 200);
}

TEST_F(SessionApi, LogoutLeavesOtherSessionsAlone) {
  BrowserSession first = env_.Login("alice@example.com", kPassword);
  BrowserSession second = env_.Login("alice@example.com", kPassword);
  ASSERT_EQ(env_.Call(Method::kDelete, "/api/v1/session", "", {.session = first}).status, 204);
  EXPECT_EQ(env_.Call(Method::kGet, "/api/v1/session", "", {.session = second}).status, 200);
}

TEST_F(SessionApi, PasswordChangeNeedsTheCurrentPassword) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  http::Response response =
      env_.Call(Method::kPost, "/api/v1/session/password",
                R"({"current_password":"not it at all","new_password":"a new long password"})",
                {.session = session});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "wrong_password");
  EXPECT_EQ(
      env_.Call(Method::kPost, "/api/v1/session", LoginBody("alice@example.com", kPassword)).status,
      200);
}

// An SSO-only account has no local password to check the current one against, and a
// password change must not give it one.
TEST_F(SessionApi, PasswordChangeOfAnSsoOnlyAccountIsNoPassword) {
  const int64_t sso = env_.CreateUser(company_, "sso@example.com", "");
  BrowserSession session = env_.CreateSession(sso);
  http::Response response =
      env_.Call(Method::kPost, "/api/v1/session/password",
                R"({"current_password":"anything at all","new_password":"a new long password"})",
                {.session = session});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "no_password");
  auto user = env_.directory().GetUser(sso);
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_FALSE((*user)->password_hash.has_value() && !(*user)->password_hash->empty());
  EXPECT_EQ(PostLogin(LoginBody("sso@example.com", "a new long password")).status, 401);
}

TEST_F(SessionApi, PasswordChangeRefusesFewerThanTenCharacters) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  http::Response response =
      env_.Call(Method::kPost, "/api/v1/session/password",
                R"({"current_password":"correct horse battery","new_password":"123456789"})",
                {.session = session});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_field");
}

TEST_F(SessionApi, PasswordChangeReplacesThePasswordAndKeepsSessions) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  http::Response response =
      env_.Call(Method::kPost, "/api/v1/session/password",
                R"({"current_password":"correct horse battery","new_password":"0123456789"})",
                {.session = session});
  ASSERT_EQ(response.status, 204) << response.body;
  EXPECT_EQ(PostLogin(LoginBody("alice@example.com", kPassword)).status, 401);
  EXPECT_EQ(PostLogin(LoginBody("alice@example.com", "0123456789")).status, 200);
  EXPECT_EQ(env_.Call(Method::kGet, "/api/v1/session", "", {.session = session}).status, 200);
}

TEST_F(SessionApi, PasswordChangeIsThrottled) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  const std::string wrong =
      R"({"current_password":"not it at all","new_password":"a new long password"})";
  for (int i = 0; i < testing::kTestAccountFailures; ++i) {
    env_.Call(Method::kPost, "/api/v1/session/password", wrong, {.session = session});
  }
  http::Response response =
      env_.Call(Method::kPost, "/api/v1/session/password", wrong, {.session = session});
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(ErrorCode(response), "too_many_attempts");
}

TEST_F(SessionApi, PasswordChangeWithoutCsrfIsCsrfFailed) {
  BrowserSession session = env_.Login("alice@example.com", kPassword);
  http::Response response =
      env_.Call(Method::kPost, "/api/v1/session/password",
                R"({"current_password":"correct horse battery","new_password":"0123456789"})",
                {.session = session, .csrf = ""});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "csrf_failed");
}

}  // namespace
}  // namespace ccc::relay::api
