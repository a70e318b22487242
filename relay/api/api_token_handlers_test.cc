#include "relay/api/api_token_handlers.h"

#include <gtest/gtest.h>

#include "relay/api/api_test_support.h"
#include "relay/api/session_handlers.h"
#include "relay/auth/secret_tokens.h"

namespace ccc::relay::api {
namespace {

using http::Method;
using testing::Body;
using testing::ErrorCode;
using testing::kTestPassword;

class ApiTokenApi : public ::testing::Test {
 protected:
  ApiTokenApi() {
    int64_t acme = env_.CreateCompany("Acme");
    user_ = env_.CreateUser(acme, "alice@example.com", kTestPassword);
    env_.CreateUser(acme, "bob@example.com", kTestPassword);
    AddSessionRoutes(env_.router(), env_.services());
    AddApiTokenRoutes(env_.router(), env_.services());
    session_ = env_.Login("alice@example.com", kTestPassword);
  }

  http::Response Create(const std::string& body) {
    return env_.Call(Method::kPost, "/api/v1/api-tokens", body, {.session = session_});
  }

  testing::ApiTestEnv env_;
  int64_t user_ = 0;
  testing::BrowserSession session_;
};

TEST_F(ApiTokenApi, CreateShowsTheTokenOnce) {
  env_.now_ms = 1'700'000'000'000;
  http::Response response = Create(R"({"name":"backup script","expires_in_days":30})");
  ASSERT_EQ(response.status, 201) << response.body;
  auto body = Body(response);
  EXPECT_GT(body.at("id").as_int64(), 0);
  EXPECT_EQ(body.at("name").as_string(), "backup script");
  EXPECT_EQ(body.at("token").as_string().size(), auth::kSecretTokenChars);
  EXPECT_EQ(body.at("created_at").as_string(), "2023-11-14T22:13:20Z");
  EXPECT_EQ(body.at("expires_at").as_string(), "2023-12-14T22:13:20Z");
}

TEST_F(ApiTokenApi, CreateWithoutExpiryHasNullExpiry) {
  http::Response response = Create(R"({"name":"forever"})");
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_TRUE(Body(response).at("expires_at").is_null());
}

TEST_F(ApiTokenApi, CreatedTokenAuthenticatesAsTheUser) {
  std::string token(Body(Create(R"({"name":"script"})")).at("token").as_string());
  http::Response response = env_.Call(Method::kGet, "/api/v1/api-tokens", "", {.bearer = token});
  EXPECT_EQ(response.status, 200);
}

TEST_F(ApiTokenApi, ATokenCannotCreateAnotherToken) {
  std::string token(Body(Create(R"({"name":"script"})")).at("token").as_string());
  http::Response response =
      env_.Call(Method::kPost, "/api/v1/api-tokens", R"({"name":"more"})", {.bearer = token});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "session_required");
  auto tokens = env_.directory().ListApiTokens(user_);
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(tokens->size(), 1u);
}

TEST_F(ApiTokenApi, StoresOnlyTheDigest) {
  std::string token(Body(Create(R"({"name":"script"})")).at("token").as_string());
  auto by_plain = env_.directory().FindApiTokenByDigest(token);
  ASSERT_TRUE(by_plain.ok());
  EXPECT_FALSE(by_plain->has_value());
  auto by_digest = env_.directory().FindApiTokenByDigest(auth::TokenDigest(token));
  ASSERT_TRUE(by_digest.ok());
  EXPECT_TRUE(by_digest->has_value());
}

TEST_F(ApiTokenApi, CreateRefusesAnExpiryOutOfRange) {
  http::Response response = Create(R"({"name":"x","expires_in_days":3651})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_field");
}

TEST_F(ApiTokenApi, CreateRefusesAMissingName) {
  http::Response response = Create(R"({"expires_in_days":3})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "missing_field");
}

TEST_F(ApiTokenApi, CreateWithoutCsrfIsCsrfFailed) {
  http::Response response = env_.Call(Method::kPost, "/api/v1/api-tokens", R"({"name":"x"})",
                                      {.session = session_, .csrf = ""});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "csrf_failed");
}

TEST_F(ApiTokenApi, ListShowsMetadataButNoSecret) {
  Create(R"({"name":"b-script"})");
  Create(R"({"name":"a-script","expires_in_days":1})");
  http::Response response =
      env_.Call(Method::kGet, "/api/v1/api-tokens?sort=name", "", {.session = session_});
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("total").as_int64(), 2);
  const auto& first = body.at("items").at(0).as_object();
  EXPECT_EQ(first.at("name").as_string(), "a-script");
  EXPECT_FALSE(first.contains("token"));
  EXPECT_TRUE(first.at("last_used_at").is_null());
  EXPECT_TRUE(first.at("expires_at").is_string());
}

