#include "relay/api/authorisation_handlers.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "relay/api/api_test_support.h"
#include "relay/directory/directory.h"
#include "relay/http/router.h"
#include "relay/policy/roles.h"

namespace ccc::relay::api {
namespace {

namespace json = boost::json;
using http::Method;
using policy::Role;
using policy::RoleSet;
using testing::ActorFor;
using testing::Body;
using testing::ErrorCode;
using testing::ExpectAnswer;
using testing::FirstItems;
using testing::Must;
using testing::OperatorActor;

// Everyone the tables ask about, relative to system `system` owned by `owner`.
enum class Who {
  kOwner,
  kAdministrator,
  kMonitoring,  // also the grantee of `monitoring_grant`
  kBackup,
  kCallData,
  kNoRole,
  kGroupAdministrator,  // member of a group holding the system, with role administrator
  kGroupNoRole,         // member of that group without a role (default none): no path
  kOtherCompany,
  kAnonymous,
};

const char* Name(Who who) {
  switch (who) {
    case Who::kOwner:
      return "owner";
    case Who::kAdministrator:
      return "administrator";
    case Who::kMonitoring:
      return "monitoring";
    case Who::kBackup:
      return "backup";
    case Who::kCallData:
      return "call_data";
    case Who::kNoRole:
      return "no role";
    case Who::kGroupAdministrator:
      return "group member with administrator";
    case Who::kGroupNoRole:
      return "group member without role";
    case Who::kOtherCompany:
      return "other company";
    case Who::kAnonymous:
      return "anonymous";
  }
  return "?";
}

// One system of Acme and one person for every row of the tables.
struct Scene : testing::ApiTestEnv {
  Scene() {
    AddAuthorisationRoutes(router(), services());
    acme = CreateCompany("Acme");
    other = CreateCompany("Other");
    owner = CreateUserWithToken(acme, "owner");
    administrator = CreateUserWithToken(acme, "admin");
    monitoring = CreateUserWithToken(acme, "monitoring");
    backup = CreateUserWithToken(acme, "backup");
    call_data = CreateUserWithToken(acme, "calldata");
    no_role = CreateUserWithToken(acme, "norole");
    group_administrator = CreateUserWithToken(acme, "gadmin");
    group_no_role = CreateUserWithToken(acme, "gnorole");
    target = CreateUserWithToken(acme, "target");
    outsider = CreateUserWithToken(other, "outsider");
    system = CreateSystem(acme, owner, "SERIAL-A");
    Grant(administrator, system, {Role::kAdministrator}, owner);
    monitoring_grant = Grant(monitoring, system, {Role::kMonitoring}, owner);
    Grant(backup, system, {Role::kBackup}, owner);
    Grant(call_data, system, {Role::kCallData}, owner);
    const directory::Actor by_owner = ActorFor(owner, acme, "owner");
    const int64_t group = Must(
        directory().CreateGroup(acme, owner, "Fleet", "", std::nullopt, false, now_ms, by_owner));
    Must(directory().SetGroupMember(group, group_administrator, Role::kAdministrator, now_ms,
                                    by_owner));
    Must(directory().SetGroupMember(group, group_no_role, std::nullopt, now_ms, by_owner));
    Must(directory().AddGroupSystem(group, system, owner, now_ms, by_owner));
  }

  std::optional<int64_t> User(Who who) const {
    switch (who) {
      case Who::kOwner:
        return owner;
      case Who::kAdministrator:
        return administrator;
      case Who::kMonitoring:
        return monitoring;
      case Who::kBackup:
        return backup;
      case Who::kCallData:
        return call_data;
      case Who::kNoRole:
        return no_role;
      case Who::kGroupAdministrator:
        return group_administrator;
      case Who::kGroupNoRole:
        return group_no_role;
      case Who::kOtherCompany:
        return outsider;
      case Who::kAnonymous:
        return std::nullopt;
    }
    return std::nullopt;
  }

