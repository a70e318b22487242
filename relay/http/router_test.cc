#include "relay/http/router.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace ccc::relay::http {
namespace {

Request MakeRequest(Method method, std::string path) {
  Request request;
  request.method = method;
  request.target = path;
  request.path = std::move(path);
  return request;
}

Response Text(std::string body) {
  Response response;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

TEST(Router, DispatchesByMethodAndPath) {
  Router router;
  router.Add(Method::kGet, "/a", [](const Request&) { return Text("get a"); });
  router.Add(Method::kPost, "/a", [](const Request&) { return Text("post a"); });
  router.Add(Method::kGet, "/b", [](const Request&) { return Text("get b"); });
  Request request = MakeRequest(Method::kPost, "/a");
  EXPECT_EQ(router.Dispatch(request).body, "post a");
  request = MakeRequest(Method::kGet, "/b");
  EXPECT_EQ(router.Dispatch(request).body, "get b");
}

TEST(Router, UnknownPathIsA404JsonError) {
  Router router;
  router.Add(Method::kGet, "/a", [](const Request&) { return Text("a"); });
  Request request = MakeRequest(Method::kGet, "/nope");
  Response response = router.Dispatch(request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  auto body = boost::json::parse(response.body);
  EXPECT_EQ(body.at("error").at("code"), "not_found");
  EXPECT_TRUE(body.at("error").at("message").is_string());
}

TEST(Router, WrongMethodIsA405WithAllowHeader) {
  Router router;
  router.Add(Method::kGet, "/a", [](const Request&) { return Text("a"); });
  router.Add(Method::kDelete, "/a", [](const Request&) { return Text("a"); });
  Request request = MakeRequest(Method::kPost, "/a");
  Response response = router.Dispatch(request);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(boost::json::parse(response.body).at("error").at("code"), "method_not_allowed");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Allow");
  EXPECT_EQ(response.headers[0].second, "GET, DELETE");
}

TEST(Router, PlaceholdersCaptureOneSegment) {
  Router router;
  router.Add(Method::kGet, "/api/v1/systems/{id}/calls",
             [](const Request& r) { return Text(std::string(r.Param("id"))); });
  Request request = MakeRequest(Method::kGet, "/api/v1/systems/pbx-7/calls");
  EXPECT_EQ(router.Dispatch(request).body, "pbx-7");
  request = MakeRequest(Method::kGet, "/api/v1/systems//calls");
  EXPECT_EQ(router.Dispatch(request).status, 404);
  request = MakeRequest(Method::kGet, "/api/v1/systems/a/b/calls");
  EXPECT_EQ(router.Dispatch(request).status, 404);
}

TEST(Router, LiteralSegmentsWinOverPlaceholders) {
  Router router;
  router.Add(Method::kGet, "/systems/{id}", [](const Request&) { return Text("by id"); });
  router.Add(Method::kGet, "/systems/new", [](const Request&) { return Text("new"); });
  Request request = MakeRequest(Method::kGet, "/systems/new");
  EXPECT_EQ(router.Dispatch(request).body, "new");
  request = MakeRequest(Method::kGet, "/systems/x");
  EXPECT_EQ(router.Dispatch(request).body, "by id");
}

TEST(Router, HeadIsAnsweredByTheGetHandler) {
  Router router;
  router.Add(Method::kGet, "/items/{id}",
             [](const Request& r) { return Text("item " + std::string(r.Param("id"))); });
  Request request = MakeRequest(Method::kHead, "/items/7");
  Response response = router.Dispatch(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "item 7");
}

TEST(Router, FallbackAnswersUnmatchedGetAndHeadOutsideTheApi) {
  Router router;
  router.Add(Method::kGet, "/healthz", [](const Request&) { return Text("ok"); });
  router.SetFallback([](const Request& r) { return Text("portal " + r.path); });
  for (Method method : {Method::kGet, Method::kHead}) {
    Request request = MakeRequest(method, "/systems/12");
    EXPECT_EQ(router.Dispatch(request).body, "portal /systems/12");
  }
  Request request = MakeRequest(Method::kGet, "/healthz");
  EXPECT_EQ(router.Dispatch(request).body, "ok");
}

TEST(Router, FallbackNeverAnswersTheApiOrOtherMethods) {
  Router router;
  router.Add(Method::kGet, "/api/v1/things", [](const Request&) { return Text("things"); });
  router.SetFallback([](const Request&) { return Text("portal"); });
  for (const char* path : {"/api/v1/nope", "/api", "/api/"}) {
    Request request = MakeRequest(Method::kGet, path);
    Response response = router.Dispatch(request);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(boost::json::parse(response.body).at("error").at("code"), "not_found") << path;
  }
  Request request = MakeRequest(Method::kPost, "/systems");
  EXPECT_EQ(router.Dispatch(request).status, 404);
  request = MakeRequest(Method::kPost, "/api/v1/things");
  EXPECT_EQ(router.Dispatch(request).status, 405);
}

TEST(Router, JsonErrorEscapesItsText) {
  Response response = JsonError(400, "bad_input", "a \"quoted\" word");
  EXPECT_EQ(response.status, 400);
  auto body = boost::json::parse(response.body);
  EXPECT_EQ(body.at("error").at("message"), "a \"quoted\" word");
}

TEST(Router, HeaderLookupIgnoresCase) {
  Request request;
  request.headers = {{"content-type", "text/plain"}};
  EXPECT_EQ(request.Header("Content-Type"), "text/plain");
  EXPECT_EQ(request.Header("accept"), "");
}

}  // namespace
}  // namespace ccc::relay::http
