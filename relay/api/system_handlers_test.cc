#include "relay/api/system_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "common/sqlite/sqlite_db.h"
#include "relay/api/systems_test_support.h"

namespace ccc::relay::api {
namespace {

using http::Method;
using testing::Body;
using testing::BrowserSession;
using ::testing::Contains;
using testing::ErrorCode;
using ::testing::Not;

constexpr char kPassword[] = "correct horse battery";
constexpr int64_t kHour = 3600 * 1000;

enum class Who { kOwner, kAdministrator, kMonitoring, kNoRole, kOtherCompany, kAnonymous };

const char* WhoName(Who who) {
  switch (who) {
    case Who::kOwner:
      return "owner";
    case Who::kAdministrator:
      return "administrator";
    case Who::kMonitoring:
      return "monitoring";
    case Who::kNoRole:
      return "no role";
    case Who::kOtherCompany:
      return "other company";
    case Who::kAnonymous:
      return "anonymous";
  }
  return "?";
}

class SystemApi : public ::testing::Test {
 protected:
  SystemApi() {
    const int64_t acme = env().CreateCompany("Acme");
    const int64_t other = env().CreateCompany("Other");
    owner_id_ = env().CreateUser(acme, "owner@acme.example", kPassword);
    admin_id_ = env().CreateUser(acme, "admin@acme.example", kPassword);
    monitor_id_ = env().CreateUser(acme, "monitor@acme.example", kPassword);
    env().CreateUser(acme, "nobody@acme.example", kPassword);
    env().CreateUser(other, "owner@other.example", kPassword);
    sessions_[Who::kOwner] = env().Login("owner@acme.example", kPassword);
    sessions_[Who::kAdministrator] = env().Login("admin@acme.example", kPassword);
    sessions_[Who::kMonitoring] = env().Login("monitor@acme.example", kPassword);
    sessions_[Who::kNoRole] = env().Login("nobody@acme.example", kPassword);
    sessions_[Who::kOtherCompany] = env().Login("owner@other.example", kPassword);
  }

  testing::ApiTestEnv& env() { return systems_.env; }

  http::Response Call(Who who, Method method, const std::string& target,
                      const std::string& body = "") {
    testing::CallOptions options;
    if (who != Who::kAnonymous) options.session = sessions_.at(who);
    return env().Call(method, target, body, options);
  }

  // POST /api/v1/systems as the owner; then grants administrator and monitoring roles.
  int64_t CreateSystem(const std::string& serial, const std::string& name = "Head office") {
    http::Response response = Call(Who::kOwner, Method::kPost, "/api/v1/systems",
                                   R"({"name":")" + name + R"(","serial":")" + serial + R"("})");
    EXPECT_EQ(response.status, 201) << response.body;
    if (response.status != 201) return 0;
    const int64_t id = Body(response).at("id").as_int64();
    Grant(admin_id_, id, policy::Role::kAdministrator);
    Grant(monitor_id_, id, policy::Role::kMonitoring);
    return id;
  }

  void Grant(int64_t user_id, int64_t system_id, policy::Role role) {
    auto granted = env().directory().UpsertAuthorisation(
        user_id, system_id, policy::RoleSet{role}, owner_id_, env().now_ms,
        directory::Actor{owner_id_, std::nullopt, "owner@acme.example", ""});
    ASSERT_TRUE(granted.ok()) << granted.status().ToString();
  }

  static std::string SystemPath(int64_t id, const std::string& tail = "") {
    return "/api/v1/systems/" + std::to_string(id) + tail;
  }

  // What the agent would have reported: presence and sysinfo in the ingest store.
  void Report(const std::string& serial, const std::string& sysinfo_json) {
    ASSERT_TRUE(systems_.store().RegisterDevice(serial, env().now_ms).ok());
    auto db = sqlite::Database::Open(systems_.Path("relay.db"));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto stmt = db->Prepare(
        "UPDATE devices SET online = 1, last_seen_ms = ?2, sysinfo_json = ?3 WHERE id = ?1");
    ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
    stmt->Bind(1, std::string_view(serial))
        .Bind(2, env().now_ms)
        .Bind(3, std::string_view(sysinfo_json));
    ASSERT_TRUE(stmt->Run().ok());
  }

  int64_t ListTotal(Who who) {
    http::Response response = Call(who, Method::kGet, "/api/v1/systems");
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? Body(response).at("total").as_int64() : -1;
  }