  std::string GrantBody(int64_t user, const std::string& roles = R"(["monitoring"])") const {
    return R"({"user_id":)" + std::to_string(user) + R"(,"system_id":)" + std::to_string(system) +
           R"(,"roles":)" + roles + "}";
  }

  std::string GrantPath() const {
    return "/api/v1/authorisations/" + std::to_string(monitoring_grant);
  }

  int64_t acme = 0, other = 0;
  int64_t owner = 0, administrator = 0, monitoring = 0, backup = 0, call_data = 0, no_role = 0,
          group_administrator = 0, group_no_role = 0, target = 0, outsider = 0;
  int64_t system = 0;
  int64_t monitoring_grant = 0;
};

// What a caller gets: the status, and the error code ("" = no error body to check).
struct Answer {
  int status;
  std::string code;
};

// One call checked for every person of the scene: the managers of the system (owner,
// administrator, group member with administrator) get `allowed`; monitoring, backup and
// call data 403 forbidden; who has no path to the system 404 not_found; anonymous 401.
struct ManageCase {
  std::string name;  // what is checked, as a sentence in CamelCase
  Method method;
  std::string (*target)(const Scene&);
  std::string (*body)(const Scene&);
  int allowed;
};

std::string NoBody(const Scene&) { return ""; }

// Test output names the case, not its bytes.
void PrintTo(const ManageCase& c, std::ostream* out) { *out << c.name; }

class AuthorisationManagement : public ::testing::TestWithParam<ManageCase> {};

TEST_P(AuthorisationManagement, IsAllowedExactlyToTheSystemsManagers) {
  const ManageCase& c = GetParam();
  const std::vector<std::pair<Who, Answer>> rows = {
      {Who::kOwner, {c.allowed, ""}},
      {Who::kAdministrator, {c.allowed, ""}},
      {Who::kMonitoring, {403, "forbidden"}},
      {Who::kBackup, {403, "forbidden"}},
      {Who::kCallData, {403, "forbidden"}},
      {Who::kNoRole, {404, "not_found"}},
      {Who::kGroupAdministrator, {c.allowed, ""}},
      {Who::kGroupNoRole, {404, "not_found"}},
      {Who::kOtherCompany, {404, "not_found"}},
      {Who::kAnonymous, {401, "not_authenticated"}},
  };
  for (const auto& [who, answer] : rows) {
    SCOPED_TRACE(Name(who));
    Scene s;
    ExpectAnswer(s.CallAs(s.User(who), c.method, c.target(s), c.body(s)), answer.status,
                 answer.code);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AuthorisationHandlers, AuthorisationManagement,
    ::testing::Values(
        ManageCase{"GrantIsAllowedExactlyToOwnersAndAdministratorsOfTheSystem", Method::kPost,
                   [](const Scene&) { return std::string("/api/v1/authorisations"); },
                   [](const Scene& s) { return s.GrantBody(s.target); }, 201},
        ManageCase{"ReadingOneIsAllowedToTheGranterAndTheSystemsManagers", Method::kGet,
                   [](const Scene& s) { return s.GrantPath(); }, NoBody, 200},
        ManageCase{"ChangingRolesIsAllowedToTheSystemsManagers", Method::kPatch,
                   [](const Scene& s) { return s.GrantPath(); },
                   [](const Scene&) { return std::string(R"({"roles":["backup"]})"); }, 200},
        ManageCase{"RevokingIsAllowedToTheGranterAndTheSystemsManagers", Method::kDelete,
                   [](const Scene& s) { return s.GrantPath(); }, NoBody, 204}),
    [](const ::testing::TestParamInfo<ManageCase>& param) { return param.param.name; });

TEST(AuthorisationHandlers, GrantAnswersTheAuthorisationAndGivesTheRolesOnTheSystem) {
  Scene s;
  auto response = s.CallAs(s.administrator, Method::kPost, "/api/v1/authorisations",
                           s.GrantBody(s.target, R"(["call_data","monitoring"])"));
  ASSERT_EQ(response.status, 201) << response.body;
  auto body = Body(response);
  EXPECT_GT(body.at("id").as_int64(), 0);
  EXPECT_EQ(body.at("user").at("id").as_int64(), s.target);
  EXPECT_EQ(body.at("user").at("email").as_string(), "target@example.com");
  EXPECT_EQ(body.at("system").at("id").as_int64(), s.system);
  EXPECT_EQ(body.at("system").at("serial").as_string(), "SERIAL-A");
  EXPECT_EQ(body.at("system").at("name").as_string(), "PBX SERIAL-A");
  EXPECT_EQ(json::serialize(body.at("roles")), R"(["monitoring","call_data"])");
  EXPECT_EQ(body.at("created_at").as_string(), Rfc3339(s.now_ms));
  EXPECT_EQ(body.at("updated_at").as_string(), Rfc3339(s.now_ms));

  auto seen = Must(s.directory().GetVisibleSystem(s.target, s.acme, s.system));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->roles, (RoleSet{Role::kMonitoring, Role::kCallData}));
}

TEST(AuthorisationHandlers, GrantRecordsTheCallerAsGranter) {
  Scene s;
  auto response =
      s.CallAs(s.administrator, Method::kPost, "/api/v1/authorisations", s.GrantBody(s.target));
  ASSERT_EQ(response.status, 201) << response.body;
  auto stored = Must(s.directory().GetAuthorisation(Body(response).at("id").as_int64()));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->granted_by, s.administrator);
}

TEST(AuthorisationHandlers, GrantRefusesTheOwnerRole) {
  Scene s;
  auto response = s.CallAs(s.owner, Method::kPost, "/api/v1/authorisations",
                           s.GrantBody(s.target, R"(["owner"])"));
  ExpectAnswer(response, 400, "invalid_field");
}

TEST(AuthorisationHandlers, GrantRefusesEmptyDuplicateAndUnknownRoles) {
  for (const std::string roles :
       {R"([])", R"(["backup","backup"])", R"(["root"])", R"("backup")"}) {
    SCOPED_TRACE(roles);
    Scene s;
    auto response =
        s.CallAs(s.owner, Method::kPost, "/api/v1/authorisations", s.GrantBody(s.target, roles));
    ExpectAnswer(response, 400, "invalid_field");
  }
}

TEST(AuthorisationHandlers, GrantRefusesMissingAndUnknownFields) {
  Scene s;
  auto missing = s.CallAs(s.owner, Method::kPost, "/api/v1/authorisations",
                          R"({"user_id":)" + std::to_string(s.target) + R"(,"roles":["backup"]})");
  ExpectAnswer(missing, 400, "missing_field");
  auto unknown = s.CallAs(s.owner, Method::kPost, "/api/v1/authorisations",
                          R"({"user_id":)" + std::to_string(s.target) + R"(,"system_id":)" +
                              std::to_string(s.system) + R"(,"roles":["backup"],"admin":true})");
  ExpectAnswer(unknown, 400, "unknown_field");
}

TEST(AuthorisationHandlers, GrantToAUserOfAnotherCompanyIsNotFound) {
  Scene s;
  auto response =
      s.CallAs(s.owner, Method::kPost, "/api/v1/authorisations", s.GrantBody(s.outsider));
  ExpectAnswer(response, 404, "not_found");
  EXPECT_NE(response.body.find("user"), std::string::npos);
}

TEST(AuthorisationHandlers, GrantToAMissingUserIsNotFound) {
  Scene s;
  auto response = s.CallAs(s.owner, Method::kPost, "/api/v1/authorisations", s.GrantBody(999999));
  ExpectAnswer(response, 404, "not_found");
}

TEST(AuthorisationHandlers, GrantOnAMissingSystemIsNotFound) {
  Scene s;
  auto response = s.CallAs(
      s.owner, Method::kPost, "/api/v1/authorisations",
      R"({"user_id":)" + std::to_string(s.target) + R"(,"system_id":999999,"roles":["backup"]})");
  ExpectAnswer(response, 404, "not_found");
}

TEST(AuthorisationHandlers, GrantingTwiceToTheSameUserIsAConflictAndKeepsTheRoles) {
  Scene s;
  auto response = s.CallAs(s.owner, Method::kPost, "/api/v1/authorisations",
                           s.GrantBody(s.monitoring, R"(["administrator"])"));
  ExpectAnswer(response, 409, "conflict");
  auto stored = Must(s.directory().GetAuthorisation(s.monitoring_grant));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->roles, RoleSet{Role::kMonitoring});
}

