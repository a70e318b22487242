#include "relay/api/api_routes.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <set>
#include <string>
#include <utility>

#include "relay/api/api_test_support.h"
#include "relay/api/openapi_document.h"

namespace ccc::relay::api {
namespace {

using Operation = std::pair<std::string, std::string>;  // method (lower case), path

std::set<Operation> DocumentedOperations() {
  boost::json::object document = boost::json::parse(OpenApiDocument()).as_object();
  std::set<Operation> operations;
  for (const auto& [path, item] : document.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      operations.emplace(std::string(method), std::string(path));
    }
  }
  return operations;
}

std::set<Operation> RegisteredOperations() {
  testing::ApiTestEnv env;
  http::Router router;
  AddApiRoutes(router, env.services(), nullptr);
  std::set<Operation> operations;
  for (const auto& [method, pattern] : router.Routes()) {
    std::string name(http::MethodName(method));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    operations.emplace(name, pattern);
  }
  return operations;
}

TEST(ApiRoutesTest, EveryRegisteredRouteIsInTheOpenApiDocument) {
  std::set<Operation> documented = DocumentedOperations();
  for (const Operation& operation : RegisteredOperations()) {
    EXPECT_TRUE(documented.contains(operation))
        << operation.first << " " << operation.second << " is served but not documented";
  }
}

TEST(ApiRoutesTest, EveryDocumentedOperationIsServed) {
  std::set<Operation> registered = RegisteredOperations();
  for (const Operation& operation : DocumentedOperations()) {
    EXPECT_TRUE(registered.contains(operation))
        << operation.first << " " << operation.second << " is documented but not served";
  }
}

TEST(ApiRoutesTest, EveryDocumentedOperationNamesItsResponsesAndTag) {
  boost::json::object document = boost::json::parse(OpenApiDocument()).as_object();
  for (const auto& [path, item] : document.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      const boost::json::object& op = operation.as_object();
      EXPECT_FALSE(op.at("responses").as_object().empty()) << method << " " << path;
      EXPECT_FALSE(op.at("tags").as_array().empty()) << method << " " << path;
    }
  }
}

TEST(ApiRoutesTest, TheDocumentIsServedAsJson) {
  http::Router router;
  AddOpenApiRoute(router);
  http::Request request;
  request.method = http::Method::kGet;
  request.target = request.path = "/api/v1/openapi.json";
  http::Response response = router.Dispatch(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(boost::json::parse(response.body).as_object().at("openapi").as_string(), "3.1.0");
}

}  // namespace
}  // namespace ccc::relay::api
