#include "relay/api/user_handlers.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "relay/api/api_test_support.h"
#include "relay/api/session_handlers.h"

namespace ccc::relay::api {
namespace {

using http::Method;
using testing::Body;
using testing::ErrorCode;
using testing::ItemStrings;
using testing::kTestPassword;

class UserApi : public ::testing::Test {
 protected:
  UserApi() {
    int64_t acme = env_.CreateCompany("Acme");
    int64_t other = env_.CreateCompany("Other");
    env_.CreateUser(acme, "carol@example.com", kTestPassword);
    env_.CreateUser(acme, "alice@example.com", kTestPassword);
    env_.CreateUser(acme, "bob@example.com", kTestPassword);
    env_.CreateUser(other, "mallory@other.example", kTestPassword);
    AddSessionRoutes(env_.router(), env_.services());
    AddUserRoutes(env_.router(), env_.services());
    session_ = env_.Login("alice@example.com", kTestPassword);
  }

  testing::ApiTestEnv env_;
  testing::BrowserSession session_;
};

TEST_F(UserApi, ListsTheCompanysUsersByEmail) {
  http::Response response = env_.Call(Method::kGet, "/api/v1/users", "", {.session = session_});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(
      ItemStrings(response, "email"),
      (std::vector<std::string>{"alice@example.com", "bob@example.com", "carol@example.com"}));
  EXPECT_EQ(Body(response).at("total").as_int64(), 3);
}

TEST_F(UserApi, ListsOnlyIdEmailAndName) {
  http::Response response = env_.Call(Method::kGet, "/api/v1/users", "", {.session = session_});
  boost::json::value body = Body(response);
  const auto& item = body.at("items").at(0).as_object();
  EXPECT_EQ(item.size(), 3u);
  EXPECT_TRUE(item.contains("id"));
  EXPECT_TRUE(item.contains("email"));
  EXPECT_TRUE(item.contains("name"));
}

TEST_F(UserApi, FiltersCaseInsensitively) {
  http::Response response =
      env_.Call(Method::kGet, "/api/v1/users?q=CAR", "", {.session = session_});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(ItemStrings(response, "email"), (std::vector<std::string>{"carol@example.com"}));
  EXPECT_EQ(Body(response).at("total").as_int64(), 1);
}

TEST_F(UserApi, PagesInTheAskedOrder) {
  http::Response response = env_.Call(Method::kGet, "/api/v1/users?order=desc&limit=1&offset=1", "",
                                      {.session = session_});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(ItemStrings(response, "email"), (std::vector<std::string>{"bob@example.com"}));
  EXPECT_EQ(Body(response).at("total").as_int64(), 3);
}

TEST_F(UserApi, RefusesAnUnknownSortKey) {
  http::Response response =
      env_.Call(Method::kGet, "/api/v1/users?sort=password", "", {.session = session_});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_parameter");
}

TEST_F(UserApi, NeedsALogin) {
  http::Response response = env_.Call(Method::kGet, "/api/v1/users");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response), "not_authenticated");
}

}  // namespace
}  // namespace ccc::relay::api