TEST(AuthorisationHandlers, GrantingToTheSystemsOwnerIsAlreadyOwner) {
  Scene s;
  auto response =
      s.CallAs(s.administrator, Method::kPost, "/api/v1/authorisations", s.GrantBody(s.owner));
  ExpectAnswer(response, 409, "already_owner");
}

TEST(AuthorisationHandlers, ListShowsOnlyWhatTheCallerGranted) {
  Scene s;
  ASSERT_EQ(
      s.CallAs(s.administrator, Method::kPost, "/api/v1/authorisations", s.GrantBody(s.target))
          .status,
      201);
  auto mine = Body(s.CallAs(s.administrator, Method::kGet, "/api/v1/authorisations"));
  EXPECT_EQ(mine.at("total").as_int64(), 1);
  ASSERT_EQ(mine.at("items").as_array().size(), 1u);
  EXPECT_EQ(mine.at("items").at(0).at("user").at("id").as_int64(), s.target);

  auto owners = Body(s.CallAs(s.owner, Method::kGet, "/api/v1/authorisations?sort=created"));
  EXPECT_EQ(owners.at("total").as_int64(), 4);

  auto none = Body(s.CallAs(s.monitoring, Method::kGet, "/api/v1/authorisations"));
  EXPECT_EQ(none.at("total").as_int64(), 0);
  EXPECT_TRUE(none.at("items").as_array().empty());
}

