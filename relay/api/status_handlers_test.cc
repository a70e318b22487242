#include "relay/api/status_handlers.h"

#include <gtest/gtest.h>

#include "relay/api/api_test_support.h"
#include "relay/api/session_handlers.h"

namespace ccc::relay::api {
namespace {

using http::Method;
using testing::Body;

TEST(StatusApi, AnswersVersionAndServerTime) {
  testing::ApiTestEnv env;
  env.CreateUser(env.CreateCompany("Acme"), "alice@example.com", "correct horse battery");
  AddSessionRoutes(env.router(), env.services());
  AddStatusRoutes(env.router(), env.services());
  env.now_ms = 1'700'000'000'000;
  auto session = env.Login("alice@example.com", "correct horse battery");
  http::Response response = env.Call(Method::kGet, "/api/v1/status", "", {.session = session});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(Body(response).at("version").as_string(), "9.8.7-test");
  EXPECT_EQ(Body(response).at("server_time").as_string(), "2023-11-14T22:13:20Z");
}

TEST(StatusApi, NeedsALogin) {
  testing::ApiTestEnv env;
  AddStatusRoutes(env.router(), env.services());
  EXPECT_EQ(env.Call(Method::kGet, "/api/v1/status").status, 401);
}

}  // namespace
}  // namespace ccc::relay::api