  testing::SystemsApiEnv systems_;
  int64_t owner_id_ = 0;
  int64_t admin_id_ = 0;
  int64_t monitor_id_ = 0;
  std::map<Who, BrowserSession> sessions_;
};

TEST_F(SystemApi, CreateMakesTheCallerOwnerAndIssuesACode) {
  http::Response response = Call(Who::kOwner, Method::kPost, "/api/v1/systems",
                                 R"({"name":"Head office","serial":"PBX-0001"})");
  ASSERT_EQ(response.status, 201) << response.body;
  auto body = Body(response).as_object();
  EXPECT_GT(body.at("id").as_int64(), 0);
  EXPECT_EQ(body.at("name").as_string(), "Head office");
  EXPECT_EQ(body.at("serial").as_string(), "PBX-0001");
  EXPECT_EQ(body.at("owner").at("id").as_int64(), owner_id_);
  EXPECT_EQ(body.at("owner").at("email").as_string(), "owner@acme.example");
  EXPECT_EQ(body.at("created_at").as_string(), Rfc3339(env().now_ms));
  EXPECT_TRUE(body.at("first_registration_at").is_null());
  EXPECT_FALSE(body.at("paired").as_bool());
  EXPECT_FALSE(body.at("online").as_bool());
  EXPECT_TRUE(body.at("last_seen_at").is_null());
  EXPECT_EQ(body.at("state").as_string(), "waiting_for_pairing");
  EXPECT_TRUE(body.at("state_reasons").as_array().empty());
  const auto& code = body.at("confirmation_code").as_object();
  EXPECT_THAT(std::string(code.at("code").as_string()),
              ::testing::MatchesRegex("[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}"));
  EXPECT_EQ(code.at("expires_at").as_string(), Rfc3339(env().now_ms + 24 * kHour));
  EXPECT_FALSE(code.at("expired").as_bool());
  EXPECT_EQ(body.at("roles"), boost::json::parse(R"(["owner"])"));
  EXPECT_THAT(body.at("allowed_actions").as_array(), Contains(boost::json::value("delete_system")));
  EXPECT_FALSE(body.at("maintenance").at("active").as_bool());
  EXPECT_TRUE(body.at("maintenance").at("until").is_null());
  EXPECT_FALSE(body.at("opt_in").at("monitoring").as_bool());
}

TEST_F(SystemApi, CreateRefusesInvalidSerialsAndStoresNothing) {
  for (const char* serial : {"ABC12", "has space1", "dots.are.out", "ÄÖÜ-0001", "x'; DROP--",
                             "../../etc/passwd", "A234567890123456789012345678901234"}) {
    http::Response response =
        Call(Who::kOwner, Method::kPost, "/api/v1/systems",
             boost::json::serialize(boost::json::object{{"name", "n"}, {"serial", serial}}));
    EXPECT_EQ(response.status, 400) << serial;
    EXPECT_THAT(ErrorCode(response), ::testing::AnyOf("invalid_field", "field_too_long")) << serial;
  }
  EXPECT_EQ(ListTotal(Who::kOwner), 0);
}

TEST_F(SystemApi, CreateRefusesATakenSerialEvenFromAnotherCompany) {
  CreateSystem("PBX-0001");
  http::Response response = Call(Who::kOtherCompany, Method::kPost, "/api/v1/systems",
                                 R"({"name":"Mine","serial":"PBX-0001"})");
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(ErrorCode(response), "conflict");
  EXPECT_EQ(ListTotal(Who::kOtherCompany), 0);
}

TEST_F(SystemApi, CreateRefusesUnknownFields) {
  http::Response response = Call(Who::kOwner, Method::kPost, "/api/v1/systems",
                                 R"({"name":"n","serial":"PBX-0001","owner_id":1})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "unknown_field");
}

TEST_F(SystemApi, CreateRefusesAMegabyteName) {
  const std::string name(1 << 20, 'x');
  http::Response response = Call(Who::kOwner, Method::kPost, "/api/v1/systems",
                                 R"({"name":")" + name + R"(","serial":"PBX-0001"})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "field_too_long");
  EXPECT_EQ(ListTotal(Who::kOwner), 0);
}

TEST_F(SystemApi, CreateRefusesABlankName) {
  http::Response response =
      Call(Who::kOwner, Method::kPost, "/api/v1/systems", R"({"name":"   ","serial":"PBX-0001"})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_field");
}

TEST_F(SystemApi, CreateRefusesMalformedJsonAndWrongTypes) {
  EXPECT_EQ(ErrorCode(Call(Who::kOwner, Method::kPost, "/api/v1/systems", "{")), "malformed_json");
  EXPECT_EQ(ErrorCode(Call(Who::kOwner, Method::kPost, "/api/v1/systems",
                           R"({"name":5,"serial":"PBX-0001"})")),
            "invalid_field");
  EXPECT_EQ(ErrorCode(Call(Who::kOwner, Method::kPost, "/api/v1/systems", R"({"name":"n"})")),
            "missing_field");
}

TEST_F(SystemApi, CreateWithoutCsrfTokenIsRefused) {
  testing::CallOptions options;
  options.session = sessions_.at(Who::kOwner);
  options.csrf = "";
  http::Response response =
      env().Call(Method::kPost, "/api/v1/systems", R"({"name":"n","serial":"PBX-0001"})", options);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "csrf_failed");
}

struct RouteCase {
  Method method;
  std::string tail;
  std::string body;
  // Expected status for owner, administrator, monitoring, no role, other company, anonymous.
  std::array<int, 6> expected;
};

TEST_F(SystemApi, EveryRouteAnswersEachRoleWithTheExactStatus) {
  const std::vector<RouteCase> cases = {
      {Method::kGet, "", "", {200, 200, 200, 404, 404, 401}},
      {Method::kPatch, "", R"({"name":"Renamed"})", {200, 200, 403, 404, 404, 401}},
      {Method::kDelete, "", "", {204, 403, 403, 404, 404, 401}},
      {Method::kGet, "/token", "", {200, 200, 403, 404, 404, 401}},
      {Method::kPost, "/token", "", {201, 201, 403, 404, 404, 401}},
      {Method::kDelete, "/token", "", {204, 204, 403, 404, 404, 401}},
      {Method::kGet, "/information", "", {200, 200, 200, 404, 404, 401}},
  };
  const Who everyone[] = {Who::kOwner,  Who::kAdministrator, Who::kMonitoring,
                          Who::kNoRole, Who::kOtherCompany,  Who::kAnonymous};
  int serial = 0;
  for (const RouteCase& route : cases) {
    for (size_t i = 0; i < 6; ++i) {
      const int64_t id = CreateSystem("PBX-" + std::to_string(100000 + ++serial));
      http::Response response =
          Call(everyone[i], route.method, SystemPath(id, route.tail), route.body);
      EXPECT_EQ(response.status, route.expected[i])
          << http::MethodName(route.method) << " " << route.tail << " as " << WhoName(everyone[i])
          << ": " << response.body;
    }
  }
}

TEST_F(SystemApi, TheListRouteNeedsALogin) {
  EXPECT_EQ(Call(Who::kAnonymous, Method::kGet, "/api/v1/systems").status, 401);
  EXPECT_EQ(
      Call(Who::kAnonymous, Method::kPost, "/api/v1/systems", R"({"name":"n","serial":"PBX-0001"})")
          .status,
      401);
}

TEST_F(SystemApi, ForbiddenNamesTheRolesThatWouldAllowIt) {
  const int64_t id = CreateSystem("PBX-0001");
  http::Response response = Call(Who::kAdministrator, Method::kDelete, SystemPath(id));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "forbidden");
}

TEST_F(SystemApi, ANonNumericIdIsNotFound) {
  EXPECT_EQ(Call(Who::kOwner, Method::kGet, "/api/v1/systems/abc").status, 404);
  EXPECT_EQ(Call(Who::kOwner, Method::kGet, "/api/v1/systems/-1").status, 404);
}

TEST_F(SystemApi, OnlyOwnerAndAdministratorSeeTheConfirmationCode) {
  const int64_t id = CreateSystem("PBX-0001");
  EXPECT_TRUE(Body(Call(Who::kAdministrator, Method::kGet, SystemPath(id)))
                  .at("confirmation_code")
                  .is_object());
  auto monitor_view = Body(Call(Who::kMonitoring, Method::kGet, SystemPath(id)));
  EXPECT_TRUE(monitor_view.at("confirmation_code").is_null());
  EXPECT_EQ(monitor_view.at("roles"), boost::json::parse(R"(["monitoring"])"));
  EXPECT_THAT(monitor_view.at("allowed_actions").as_array(),
              Not(Contains(boost::json::value("edit_system_name"))));
  auto list = Body(Call(Who::kMonitoring, Method::kGet, "/api/v1/systems"));
  EXPECT_TRUE(list.at("items").at(0).at("confirmation_code").is_null());
}

TEST_F(SystemApi, ListShowsOnlyReachableSystemsWithTotal) {
  CreateSystem("PBX-0001", "Alpha");
  CreateSystem("PBX-0002", "Beta");
  http::Response response =
      Call(Who::kMonitoring, Method::kGet, "/api/v1/systems?sort=name&order=desc");
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("total").as_int64(), 2);
  EXPECT_EQ(body.at("items").at(0).at("name").as_string(), "Beta");
  EXPECT_EQ(ListTotal(Who::kNoRole), 0);
  EXPECT_EQ(ListTotal(Who::kOtherCompany), 0);
}

TEST_F(SystemApi, ListFiltersAndPages) {
  CreateSystem("PBX-0001", "Alpha");
  CreateSystem("PBX-0002", "Beta");
  CreateSystem("PBX-0003", "Gamma");
  auto filtered = Body(Call(Who::kOwner, Method::kGet, "/api/v1/systems?q=0002"));
  EXPECT_EQ(filtered.at("total").as_int64(), 1);
  EXPECT_EQ(filtered.at("items").at(0).at("serial").as_string(), "PBX-0002");
  auto paged =
      Body(Call(Who::kOwner, Method::kGet, "/api/v1/systems?sort=serial&limit=1&offset=2"));
  EXPECT_EQ(paged.at("total").as_int64(), 3);
  ASSERT_EQ(paged.at("items").as_array().size(), 1u);
  EXPECT_EQ(paged.at("items").at(0).at("serial").as_string(), "PBX-0003");
}

TEST_F(SystemApi, ListRefusesAnUnknownSortKey) {
  http::Response response = Call(Who::kOwner, Method::kGet, "/api/v1/systems?sort=password");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_parameter");
}

TEST_F(SystemApi, RenameChangesTheNameAndRefusesBadBodies) {
  const int64_t id = CreateSystem("PBX-0001");
  http::Response renamed =
      Call(Who::kAdministrator, Method::kPatch, SystemPath(id), R"({"name":"  Branch  "})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(Body(renamed).at("name").as_string(), "Branch");
  EXPECT_EQ(ErrorCode(Call(Who::kOwner, Method::kPatch, SystemPath(id), R"({"serial":"X"})")),
            "missing_field");
  EXPECT_EQ(ErrorCode(Call(Who::kOwner, Method::kPatch, SystemPath(id),
                           R"({"name":"ok","serial":"PBX-9999"})")),
            "unknown_field");
  EXPECT_EQ(Body(Call(Who::kOwner, Method::kGet, SystemPath(id))).at("name").as_string(), "Branch");
}

TEST_F(SystemApi, DeleteRemovesTheSystem) {
  const int64_t id = CreateSystem("PBX-0001");
  EXPECT_EQ(Call(Who::kOwner, Method::kDelete, SystemPath(id)).status, 204);
  EXPECT_EQ(Call(Who::kOwner, Method::kGet, SystemPath(id)).status, 404);
  EXPECT_EQ(Call(Who::kOwner, Method::kDelete, SystemPath(id)).status, 404);
  EXPECT_EQ(ListTotal(Who::kOwner), 0);
}

TEST_F(SystemApi, RenewingReplacesTheCode) {
  const int64_t id = CreateSystem("PBX-0001");
  const std::string old_code(
      Body(Call(Who::kOwner, Method::kGet, SystemPath(id, "/token"))).at("code").as_string());
  env().Advance(std::chrono::hours(1));
  http::Response renewed = Call(Who::kOwner, Method::kPost, SystemPath(id, "/token"));
  ASSERT_EQ(renewed.status, 201) << renewed.body;
  auto body = Body(renewed);
  EXPECT_NE(body.at("code").as_string(), old_code);
  EXPECT_EQ(body.at("expires_at").as_string(), Rfc3339(env().now_ms + 24 * kHour));
  EXPECT_EQ(Body(Call(Who::kOwner, Method::kGet, SystemPath(id, "/token"))).at("code"),
            body.at("code"));
}

TEST_F(SystemApi, RenewingRefusesABody) {
  const int64_t id = CreateSystem("PBX-0001");
  http::Response response =
      Call(Who::kOwner, Method::kPost, SystemPath(id, "/token"), R"({"ttl":"1y"})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "unknown_field");
}

TEST_F(SystemApi, CancellingLeavesNoCodeAndAnErrorState) {
  const int64_t id = CreateSystem("PBX-0001");
  ASSERT_EQ(Call(Who::kOwner, Method::kDelete, SystemPath(id, "/token")).status, 204);
  http::Response token = Call(Who::kOwner, Method::kGet, SystemPath(id, "/token"));
  EXPECT_EQ(token.status, 404);
  EXPECT_EQ(ErrorCode(token), "no_code");
  EXPECT_EQ(ErrorCode(Call(Who::kOwner, Method::kDelete, SystemPath(id, "/token"))), "no_code");
  auto system = Body(Call(Who::kOwner, Method::kGet, SystemPath(id)));
  EXPECT_EQ(system.at("state").as_string(), "error");
  EXPECT_EQ(system.at("state_reasons"), boost::json::parse(R"(["no_code"])"));
  EXPECT_TRUE(system.at("confirmation_code").is_null());
}

TEST_F(SystemApi, AnExpiredCodeIsShownAsExpiredWithAnErrorState) {
  const int64_t id = CreateSystem("PBX-0001");
  env().Advance(std::chrono::hours(25));
  sessions_[Who::kOwner] = env().Login("owner@acme.example", kPassword);  // the old one idled out
  EXPECT_TRUE(
      Body(Call(Who::kOwner, Method::kGet, SystemPath(id, "/token"))).at("expired").as_bool());
  auto system = Body(Call(Who::kOwner, Method::kGet, SystemPath(id)));
  EXPECT_EQ(system.at("state").as_string(), "error");
  EXPECT_EQ(system.at("state_reasons"), boost::json::parse(R"(["code_expired"])"));
}

TEST_F(SystemApi, InformationShowsWhatTheAgentReported) {
  const int64_t id = CreateSystem("PBX-0001");
  Report("PBX-0001", R"({"serial":"PBX-0001","model":"COMtrexx Advanced","firmware":"2.6.6",)"
                     R"("agent_version":"0.1.0","hostname":"pbx-host"})");
  http::Response response = Call(Who::kMonitoring, Method::kGet, SystemPath(id, "/information"));
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("model").as_string(), "COMtrexx Advanced");
  EXPECT_EQ(body.at("serial").as_string(), "PBX-0001");
  EXPECT_EQ(body.at("firmware").as_string(), "2.6.6");
  EXPECT_EQ(body.at("agent_version").as_string(), "0.1.0");
  EXPECT_EQ(body.at("hostname").as_string(), "pbx-host");
  EXPECT_TRUE(body.at("online").as_bool());
  EXPECT_EQ(body.at("last_seen_at").as_string(), Rfc3339(env().now_ms));
  EXPECT_TRUE(body.at("first_registration_at").is_null());
}

TEST_F(SystemApi, InformationNamesTheMinimumFirmwareOnceTheOperatorSetOne) {
  const int64_t id = CreateSystem("PBX-0001");
  EXPECT_TRUE(Body(Call(Who::kOwner, Method::kGet, SystemPath(id, "/information")))
                  .at("minimum_firmware")
                  .is_null());
  ASSERT_TRUE(env().directory().SetMinimumFirmware("2.8.0", testing::OperatorActor()).ok());
  EXPECT_EQ(Body(Call(Who::kMonitoring, Method::kGet, SystemPath(id, "/information")))
                .at("minimum_firmware")
                .as_string(),
            "2.8.0");
}

TEST_F(SystemApi, InformationOfASilentSystemIsEmpty) {
  const int64_t id = CreateSystem("PBX-0001");
  auto body = Body(Call(Who::kOwner, Method::kGet, SystemPath(id, "/information")));
  EXPECT_EQ(body.at("model").as_string(), "");
  EXPECT_EQ(body.at("agent_version").as_string(), "");
  EXPECT_FALSE(body.at("online").as_bool());
  EXPECT_TRUE(body.at("last_seen_at").is_null());
}

TEST(IsValidSerial, AcceptsSixToThirtyTwoSafeCharacters) {
  EXPECT_TRUE(IsValidSerial("PBX001"));
  EXPECT_TRUE(IsValidSerial("a_b-C9"));
  EXPECT_TRUE(IsValidSerial(std::string(32, 'Z')));
  EXPECT_FALSE(IsValidSerial("PBX01"));
  EXPECT_FALSE(IsValidSerial(std::string(33, 'Z')));
  EXPECT_FALSE(IsValidSerial("PBX.001"));
  EXPECT_FALSE(IsValidSerial("PBX 001"));
  EXPECT_FALSE(IsValidSerial("PBX/001"));
}

}  // namespace
}  // namespace ccc::relay::api