TEST(AuthorisationHandlers, ListFiltersByUserEmailAndPages) {
  Scene s;
  auto filtered = Body(s.CallAs(s.owner, Method::kGet, "/api/v1/authorisations?q=backup&limit=10"));
  EXPECT_EQ(filtered.at("total").as_int64(), 1);
  auto paged = Body(s.CallAs(s.owner, Method::kGet, "/api/v1/authorisations?limit=1&offset=1"));
  EXPECT_EQ(paged.at("total").as_int64(), 4);
  EXPECT_EQ(paged.at("items").as_array().size(), 1u);
}

TEST(AuthorisationHandlers, ListRefusesAnUnknownSortKey) {
  Scene s;
  auto response = s.CallAs(s.owner, Method::kGet, "/api/v1/authorisations?sort=roles");
  ExpectAnswer(response, 400, "invalid_parameter");
}

TEST(AuthorisationHandlers, ListNeedsALogin) {
  Scene s;
  EXPECT_EQ(s.CallAs(std::nullopt, Method::kGet, "/api/v1/authorisations").status, 401);
}

TEST(AuthorisationHandlers, PatchReplacesTheRoles) {
  Scene s;
  auto response = s.CallAs(s.administrator, Method::kPatch, s.GrantPath(),
                           R"({"roles":["backup","administrator"]})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json::serialize(Body(response).at("roles")), R"(["administrator","backup"])");
  auto seen = Must(s.directory().GetVisibleSystem(s.monitoring, s.acme, s.system));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->roles, (RoleSet{Role::kAdministrator, Role::kBackup}));
}

TEST(AuthorisationHandlers, PatchRefusesTheOwnerRoleAndEmptyRoles) {
  for (const std::string body : {R"({"roles":["owner"]})", R"({"roles":[]})"}) {
    SCOPED_TRACE(body);
    Scene s;
    auto response = s.CallAs(s.owner, Method::kPatch, s.GrantPath(), body);
    ExpectAnswer(response, 400, "invalid_field");
  }
}

