#include "relay/api/api_context.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "relay/api/api_test_support.h"
#include "relay/api/session_handlers.h"

namespace ccc::relay::api {
namespace {

using testing::Body;
using testing::ErrorCode;

TEST(StatusResponse, MapsNotFoundTo404) {
  http::Response response = StatusResponse(NotFound("user 7"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
}

TEST(StatusResponse, MapsAlreadyExistsTo409Conflict) {
  http::Response response = StatusResponse(Status(StatusCode::kAlreadyExists, "serial taken"));
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(ErrorCode(response), "conflict");
}

TEST(StatusResponse, MapsInvalidArgumentTo400InvalidRequest) {
  http::Response response = StatusResponse(InvalidArgument("bad"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_request");
}

TEST(StatusResponse, MapsFailedPreconditionTo409Conflict) {
  http::Response response = StatusResponse(Status(StatusCode::kFailedPrecondition, "code used"));
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(ErrorCode(response), "conflict");
}

TEST(StatusResponse, MapsUnavailableTo503) {
  http::Response response = StatusResponse(Unavailable("busy"));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(ErrorCode(response), "unavailable");
}

TEST(StatusResponse, HidesInternalDetails) {
  http::Response response = StatusResponse(DataLoss("disk I/O error at /var/lib/secret"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(ErrorCode(response), "internal");
  EXPECT_EQ(response.body.find("secret"), std::string::npos);
}

TEST(DecisionResponse, AnswersNotFoundFor404Outcomes) {
  policy::Decision decision;
  decision.outcome = policy::Outcome::kNotFound;
  http::Response response = DecisionResponse(decision, policy::Action::kViewSystem);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
}

TEST(DecisionResponse, NamesTheRolesThatWouldAllowIt) {
  policy::Decision decision;
  decision.outcome = policy::Outcome::kForbidden;
  decision.roles_that_allow = {policy::Role::kOwner, policy::Role::kAdministrator};
  http::Response response = DecisionResponse(decision, policy::Action::kManageAuthorisations);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "forbidden");
  EXPECT_EQ(Body(response).at("error").at("message").as_string(),
            "manage_authorisations needs one of the roles: owner, administrator");
}

TEST(DecisionResponse, ReportsTheFirstMissingPreconditionAndAllOfThem) {
  policy::Decision decision;
  decision.outcome = policy::Outcome::kPreconditionFailed;
  decision.missing = {policy::Precondition::kMaintenanceActive,
                      policy::Precondition::kFirmwareSupported};
  http::Response response = DecisionResponse(decision, policy::Action::kBackup);
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(ErrorCode(response), "maintenance_inactive");
  auto missing = Body(response).at("error").at("missing").as_array();
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0].as_string(), "maintenance_inactive");
  EXPECT_EQ(missing[1].as_string(), "firmware_too_old");
}

TEST(Authorize, AnswersNotFoundForASystemThatDoesNotExist) {
  testing::ApiTestEnv env;
  Caller caller;
  caller.user_id = env.CreateUser(env.CreateCompany("Acme"), "a@example.com", "");
  auto response = Authorize(env.services(), caller, 999, policy::Action::kViewSystem);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 404);
}

http::Request WithParam(std::string value) {
  http::Request request;
  request.params["id"] = std::move(value);
  return request;
}

TEST(PathId, ParsesAPositiveId) { EXPECT_EQ(PathId(WithParam("42"), "id"), 42); }

TEST(PathId, RefusesZeroNegativeAndNonDigits) {
  EXPECT_FALSE(PathId(WithParam("0"), "id").has_value());
  EXPECT_FALSE(PathId(WithParam("-1"), "id").has_value());
  EXPECT_FALSE(PathId(WithParam("4a"), "id").has_value());
  EXPECT_FALSE(PathId(WithParam("+4"), "id").has_value());
  EXPECT_FALSE(PathId(WithParam(""), "id").has_value());
}

TEST(PathId, RefusesNumbersTooLargeForAnId) {
  EXPECT_FALSE(PathId(WithParam("99999999999999999999"), "id").has_value());
}

TEST(PathId, IsNulloptForAMissingParameter) {
  EXPECT_FALSE(PathId(http::Request{}, "id").has_value());
}

TEST(Rfc3339, FormatsUtcWithSeconds) {
  EXPECT_EQ(Rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Rfc3339(1'795'909'265'999), "2026-11-28T23:41:05Z");
}

TEST(Rfc3339, RoundsNegativeTimesDown) { EXPECT_EQ(Rfc3339(-1), "1969-12-31T23:59:59Z"); }

TEST(RolesJson, ListsWireNamesInCanonicalOrder) {
  EXPECT_EQ(RolesJson({policy::Role::kCallData, policy::Role::kOwner}), R"(["owner","call_data"])");
  EXPECT_EQ(RolesJson({}), "[]");
}

TEST(Caller, ActsAsTheUserFromItsAddress) {
  Caller caller;
  caller.user_id = 3;
  caller.company_id = 2;
  caller.email = "a@example.com";
  caller.address = "192.0.2.1";
  caller.company_admin = true;
  directory::Actor actor = caller.actor();
  EXPECT_EQ(actor.user_id, 3);
  EXPECT_EQ(actor.company_id, 2);
  EXPECT_EQ(actor.label, "a@example.com");
  EXPECT_EQ(actor.address, "192.0.2.1");
  policy::UserFacts facts = caller.facts();
  EXPECT_EQ(facts.id, 3);
  EXPECT_EQ(facts.company_id, 2);
  EXPECT_TRUE(facts.company_admin);
}

class AuthenticateTest : public ::testing::Test {
 protected:
  AuthenticateTest() {
    env_.CreateUser(env_.CreateCompany("Acme"), "alice@example.com", "correct horse battery");
    AddSessionRoutes(env_.router(), env_.services());
    session_ = env_.Login("alice@example.com", "correct horse battery");
  }

  std::variant<Caller, http::Response> Run(
      http::Method method, std::vector<std::pair<std::string, std::string>> headers) {
    http::Request request;
    request.method = method;
    request.path = "/api/v1/anything";
    request.remote_address = "198.51.100.4";
    request.headers = std::move(headers);
    return Authenticate(env_.services(), request);
  }

  testing::ApiTestEnv env_;
  testing::BrowserSession session_;
};

TEST_F(AuthenticateTest, FindsTheSessionAmongOtherCookies) {
  auto result =
      Run(http::Method::kGet, {{"cookie", "a=1; ccc_session=" + session_.token + "; b=2"}});
  ASSERT_TRUE(std::holds_alternative<Caller>(result));
  const Caller& caller = std::get<Caller>(result);
  EXPECT_EQ(caller.email, "alice@example.com");
  EXPECT_EQ(caller.company_name, "Acme");
  EXPECT_EQ(caller.address, "198.51.100.4");
  EXPECT_EQ(caller.csrf_token, session_.csrf);
  EXPECT_FALSE(caller.via_api_token);
}

TEST_F(AuthenticateTest, AcceptsTheSessionInALaterCookieHeader) {
  auto result =
      Run(http::Method::kGet, {{"cookie", "a=1"}, {"cookie", "ccc_session=" + session_.token}});
  EXPECT_TRUE(std::holds_alternative<Caller>(result));
}

TEST_F(AuthenticateTest, NeedsNoCsrfForReads) {
  auto result = Run(http::Method::kGet, {{"cookie", "ccc_session=" + session_.token}});
  EXPECT_TRUE(std::holds_alternative<Caller>(result));
}

TEST_F(AuthenticateTest, NeedsCsrfForEveryStateChangingMethod) {
  for (http::Method method :
       {http::Method::kPost, http::Method::kPut, http::Method::kPatch, http::Method::kDelete}) {
    auto result = Run(method, {{"cookie", "ccc_session=" + session_.token}});
    ASSERT_TRUE(std::holds_alternative<http::Response>(result)) << http::MethodName(method);
    EXPECT_EQ(ErrorCode(std::get<http::Response>(result)), "csrf_failed");
  }
}

TEST_F(AuthenticateTest, AcceptsTheRightCsrfToken) {
  auto result = Run(http::Method::kPost,
                    {{"cookie", "ccc_session=" + session_.token}, {"x-csrf-token", session_.csrf}});
  EXPECT_TRUE(std::holds_alternative<Caller>(result));
}

TEST_F(AuthenticateTest, RefusesAnEmptyBearerToken) {
  auto result = Run(http::Method::kGet, {{"authorization", "Bearer "}});
  ASSERT_TRUE(std::holds_alternative<http::Response>(result));
  EXPECT_EQ(std::get<http::Response>(result).status, 401);
}

TEST(WithCaller, MarksResponsesNotCacheable) {
  testing::ApiTestEnv env;
  http::Handler handler = WithCaller(env.services(), [](const http::Request&, const Caller&) {
    return http::JsonResponse(200, "{}");
  });
  http::Response refused = handler(http::Request{});
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(testing::HeaderValue(refused, "cache-control"), "no-store");
}

}  // namespace
}  // namespace ccc::relay::api
