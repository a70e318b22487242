#include "relay/api/authorisation_handlers.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "relay/auth/secret_tokens.h"
#include "relay/directory/directory.h"
#include "relay/http/router.h"
#include "relay/policy/access_policy.h"
#include "relay/policy/roles.h"

namespace ccc::relay::api {
namespace {

namespace json = boost::json;
using directory::Directory;
using policy::Role;
using policy::RoleSet;

constexpr int64_t kNow = 1'790'000'000'000;
constexpr int64_t kDay = 24LL * 3600 * 1000;

template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) throw std::runtime_error(result.status().ToString());
  return std::move(result).value();
}

void Must(const Status& status) {
  if (!status.ok()) throw std::runtime_error(status.ToString());
}

directory::Actor ActorFor(std::optional<int64_t> user, std::optional<int64_t> company,
                          const std::string& label) {
  directory::Actor actor;
  actor.user_id = user;
  actor.company_id = company;
  actor.label = label;
  return actor;
}

directory::ListQuery FirstItems(int64_t limit) {
  directory::ListQuery query;
  query.limit = limit;
  return query;
}

// A fresh directory under the system temp folder, removed with everything in it.
struct TempDir {
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ccc-authorisations-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path;
};

// A real directory in a temporary folder, the authorisation routes on a real router, and
// users who call them with API tokens (Bearer: no CSRF needed).
class World {
 public:
  World() {
    directory_ = Must(Directory::Open({.path = dir_.path + "/directory.db",
                                       .ingest_path = dir_.path + "/relay.db",
                                       .synchronous_full = false}));
    services_.directory = directory_.get();
    services_.now_ms = [] { return kNow; };
    services_.server_version = "test";
    AddAuthorisationRoutes(router_, services_);
    acme_ = Must(directory_->CreateCompany("Acme", kNow, operator_));
    other_ = Must(directory_->CreateCompany("Other", kNow, operator_));
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Directory& directory() { return *directory_; }
  int64_t acme() const { return acme_; }
  int64_t other() const { return other_; }

  int64_t AddUser(const std::string& local, int64_t company) {
    directory::NewUser user;
    user.company_id = company;
    user.email = local + "@example.com";
    user.name = local;
    const int64_t id = Must(directory_->CreateUser(user, kNow, operator_));
    const std::string token = auth::NewSecretToken();
    Must(directory_->CreateApiToken(id, "test", auth::TokenDigest(token), std::nullopt, kNow,
                                    operator_));
    tokens_[id] = token;
    return id;
  }

  int64_t AddSystem(int64_t owner, const std::string& serial) {
    const directory::PairingCode code{
        .code = auth::NewConfirmationCode(), .created_ms = kNow, .expires_ms = kNow + kDay};
    return Must(
        directory_->CreateSystem(acme_, owner, "PBX " + serial, serial, code, kNow, operator_));
  }

  int64_t Grant(int64_t user, int64_t system, RoleSet roles, int64_t by) {
    return Must(directory_->UpsertAuthorisation(user, system, roles, by, kNow, operator_));
  }

  // user nullopt: anonymous.
  http::Response Call(std::optional<int64_t> user, http::Method method, const std::string& target,
                      const std::string& body = "") {
    http::Request request;
    request.method = method;
    request.target = target;
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = target.substr(question + 1);
    if (user) request.headers.emplace_back("authorization", "Bearer " + tokens_.at(*user));
    if (!body.empty()) request.headers.emplace_back("content-type", "application/json");
    request.body = body;
    request.remote_address = "192.0.2.7";
    return router_.Dispatch(request);
  }

 private:
  TempDir dir_;  // first member: removed last, even when the constructor throws
  directory::Actor operator_ = ActorFor(std::nullopt, std::nullopt, "operator");
  std::unique_ptr<Directory> directory_;
  ApiServices services_;
  http::Router router_;
  int64_t acme_ = 0;
  int64_t other_ = 0;
  std::map<int64_t, std::string> tokens_;
};

std::string ErrorCode(const http::Response& response) {
  auto value = json::parse(response.body);
  return std::string(value.at("error").at("code").as_string());
}

json::object Body(const http::Response& response) { return json::parse(response.body).as_object(); }

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
struct Scene : World {
  Scene() {
    owner = AddUser("owner", acme());
    administrator = AddUser("admin", acme());
    monitoring = AddUser("monitoring", acme());
    backup = AddUser("backup", acme());
    call_data = AddUser("calldata", acme());
    no_role = AddUser("norole", acme());
    group_administrator = AddUser("gadmin", acme());
    group_no_role = AddUser("gnorole", acme());
    target = AddUser("target", acme());
    outsider = AddUser("outsider", other());
    system = AddSystem(owner, "SERIAL-A");
    Grant(administrator, system, {Role::kAdministrator}, owner);
    monitoring_grant = Grant(monitoring, system, {Role::kMonitoring}, owner);
    Grant(backup, system, {Role::kBackup}, owner);
    Grant(call_data, system, {Role::kCallData}, owner);
    const directory::Actor by_owner = ActorFor(owner, acme(), "owner");
    const int64_t group = Must(
        directory().CreateGroup(acme(), owner, "Fleet", "", std::nullopt, false, kNow, by_owner));
    Must(directory().SetGroupMember(group, group_administrator, Role::kAdministrator, kNow,
                                    by_owner));
    Must(directory().SetGroupMember(group, group_no_role, std::nullopt, kNow, by_owner));
    Must(directory().AddGroupSystem(group, system, owner, kNow, by_owner));
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

  int64_t owner = 0, administrator = 0, monitoring = 0, backup = 0, call_data = 0, no_role = 0,
          group_administrator = 0, group_no_role = 0, target = 0, outsider = 0;
  int64_t system = 0;
  int64_t monitoring_grant = 0;
};

struct Row {
  Who who;
  int status;
  std::string code;  // "" = no error body to check
};

// status for people who may manage the authorisation, 403/404 for the rest.
std::vector<Row> ManageTable(int allowed_status) {
  return {
      {Who::kOwner, allowed_status, ""},
      {Who::kAdministrator, allowed_status, ""},
      {Who::kMonitoring, 403, "forbidden"},
      {Who::kBackup, 403, "forbidden"},
      {Who::kCallData, 403, "forbidden"},
      {Who::kNoRole, 404, "not_found"},
      {Who::kGroupAdministrator, allowed_status, ""},
      {Who::kGroupNoRole, 404, "not_found"},
      {Who::kOtherCompany, 404, "not_found"},
      {Who::kAnonymous, 401, "not_authenticated"},
  };
}

// Runs `call` for every row on a fresh scene and checks status and error code.
template <typename Call>
void ExpectTable(const std::vector<Row>& rows, Call call) {
  for (const Row& row : rows) {
    SCOPED_TRACE(Name(row.who));
    Scene scene;
    http::Response response = call(scene, scene.User(row.who));
    EXPECT_EQ(response.status, row.status) << response.body;
    if (!row.code.empty() && response.status == row.status) {
      EXPECT_EQ(ErrorCode(response), row.code);
    }
  }
}

TEST(AuthorisationHandlers, GrantIsAllowedExactlyToOwnersAndAdministratorsOfTheSystem) {
  ExpectTable(ManageTable(201), [](Scene& s, std::optional<int64_t> user) {
    return s.Call(user, http::Method::kPost, "/api/v1/authorisations", s.GrantBody(s.target));
  });
}

TEST(AuthorisationHandlers, ReadingOneIsAllowedToTheGranterAndTheSystemsManagers) {
  ExpectTable(ManageTable(200), [](Scene& s, std::optional<int64_t> user) {
    return s.Call(user, http::Method::kGet, s.GrantPath());
  });
}

TEST(AuthorisationHandlers, ChangingRolesIsAllowedToTheSystemsManagers) {
  ExpectTable(ManageTable(200), [](Scene& s, std::optional<int64_t> user) {
    return s.Call(user, http::Method::kPatch, s.GrantPath(), R"({"roles":["backup"]})");
  });
}

TEST(AuthorisationHandlers, RevokingIsAllowedToTheGranterAndTheSystemsManagers) {
  ExpectTable(ManageTable(204), [](Scene& s, std::optional<int64_t> user) {
    return s.Call(user, http::Method::kDelete, s.GrantPath());
  });
}

TEST(AuthorisationHandlers, GrantAnswersTheAuthorisationAndGivesTheRolesOnTheSystem) {
  Scene s;
  auto response = s.Call(s.administrator, http::Method::kPost, "/api/v1/authorisations",
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
  EXPECT_EQ(body.at("created_at").as_string(), Rfc3339(kNow));
  EXPECT_EQ(body.at("updated_at").as_string(), Rfc3339(kNow));

  auto seen = Must(s.directory().GetVisibleSystem(s.target, s.acme(), s.system));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->roles, (RoleSet{Role::kMonitoring, Role::kCallData}));
}

TEST(AuthorisationHandlers, GrantRecordsTheCallerAsGranter) {
  Scene s;
  auto response =
      s.Call(s.administrator, http::Method::kPost, "/api/v1/authorisations", s.GrantBody(s.target));
  ASSERT_EQ(response.status, 201) << response.body;
  auto stored = Must(s.directory().GetAuthorisation(Body(response).at("id").as_int64()));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->granted_by, s.administrator);
}

TEST(AuthorisationHandlers, GrantRefusesTheOwnerRole) {
  Scene s;
  auto response = s.Call(s.owner, http::Method::kPost, "/api/v1/authorisations",
                         s.GrantBody(s.target, R"(["owner"])"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_field");
}

TEST(AuthorisationHandlers, GrantRefusesEmptyDuplicateAndUnknownRoles) {
  for (const std::string roles :
       {R"([])", R"(["backup","backup"])", R"(["root"])", R"("backup")"}) {
    SCOPED_TRACE(roles);
    Scene s;
    auto response = s.Call(s.owner, http::Method::kPost, "/api/v1/authorisations",
                           s.GrantBody(s.target, roles));
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(ErrorCode(response), "invalid_field");
  }
}

TEST(AuthorisationHandlers, GrantRefusesMissingAndUnknownFields) {
  Scene s;
  auto missing = s.Call(s.owner, http::Method::kPost, "/api/v1/authorisations",
                        R"({"user_id":)" + std::to_string(s.target) + R"(,"roles":["backup"]})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(ErrorCode(missing), "missing_field");
  auto unknown = s.Call(s.owner, http::Method::kPost, "/api/v1/authorisations",
                        R"({"user_id":)" + std::to_string(s.target) + R"(,"system_id":)" +
                            std::to_string(s.system) + R"(,"roles":["backup"],"admin":true})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(ErrorCode(unknown), "unknown_field");
}

TEST(AuthorisationHandlers, GrantToAUserOfAnotherCompanyIsNotFound) {
  Scene s;
  auto response =
      s.Call(s.owner, http::Method::kPost, "/api/v1/authorisations", s.GrantBody(s.outsider));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
  EXPECT_NE(response.body.find("user"), std::string::npos);
}

TEST(AuthorisationHandlers, GrantToAMissingUserIsNotFound) {
  Scene s;
  auto response =
      s.Call(s.owner, http::Method::kPost, "/api/v1/authorisations", s.GrantBody(999999));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
}

TEST(AuthorisationHandlers, GrantOnAMissingSystemIsNotFound) {
  Scene s;
  auto response = s.Call(
      s.owner, http::Method::kPost, "/api/v1/authorisations",
      R"({"user_id":)" + std::to_string(s.target) + R"(,"system_id":999999,"roles":["backup"]})");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
}

TEST(AuthorisationHandlers, GrantingTwiceToTheSameUserIsAConflictAndKeepsTheRoles) {
  Scene s;
  auto response = s.Call(s.owner, http::Method::kPost, "/api/v1/authorisations",
                         s.GrantBody(s.monitoring, R"(["administrator"])"));
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(ErrorCode(response), "conflict");
  auto stored = Must(s.directory().GetAuthorisation(s.monitoring_grant));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->roles, RoleSet{Role::kMonitoring});
}

TEST(AuthorisationHandlers, GrantingToTheSystemsOwnerIsAlreadyOwner) {
  Scene s;
  auto response =
      s.Call(s.administrator, http::Method::kPost, "/api/v1/authorisations", s.GrantBody(s.owner));
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(ErrorCode(response), "already_owner");
}

TEST(AuthorisationHandlers, ListShowsOnlyWhatTheCallerGranted) {
  Scene s;
  ASSERT_EQ(
      s.Call(s.administrator, http::Method::kPost, "/api/v1/authorisations", s.GrantBody(s.target))
          .status,
      201);
  auto mine = Body(s.Call(s.administrator, http::Method::kGet, "/api/v1/authorisations"));
  EXPECT_EQ(mine.at("total").as_int64(), 1);
  ASSERT_EQ(mine.at("items").as_array().size(), 1u);
  EXPECT_EQ(mine.at("items").at(0).at("user").at("id").as_int64(), s.target);

  auto owners = Body(s.Call(s.owner, http::Method::kGet, "/api/v1/authorisations?sort=created"));
  EXPECT_EQ(owners.at("total").as_int64(), 4);

  auto none = Body(s.Call(s.monitoring, http::Method::kGet, "/api/v1/authorisations"));
  EXPECT_EQ(none.at("total").as_int64(), 0);
  EXPECT_TRUE(none.at("items").as_array().empty());
}

TEST(AuthorisationHandlers, ListFiltersByUserEmailAndPages) {
  Scene s;
  auto filtered =
      Body(s.Call(s.owner, http::Method::kGet, "/api/v1/authorisations?q=backup&limit=10"));
  EXPECT_EQ(filtered.at("total").as_int64(), 1);
  auto paged = Body(s.Call(s.owner, http::Method::kGet, "/api/v1/authorisations?limit=1&offset=1"));
  EXPECT_EQ(paged.at("total").as_int64(), 4);
  EXPECT_EQ(paged.at("items").as_array().size(), 1u);
}

TEST(AuthorisationHandlers, ListRefusesAnUnknownSortKey) {
  Scene s;
  auto response = s.Call(s.owner, http::Method::kGet, "/api/v1/authorisations?sort=roles");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "invalid_parameter");
}

TEST(AuthorisationHandlers, ListNeedsALogin) {
  Scene s;
  EXPECT_EQ(s.Call(std::nullopt, http::Method::kGet, "/api/v1/authorisations").status, 401);
}

TEST(AuthorisationHandlers, PatchReplacesTheRoles) {
  Scene s;
  auto response = s.Call(s.administrator, http::Method::kPatch, s.GrantPath(),
                         R"({"roles":["backup","administrator"]})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json::serialize(Body(response).at("roles")), R"(["administrator","backup"])");
  auto seen = Must(s.directory().GetVisibleSystem(s.monitoring, s.acme(), s.system));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->roles, (RoleSet{Role::kAdministrator, Role::kBackup}));
}

TEST(AuthorisationHandlers, PatchRefusesTheOwnerRoleAndEmptyRoles) {
  for (const std::string body : {R"({"roles":["owner"]})", R"({"roles":[]})"}) {
    SCOPED_TRACE(body);
    Scene s;
    auto response = s.Call(s.owner, http::Method::kPatch, s.GrantPath(), body);
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(ErrorCode(response), "invalid_field");
  }
}

TEST(AuthorisationHandlers, RevokeRemovesThePathToTheSystem) {
  Scene s;
  ASSERT_EQ(s.Call(s.owner, http::Method::kDelete, s.GrantPath()).status, 204);
  EXPECT_FALSE(Must(s.directory().GetVisibleSystem(s.monitoring, s.acme(), s.system)));
  EXPECT_FALSE(Must(s.directory().GetAuthorisation(s.monitoring_grant)));
  EXPECT_EQ(s.Call(s.owner, http::Method::kGet, s.GrantPath()).status, 404);
}

TEST(AuthorisationHandlers, UnknownAndMalformedIdsAreNotFound) {
  Scene s;
  for (const char* path : {"/api/v1/authorisations/999999", "/api/v1/authorisations/abc",
                           "/api/v1/authorisations/0", "/api/v1/authorisations/-1"}) {
    SCOPED_TRACE(path);
    auto response = s.Call(s.owner, http::Method::kGet, path);
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(ErrorCode(response), "not_found");
  }
}

// A granter whose own administrator role was revoked later.
struct FormerAdministrator : Scene {
  FormerAdministrator() {
    grant = Grant(target, system, {Role::kMonitoring}, administrator);
    const auto list = Must(directory().ListAuthorisationsGrantedBy(owner, FirstItems(100)));
    for (const auto& a : list.items) {
      if (a.user_id == administrator) {
        Must(directory().DeleteAuthorisation(a.id,
                                             ActorFor(std::nullopt, std::nullopt, "operator")));
      }
    }
  }
  std::string Path() const { return "/api/v1/authorisations/" + std::to_string(grant); }
  int64_t grant = 0;
};

TEST(AuthorisationHandlers, AFormerAdministratorStillReadsWhatTheyGranted) {
  FormerAdministrator s;
  EXPECT_EQ(s.Call(s.administrator, http::Method::kGet, s.Path()).status, 200);
  auto list = Body(s.Call(s.administrator, http::Method::kGet, "/api/v1/authorisations"));
  EXPECT_EQ(list.at("total").as_int64(), 1);
}

TEST(AuthorisationHandlers, AFormerAdministratorCannotChangeRolesTheyGranted) {
  FormerAdministrator s;
  auto response =
      s.Call(s.administrator, http::Method::kPatch, s.Path(), R"({"roles":["administrator"]})");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "forbidden");
  auto stored = Must(s.directory().GetAuthorisation(s.grant));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->roles, RoleSet{Role::kMonitoring});
}

TEST(AuthorisationHandlers, AFormerAdministratorMayStillRevokeWhatTheyGranted) {
  FormerAdministrator s;
  EXPECT_EQ(s.Call(s.administrator, http::Method::kDelete, s.Path()).status, 204);
  EXPECT_FALSE(Must(s.directory().GetAuthorisation(s.grant)));
}

TEST(AuthorisationHandlers, ChangesAreWrittenToTheAuditLog) {
  Scene s;
  const auto before = Must(s.directory().ListAudit(s.acme(), FirstItems(1000))).total;
  ASSERT_EQ(
      s.Call(s.owner, http::Method::kPost, "/api/v1/authorisations", s.GrantBody(s.target)).status,
      201);
  ASSERT_EQ(s.Call(s.owner, http::Method::kPatch, s.GrantPath(), R"({"roles":["backup"]})").status,
            200);
  ASSERT_EQ(s.Call(s.owner, http::Method::kDelete, s.GrantPath()).status, 204);
  const auto after = Must(s.directory().ListAudit(s.acme(), FirstItems(1000)));
  EXPECT_EQ(after.total, before + 3);
  bool by_owner = false;
  for (const auto& entry : after.items) {
    if (entry.actor_user_id == s.owner) by_owner = true;
  }
  EXPECT_TRUE(by_owner);
}

}  // namespace
}  // namespace ccc::relay::api