TEST_F(ApiTokenApi, ListFiltersByName) {
  Create(R"({"name":"Backup"})");
  Create(R"({"name":"monitoring"})");
  http::Response response =
      env_.Call(Method::kGet, "/api/v1/api-tokens?q=back", "", {.session = session_});
  auto body = Body(response);
  EXPECT_EQ(body.at("total").as_int64(), 1);
  EXPECT_EQ(body.at("items").at(0).at("name").as_string(), "Backup");
}

TEST_F(ApiTokenApi, ListShowsOnlyTheCallersTokens) {
  Create(R"({"name":"mine"})");
  auto bob = env_.Login("bob@example.com", kTestPassword);
  http::Response response = env_.Call(Method::kGet, "/api/v1/api-tokens", "", {.session = bob});
  EXPECT_EQ(Body(response).at("total").as_int64(), 0);
}

TEST_F(ApiTokenApi, UseIsRecordedAsLastUsed) {
  std::string token(Body(Create(R"({"name":"script"})")).at("token").as_string());
  env_.Call(Method::kGet, "/api/v1/api-tokens", "", {.bearer = token});
  http::Response response =
      env_.Call(Method::kGet, "/api/v1/api-tokens", "", {.session = session_});
  EXPECT_TRUE(Body(response).at("items").at(0).at("last_used_at").is_string());
}

TEST_F(ApiTokenApi, ExpiredTokenIsNotAuthenticated) {
  std::string token(
      Body(Create(R"({"name":"short","expires_in_days":1})")).at("token").as_string());
  env_.Advance(std::chrono::hours(24));
  http::Response response = env_.Call(Method::kGet, "/api/v1/api-tokens", "", {.bearer = token});
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response), "not_authenticated");
}

TEST_F(ApiTokenApi, DeleteRevokesTheToken) {
  auto created = Body(Create(R"({"name":"script"})"));
  std::string token(created.at("token").as_string());
  std::string path = "/api/v1/api-tokens/" + std::to_string(created.at("id").as_int64());
  ASSERT_EQ(env_.Call(Method::kDelete, path, "", {.session = session_}).status, 204);
  EXPECT_EQ(env_.Call(Method::kGet, "/api/v1/api-tokens", "", {.bearer = token}).status, 401);
}

TEST_F(ApiTokenApi, DeleteOfAnotherUsersTokenIsNotFound) {
  auto created = Body(Create(R"({"name":"script"})"));
  auto bob = env_.Login("bob@example.com", kTestPassword);
  std::string path = "/api/v1/api-tokens/" + std::to_string(created.at("id").as_int64());
  http::Response response = env_.Call(Method::kDelete, path, "", {.session = bob});
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
}

TEST_F(ApiTokenApi, DeleteWithABadIdIsNotFound) {
  http::Response response =
      env_.Call(Method::kDelete, "/api/v1/api-tokens/abc", "", {.session = session_});
  EXPECT_EQ(response.status, 404);
}

TEST_F(ApiTokenApi, TokensOfADisabledUserStopWorking) {
  std::string token(Body(Create(R"({"name":"script"})")).at("token").as_string());
  ASSERT_TRUE(
      env_.directory().SetDisabled(user_, true, directory::Actor{{}, {}, "operator", ""}).ok());
  EXPECT_EQ(env_.Call(Method::kGet, "/api/v1/api-tokens", "", {.bearer = token}).status, 401);
}

}  // namespace
}  // namespace ccc::relay::api
