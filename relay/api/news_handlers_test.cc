#include "relay/api/news_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "relay/api/api_test_support.h"

namespace ccc::relay::api {
namespace {

using testing::ApiTestEnv;
using testing::Body;
using ::testing::ElementsAre;
using testing::ExpectAnswer;
using testing::ItemStrings;

class NewsApi : public ::testing::Test {
 protected:
  void SetUp() override {
    AddNewsRoutes(env_.router(), env_.services());
    const int64_t acme = env_.CreateCompany("Acme");
    const int64_t other = env_.CreateCompany("Other");
    acme_user_ = env_.CreateUserWithToken(acme, "reader");
    other_user_ = env_.CreateUserWithToken(other, "elsewhere");
  }

  int64_t Publish(const std::string& title, const std::string& body, int64_t at_ms) {
    return testing::Must(env_.directory().AddNews(title, body, at_ms, testing::OperatorActor()));
  }

  http::Response List(int64_t user, const std::string& query = "") {
    return env_.CallAs(user, http::Method::kGet, "/api/v1/news" + query);
  }

  ApiTestEnv env_;
  int64_t acme_user_ = 0;
  int64_t other_user_ = 0;
};

TEST_F(NewsApi, EveryCompanyReadsTheSameNewsNewestFirst) {
  Publish("Older", "first", env_.now_ms - 1000);
  Publish("Newer", "second", env_.now_ms);
  for (int64_t user : {acme_user_, other_user_}) {
    http::Response response = List(user);
    ExpectAnswer(response, 200);
    EXPECT_THAT(ItemStrings(response, "title"), ElementsAre("Newer", "Older"));
    EXPECT_EQ(Body(response).at("total").as_int64(), 2);
  }
}

TEST_F(NewsApi, ItemsCarryIdTitleBodyAndPublicationTime) {
  const int64_t id = Publish("Title", "Line one\nLine two", 1'800'000'000'000);
  http::Response response = List(acme_user_);
  ExpectAnswer(response, 200);
  const boost::json::value body = Body(response);
  const boost::json::object& item = body.at("items").at(0).as_object();
  EXPECT_EQ(item.size(), 4u);
  EXPECT_EQ(item.at("id").as_int64(), id);
  EXPECT_EQ(item.at("title").as_string(), "Title");
  EXPECT_EQ(item.at("body").as_string(), "Line one\nLine two");
  EXPECT_EQ(item.at("published_at").as_string(), "2027-01-15T08:00:00Z");
}

TEST_F(NewsApi, QFiltersTitleAndBody) {
  Publish("Maintenance", "Sunday", env_.now_ms - 2);
  Publish("Release", "Firmware 2.7 with maintenance fixes", env_.now_ms - 1);
  Publish("Holiday", "Office closed", env_.now_ms);
  http::Response response = List(acme_user_, "?q=MAINTENANCE");
  ExpectAnswer(response, 200);
  EXPECT_THAT(ItemStrings(response, "title"), ElementsAre("Release", "Maintenance"));
  EXPECT_EQ(Body(response).at("total").as_int64(), 2);
}

TEST_F(NewsApi, PagesWithLimitAndOffsetAndOrdersOldestFirstOnRequest) {
  for (int i = 0; i < 5; ++i) Publish("Item " + std::to_string(i), "x", env_.now_ms + i);
  http::Response page = List(acme_user_, "?limit=2&offset=1");
  ExpectAnswer(page, 200);
  EXPECT_THAT(ItemStrings(page, "title"), ElementsAre("Item 3", "Item 2"));
  EXPECT_EQ(Body(page).at("total").as_int64(), 5);
  http::Response ascending = List(acme_user_, "?order=asc&limit=1");
  EXPECT_THAT(ItemStrings(ascending, "title"), ElementsAre("Item 0"));
}

TEST_F(NewsApi, NeedsALogin) {
  ExpectAnswer(env_.CallAs(std::nullopt, http::Method::kGet, "/api/v1/news"), 401,
               "not_authenticated");
}

TEST_F(NewsApi, RefusesUnknownSortKeys) {
  ExpectAnswer(List(acme_user_, "?sort=title"), 400, "invalid_parameter");
}

}  // namespace
}  // namespace ccc::relay::api