TEST(AuthorisationHandlers, RevokeRemovesThePathToTheSystem) {
  Scene s;
  ASSERT_EQ(s.CallAs(s.owner, Method::kDelete, s.GrantPath()).status, 204);
  EXPECT_FALSE(Must(s.directory().GetVisibleSystem(s.monitoring, s.acme, s.system)));
  EXPECT_FALSE(Must(s.directory().GetAuthorisation(s.monitoring_grant)));
  EXPECT_EQ(s.CallAs(s.owner, Method::kGet, s.GrantPath()).status, 404);
}

TEST(AuthorisationHandlers, UnknownAndMalformedIdsAreNotFound) {
  Scene s;
  for (const char* path : {"/api/v1/authorisations/999999", "/api/v1/authorisations/abc",
                           "/api/v1/authorisations/0", "/api/v1/authorisations/-1"}) {
    SCOPED_TRACE(path);
    auto response = s.CallAs(s.owner, Method::kGet, path);
    ExpectAnswer(response, 404, "not_found");
  }
}

// A granter whose own administrator role was revoked later.
struct FormerAdministrator : Scene {
  FormerAdministrator() {
    grant = Grant(target, system, {Role::kMonitoring}, administrator);
    const auto list = Must(directory().ListAuthorisationsGrantedBy(owner, FirstItems(100)));
    for (const auto& a : list.items) {
      if (a.user_id == administrator) {
        Must(directory().DeleteAuthorisation(a.id, OperatorActor()));
      }
    }
  }
  std::string Path() const { return "/api/v1/authorisations/" + std::to_string(grant); }
  int64_t grant = 0;
};

TEST(AuthorisationHandlers, AFormerAdministratorStillReadsWhatTheyGranted) {
  FormerAdministrator s;
  EXPECT_EQ(s.CallAs(s.administrator, Method::kGet, s.Path()).status, 200);
  auto list = Body(s.CallAs(s.administrator, Method::kGet, "/api/v1/authorisations"));
  EXPECT_EQ(list.at("total").as_int64(), 1);
}

TEST(AuthorisationHandlers, AFormerAdministratorCannotChangeRolesTheyGranted) {
  FormerAdministrator s;
  auto response =
      s.CallAs(s.administrator, Method::kPatch, s.Path(), R"({"roles":["administrator"]})");
  ExpectAnswer(response, 403, "forbidden");
  auto stored = Must(s.directory().GetAuthorisation(s.grant));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->roles, RoleSet{Role::kMonitoring});
}

TEST(AuthorisationHandlers, AFormerAdministratorMayStillRevokeWhatTheyGranted) {
  FormerAdministrator s;
  EXPECT_EQ(s.CallAs(s.administrator, Method::kDelete, s.Path()).status, 204);
  EXPECT_FALSE(Must(s.directory().GetAuthorisation(s.grant)));
}

TEST(AuthorisationHandlers, ChangesAreWrittenToTheAuditLog) {
  Scene s;
  const auto before = Must(s.directory().ListAudit(s.acme, FirstItems(1000))).total;
  ASSERT_EQ(
      s.CallAs(s.owner, Method::kPost, "/api/v1/authorisations", s.GrantBody(s.target)).status,
      201);
  ASSERT_EQ(s.CallAs(s.owner, Method::kPatch, s.GrantPath(), R"({"roles":["backup"]})").status,
            200);
  ASSERT_EQ(s.CallAs(s.owner, Method::kDelete, s.GrantPath()).status, 204);
  const auto after = Must(s.directory().ListAudit(s.acme, FirstItems(1000)));
  EXPECT_EQ(after.total, before + 3);
  bool by_owner = false;
  for (const auto& entry : after.items) {
    if (entry.actor_user_id == s.owner) by_owner = true;
  }
  EXPECT_TRUE(by_owner);
}

}  // namespace
}  // namespace ccc::relay::api
