#include "relay/api/audit_handlers.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "relay/api/api_test_support.h"
#include "relay/api/session_handlers.h"

namespace ccc::relay::api {
namespace {

using http::Method;
using testing::Body;
using testing::ErrorCode;
using testing::kTestPassword;

class AuditApi : public ::testing::Test {
 protected:
  AuditApi() {
    int64_t acme = env_.CreateCompany("Acme");
    int64_t other = env_.CreateCompany("Other");
    env_.CreateUser(acme, "admin@example.com", kTestPassword, /*company_admin=*/true);
    env_.CreateUser(acme, "user@example.com", kTestPassword);
    env_.CreateUser(other, "admin@other.example", kTestPassword, /*company_admin=*/true);
    AddSessionRoutes(env_.router(), env_.services());
    AddAuditRoutes(env_.router(), env_.services());
  }

  testing::ApiTestEnv env_;
};

TEST_F(AuditApi, IsForbiddenForUsersWhoAreNotCompanyAdministrators) {
  auto session = env_.Login("user@example.com", kTestPassword);
  http::Response response = env_.Call(Method::kGet, "/api/v1/audit", "", {.session = session});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "forbidden");
}

TEST_F(AuditApi, ListsTheCompanysEntriesNewestFirst) {
  env_.Login("user@example.com", kTestPassword);
  env_.Advance(std::chrono::seconds(5));
  auto session = env_.Login("admin@example.com", kTestPassword);
  http::Response response = env_.Call(Method::kGet, "/api/v1/audit", "", {.session = session});
  ASSERT_EQ(response.status, 200) << response.body;
  boost::json::value body = Body(response);
  const auto& items = body.at("items").as_array();
  ASSERT_GE(items.size(), 2u);
  EXPECT_EQ(items[0].at("action").as_string(), "session.login");
  EXPECT_EQ(items[0].at("actor").as_string(), "admin@example.com");
  EXPECT_EQ(items[0].at("address").as_string(), "192.0.2.10");
  EXPECT_EQ(items[0].at("target_type").as_string(), "user");
  EXPECT_TRUE(items[0].at("details").is_object());
  EXPECT_EQ(items[1].at("actor").as_string(), "user@example.com");
}

TEST_F(AuditApi, GivesTimesInRfc3339) {
  env_.now_ms = 1'900'000'000'000;
  auto session = env_.Login("admin@example.com", kTestPassword);
  http::Response response =
      env_.Call(Method::kGet, "/api/v1/audit?q=session.login", "", {.session = session});
  EXPECT_EQ(Body(response).at("items").at(0).at("at").as_string(), "2030-03-17T17:46:40Z");
}

TEST_F(AuditApi, SortsOldestFirstWhenAskedTo) {
  env_.Login("user@example.com", kTestPassword);
  env_.Advance(std::chrono::seconds(5));
  auto session = env_.Login("admin@example.com", kTestPassword);
  http::Response response =
      env_.Call(Method::kGet, "/api/v1/audit?q=session.login&order=asc", "", {.session = session});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(Body(response).at("items").at(0).at("actor").as_string(), "user@example.com");
}

TEST_F(AuditApi, ShowsNoEntriesOfOtherCompanies) {
  env_.Login("admin@other.example", kTestPassword);
  auto session = env_.Login("admin@example.com", kTestPassword);
  http::Response response =
      env_.Call(Method::kGet, "/api/v1/audit?q=other.example", "", {.session = session});
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(Body(response).at("total").as_int64(), 0);
}

TEST_F(AuditApi, RefusesAnUnknownSortKey) {
  auto session = env_.Login("admin@example.com", kTestPassword);
  http::Response response =
      env_.Call(Method::kGet, "/api/v1/audit?sort=address", "", {.session = session});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_parameter");
}

}  // namespace
}  // namespace ccc::relay::api
