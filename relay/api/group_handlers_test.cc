#include "relay/api/group_handlers.h"

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
using http::Method;
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
    std::string pattern = (std::filesystem::temp_directory_path() / "ccc-groups-XXXXXX").string();
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

// A real directory in a temporary folder, the group routes on a real router, and users who
// call them with API tokens (Bearer) or a browser session (cookie + CSRF header).
class World {
 public:
  World() {
    directory_ = Must(Directory::Open({.path = dir_.path + "/directory.db",
                                       .ingest_path = dir_.path + "/relay.db",
                                       .synchronous_full = false}));
    services_.directory = directory_.get();
    services_.now_ms = [] { return kNow; };
    services_.server_version = "test";
    AddGroupRoutes(router_, services_);
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

  void Grant(int64_t user, int64_t system, RoleSet roles, int64_t by) {
    Must(directory_->UpsertAuthorisation(user, system, roles, by, kNow, operator_));
  }

  // A browser session for user; returns {cookie token, csrf token}.
  std::pair<std::string, std::string> StartSession(int64_t user) {
    const std::string token = auth::NewSecretToken();
    const std::string csrf = auth::NewSecretToken();
    directory::SessionRecord session;
    session.id_digest = auth::TokenDigest(token);
    session.user_id = user;
    session.csrf_token = csrf;
    session.created_ms = kNow;
    session.last_used_ms = kNow;
    session.expires_ms = kNow + kDay;
    Must(directory_->CreateSession(session));
    return {token, csrf};
  }

  http::Response Dispatch(Method method, const std::string& target, const std::string& body,
                          std::vector<std::pair<std::string, std::string>> headers) {
    http::Request request;
    request.method = method;
    request.target = target;
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = target.substr(question + 1);
    request.headers = std::move(headers);
    if (!body.empty()) request.headers.emplace_back("content-type", "application/json");
    request.body = body;
    request.remote_address = "192.0.2.7";
    return router_.Dispatch(request);
  }

  // user nullopt: anonymous.
  http::Response Call(std::optional<int64_t> user, Method method, const std::string& target,
                      const std::string& body = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (user) headers.emplace_back("authorization", "Bearer " + tokens_.at(*user));
    return Dispatch(method, target, body, std::move(headers));
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

enum class Who {
  kGroupOwner,
  kMember,    // member of both groups, no role of their own
  kOutsider,  // same company, member of neither group
  kOtherCompany,
  kAnonymous,
};

const char* Name(Who who) {
  switch (who) {
    case Who::kGroupOwner:
      return "group owner";
    case Who::kMember:
      return "member";
    case Who::kOutsider:
      return "outsider";
    case Who::kOtherCompany:
      return "other company";
    case Who::kAnonymous:
      return "anonymous";
  }
  return "?";
}

// Acme with a public and a private group of one owner, each with two members and the system
// `in_groups` (owned by system_owner); `spare` is a system in no group.
struct Scene : World {
  Scene() {
    group_owner = AddUser("gowner", acme());
    member = AddUser("member", acme());
    second_member = AddUser("member2", acme());
    outsider = AddUser("outsider", acme());
    stranger = AddUser("stranger", other());
    system_owner = AddUser("sysowner", acme());
    in_groups = AddSystem(system_owner, "SERIAL-G");
    spare = AddSystem(system_owner, "SERIAL-S");
    const directory::Actor by_owner = ActorFor(group_owner, acme(), "gowner@example.com");
    public_group = Must(directory().CreateGroup(acme(), group_owner, "Public", "open to all",
                                                std::nullopt, true, kNow, by_owner));
    private_group = Must(directory().CreateGroup(acme(), group_owner, "Private", "invited",
                                                 std::nullopt, false, kNow, by_owner));
    for (int64_t group : {public_group, private_group}) {
      Must(directory().SetGroupMember(group, member, std::nullopt, kNow, by_owner));
      Must(directory().SetGroupMember(group, second_member, std::nullopt, kNow, by_owner));
      Must(directory().AddGroupSystem(group, in_groups, system_owner, kNow, by_owner));
    }
  }

  std::optional<int64_t> User(Who who) const {
    switch (who) {
      case Who::kGroupOwner:
        return group_owner;
      case Who::kMember:
        return member;
      case Who::kOutsider:
        return outsider;
      case Who::kOtherCompany:
        return stranger;
      case Who::kAnonymous:
        return std::nullopt;
    }
    return std::nullopt;
  }

  static std::string Path(int64_t group, const std::string& rest = "") {
    return "/api/v1/groups/" + std::to_string(group) + rest;
  }

  bool IsMember(int64_t group, int64_t user) {
    for (const auto& m : Must(directory().ListGroupMembers(group))) {
      if (m.user_id == user) return true;
    }
    return false;
  }

  bool HasSystem(int64_t group, int64_t system) {
    for (const auto& s : Must(directory().ListGroupSystems(group))) {
      if (s.system_id == system) return true;
    }
    return false;
  }

  RoleSet RolesOn(int64_t user, int64_t system) {
    auto facts = Must(directory().LoadAccessFacts({.id = user, .company_id = acme()}, system));
    if (!facts) return {};
    return policy::EffectiveRoles(*facts);
  }

  int64_t group_owner = 0, member = 0, second_member = 0, outsider = 0, stranger = 0,
          system_owner = 0;
  int64_t in_groups = 0, spare = 0;
  int64_t public_group = 0, private_group = 0;
};

struct Row {
  Who who;
  int status;
  std::string code;  // "" = no error body to check
};

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

// --- Seeing groups ------------------------------------------------------------------------

TEST(GroupHandlers, APrivateGroupIsSeenByItsOwnerAndMembersOnly) {
  ExpectTable(
      {
          {Who::kGroupOwner, 200, ""},
          {Who::kMember, 200, ""},
          {Who::kOutsider, 404, "not_found"},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kGet, Scene::Path(s.private_group));
      });
}

TEST(GroupHandlers, APublicGroupIsSeenByTheWholeCompanyOnly) {
  ExpectTable(
      {
          {Who::kGroupOwner, 200, ""},
          {Who::kMember, 200, ""},
          {Who::kOutsider, 200, ""},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kGet, Scene::Path(s.public_group));
      });
}

TEST(GroupHandlers, GetAnswersTheGroupAsTheCallerSeesIt) {
  Scene s;
  auto response = s.Call(s.member, Method::kGet, Scene::Path(s.public_group));
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("id").as_int64(), s.public_group);
  EXPECT_EQ(body.at("name").as_string(), "Public");
  EXPECT_EQ(body.at("description").as_string(), "open to all");
  EXPECT_TRUE(body.at("default_role").is_null());
  EXPECT_EQ(body.at("owner").at("id").as_int64(), s.group_owner);
  EXPECT_EQ(body.at("owner").at("email").as_string(), "gowner@example.com");
  EXPECT_EQ(body.at("systems").as_int64(), 1);
  EXPECT_TRUE(body.at("public").as_bool());
  EXPECT_EQ(body.at("created_at").as_string(), Rfc3339(kNow));
  EXPECT_TRUE(body.at("member").as_bool());
  EXPECT_FALSE(
      Body(s.Call(s.outsider, Method::kGet, Scene::Path(s.public_group))).at("member").as_bool());
}

TEST(GroupHandlers, ListShowsPublicOwnedAndJoinedGroupsOfTheCompany) {
  Scene s;
  auto outsider = Body(s.Call(s.outsider, Method::kGet, "/api/v1/groups"));
  EXPECT_EQ(outsider.at("total").as_int64(), 1);
  EXPECT_EQ(outsider.at("items").at(0).at("id").as_int64(), s.public_group);
  EXPECT_EQ(Body(s.Call(s.member, Method::kGet, "/api/v1/groups")).at("total").as_int64(), 2);
  EXPECT_EQ(Body(s.Call(s.stranger, Method::kGet, "/api/v1/groups")).at("total").as_int64(), 0);
}

TEST(GroupHandlers, ListOwnedTrueShowsOnlyTheCallersOwnGroups) {
  Scene s;
  EXPECT_EQ(
      Body(s.Call(s.member, Method::kGet, "/api/v1/groups?owned=true")).at("total").as_int64(), 0);
  EXPECT_EQ(
      Body(s.Call(s.member, Method::kGet, "/api/v1/groups?owned=false")).at("total").as_int64(), 2);
  auto own = Body(s.Call(s.group_owner, Method::kGet, "/api/v1/groups?owned=true&sort=name"));
  ASSERT_EQ(own.at("total").as_int64(), 2);
  EXPECT_EQ(own.at("items").at(0).at("name").as_string(), "Private");
  EXPECT_EQ(own.at("items").at(1).at("name").as_string(), "Public");
}

TEST(GroupHandlers, ListAcceptsEveryDocumentedSortKey) {
  Scene s;
  for (const char* key : {"name", "created", "members", "systems", "owner"}) {
    SCOPED_TRACE(key);
    auto response =
        s.Call(s.group_owner, Method::kGet, std::string("/api/v1/groups?order=desc&sort=") + key);
    EXPECT_EQ(response.status, 200) << response.body;
  }
}

TEST(GroupHandlers, ListRefusesBadParameters) {
  Scene s;
  for (const char* target : {"/api/v1/groups?owned=yes", "/api/v1/groups?sort=description",
                             "/api/v1/groups?mine=true"}) {
    SCOPED_TRACE(target);
    auto response = s.Call(s.member, Method::kGet, target);
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(ErrorCode(response), "invalid_parameter");
  }
}

TEST(GroupHandlers, ListNeedsALogin) {
  Scene s;
  EXPECT_EQ(s.Call(std::nullopt, Method::kGet, "/api/v1/groups").status, 401);
}

// --- Creating and changing groups ---------------------------------------------------------

TEST(GroupHandlers, CreateMakesTheCallerTheOwner) {
  Scene s;
  auto response = s.Call(s.outsider, Method::kPost, "/api/v1/groups",
                         R"({"name":"Night shift","description":"line one\nline two",)"
                         R"("default_role":"monitoring","public":true})");
  ASSERT_EQ(response.status, 201) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("name").as_string(), "Night shift");
  EXPECT_EQ(body.at("description").as_string(), "line one\nline two");
  EXPECT_EQ(body.at("default_role").as_string(), "monitoring");
  EXPECT_TRUE(body.at("public").as_bool());
  EXPECT_EQ(body.at("owner").at("id").as_int64(), s.outsider);
  EXPECT_EQ(body.at("systems").as_int64(), 0);
  auto stored = Must(s.directory().GetGroup(body.at("id").as_int64(), s.outsider));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->company_id, s.acme());
}

TEST(GroupHandlers, CreateDefaultsToAPrivateGroupWithoutDefaultRole) {
  Scene s;
  auto response = s.Call(s.outsider, Method::kPost, "/api/v1/groups", R"({"name":"Quiet"})");
  ASSERT_EQ(response.status, 201) << response.body;
  auto body = Body(response);
  EXPECT_FALSE(body.at("public").as_bool());
  EXPECT_TRUE(body.at("default_role").is_null());
  EXPECT_EQ(body.at("description").as_string(), "");
}

TEST(GroupHandlers, CreateRefusesBadBodies) {
  struct Case {
    std::string body;
    std::string code;
  };
  const std::vector<Case> cases = {
      {R"({"description":"x"})", "missing_field"},
      {R"({"name":""})", "invalid_field"},
      {R"({"name":")" + std::string(101, 'n') + R"("})", "field_too_long"},
      {R"({"name":"G","default_role":"owner"})", "invalid_field"},
      {R"({"name":"G","default_role":"root"})", "invalid_field"},
      {R"({"name":"G","public":"yes"})", "invalid_field"},
      {R"({"name":"G","owner_id":1})", "unknown_field"},
      {R"({"name":"line\nbreak"})", "invalid_field"},
  };
  Scene s;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    auto response = s.Call(s.outsider, Method::kPost, "/api/v1/groups", c.body);
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(ErrorCode(response), c.code);
  }
}

TEST(GroupHandlers, CreateWithANameTakenInTheCompanyIsAConflict) {
  Scene s;
  auto response = s.Call(s.outsider, Method::kPost, "/api/v1/groups", R"({"name":"Public"})");
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(ErrorCode(response), "conflict");
}

TEST(GroupHandlers, ChangingAPrivateGroupIsForItsOwnerOnly) {
  ExpectTable(
      {
          {Who::kGroupOwner, 200, ""},
          {Who::kMember, 403, "forbidden"},
          {Who::kOutsider, 404, "not_found"},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kPatch, Scene::Path(s.private_group),
                      R"({"description":"changed"})");
      });
}

TEST(GroupHandlers, ChangingAPublicGroupIsForItsOwnerOnly) {
  ExpectTable(
      {
          {Who::kGroupOwner, 200, ""},
          {Who::kMember, 403, "forbidden"},
          {Who::kOutsider, 403, "forbidden"},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kPatch, Scene::Path(s.public_group),
                      R"({"description":"changed"})");
      });
}

TEST(GroupHandlers, PatchChangesOnlyTheFieldsGiven) {
  Scene s;
  auto response = s.Call(s.group_owner, Method::kPatch, Scene::Path(s.private_group),
                         R"({"public":true,"default_role":"backup"})");
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("name").as_string(), "Private");
  EXPECT_EQ(body.at("description").as_string(), "invited");
  EXPECT_TRUE(body.at("public").as_bool());
  EXPECT_EQ(body.at("default_role").as_string(), "backup");

  auto cleared = s.Call(s.group_owner, Method::kPatch, Scene::Path(s.private_group),
                        R"({"default_role":null,"name":"Renamed"})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(Body(cleared).at("default_role").is_null());
  EXPECT_EQ(Body(cleared).at("name").as_string(), "Renamed");
  EXPECT_TRUE(Body(cleared).at("public").as_bool());
}

TEST(GroupHandlers, PatchRefusesTheOwnerRoleAndATakenName) {
  Scene s;
  auto owner_role = s.Call(s.group_owner, Method::kPatch, Scene::Path(s.private_group),
                           R"({"default_role":"owner"})");
  EXPECT_EQ(owner_role.status, 400);
  EXPECT_EQ(ErrorCode(owner_role), "invalid_field");
  auto taken =
      s.Call(s.group_owner, Method::kPatch, Scene::Path(s.private_group), R"({"name":"Public"})");
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(ErrorCode(taken), "conflict");
}

TEST(GroupHandlers, DeletingAPrivateGroupIsForItsOwnerOnly) {
  ExpectTable(
      {
          {Who::kGroupOwner, 204, ""},
          {Who::kMember, 403, "forbidden"},
          {Who::kOutsider, 404, "not_found"},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kDelete, Scene::Path(s.private_group));
      });
}

TEST(GroupHandlers, DeletingAPublicGroupIsForItsOwnerOnly) {
  ExpectTable(
      {
          {Who::kGroupOwner, 204, ""},
          {Who::kMember, 403, "forbidden"},
          {Who::kOutsider, 403, "forbidden"},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kDelete, Scene::Path(s.public_group));
      });
}

TEST(GroupHandlers, DeletingAGroupTakesAwayTheRightsItGave) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme(), "o");
  Must(s.directory().SetGroupMember(s.private_group, s.member, Role::kMonitoring, kNow, by_owner));
  ASSERT_TRUE(s.RolesOn(s.member, s.in_groups).Contains(Role::kMonitoring));
  ASSERT_EQ(s.Call(s.group_owner, Method::kDelete, Scene::Path(s.private_group)).status, 204);
  EXPECT_TRUE(s.RolesOn(s.member, s.in_groups).empty());
  EXPECT_EQ(s.Call(s.group_owner, Method::kGet, Scene::Path(s.private_group)).status, 404);
}

TEST(GroupHandlers, UnknownAndMalformedGroupIdsAreNotFound) {
  Scene s;
  for (const char* path : {"/api/v1/groups/999999", "/api/v1/groups/x", "/api/v1/groups/0"}) {
    SCOPED_TRACE(path);
    auto response = s.Call(s.group_owner, Method::kGet, path);
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(ErrorCode(response), "not_found");
  }
}

TEST(GroupHandlers, CookieSessionsNeedTheCsrfHeaderToChangeGroups) {
  Scene s;
  auto [cookie, csrf] = s.StartSession(s.outsider);
  const std::string cookie_header = "ccc_session=" + cookie;
  auto without = s.Dispatch(Method::kPost, "/api/v1/groups", R"({"name":"Mine"})",
                            {{"cookie", cookie_header}});
  EXPECT_EQ(without.status, 403);
  EXPECT_EQ(ErrorCode(without), "csrf_failed");
  auto with = s.Dispatch(Method::kPost, "/api/v1/groups", R"({"name":"Mine"})",
                         {{"cookie", cookie_header}, {"x-csrf-token", csrf}});
  EXPECT_EQ(with.status, 201) << with.body;
}

// --- Joining and leaving ------------------------------------------------------------------

TEST(GroupHandlers, JoiningAPublicGroupIsForCompanyUsersWhoAreNotMembers) {
  ExpectTable(
      {
          {Who::kMember, 409, "already_member"},
          {Who::kOutsider, 204, ""},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kPost, Scene::Path(s.public_group, "/join"));
      });
}

TEST(GroupHandlers, APrivateGroupCannotBeJoined) {
  ExpectTable(
      {
          {Who::kMember, 409, "already_member"},
          {Who::kOutsider, 404, "not_found"},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kPost, Scene::Path(s.private_group, "/join"));
      });
}

TEST(GroupHandlers, TheOwnerOfAPrivateGroupCannotJoinItButAddsThemself) {
  Scene s;
  auto response = s.Call(s.group_owner, Method::kPost, Scene::Path(s.private_group, "/join"));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "group_private");
  EXPECT_FALSE(s.IsMember(s.private_group, s.group_owner));
  EXPECT_EQ(s.Call(s.group_owner, Method::kPut,
                   Scene::Path(s.private_group, "/members/" + std::to_string(s.group_owner)),
                   R"({"role":null})")
                .status,
            200);
}

TEST(GroupHandlers, TheOwnerMayJoinTheirPublicGroup) {
  Scene s;
  EXPECT_EQ(s.Call(s.group_owner, Method::kPost, Scene::Path(s.public_group, "/join")).status, 204);
  EXPECT_TRUE(s.IsMember(s.public_group, s.group_owner));
}

TEST(GroupHandlers, AMemberWhoJoinsTwiceKeepsTheRoleTheOwnerGave) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme(), "o");
  Must(s.directory().SetGroupMember(s.public_group, s.member, Role::kBackup, kNow, by_owner));
  EXPECT_EQ(s.Call(s.member, Method::kPost, Scene::Path(s.public_group, "/join")).status, 409);
  EXPECT_TRUE(s.RolesOn(s.member, s.in_groups).Contains(Role::kBackup));
}

TEST(GroupHandlers, JoiningGivesTheDefaultRoleOnTheGroupsSystems) {
  Scene s;
  ASSERT_EQ(s.Call(s.group_owner, Method::kPatch, Scene::Path(s.public_group),
                   R"({"default_role":"monitoring"})")
                .status,
            200);
  EXPECT_FALSE(Must(s.directory().GetVisibleSystem(s.outsider, s.acme(), s.in_groups)));
  ASSERT_EQ(s.Call(s.outsider, Method::kPost, Scene::Path(s.public_group, "/join")).status, 204);
  EXPECT_TRUE(s.IsMember(s.public_group, s.outsider));
  auto seen = Must(s.directory().GetVisibleSystem(s.outsider, s.acme(), s.in_groups));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->roles, RoleSet{Role::kMonitoring});
  EXPECT_EQ(s.RolesOn(s.outsider, s.in_groups), RoleSet{Role::kMonitoring});
}

TEST(GroupHandlers, LeavingIsForMembersButNotTheOwner) {
  ExpectTable(
      {
          {Who::kGroupOwner, 409, "owner_cannot_leave"},
          {Who::kMember, 204, ""},
          {Who::kOutsider, 409, "not_member"},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kPost, Scene::Path(s.public_group, "/leave"));
      });
}

TEST(GroupHandlers, LeavingAPrivateGroupIsForItsMembers) {
  ExpectTable(
      {
          {Who::kGroupOwner, 409, "owner_cannot_leave"},
          {Who::kMember, 204, ""},
          {Who::kOutsider, 404, "not_found"},
          {Who::kOtherCompany, 404, "not_found"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kPost, Scene::Path(s.private_group, "/leave"));
      });
}

TEST(GroupHandlers, LeavingTakesAwayTheRightsTheGroupGave) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme(), "o");
  Must(s.directory().SetGroupMember(s.private_group, s.member, Role::kMonitoring, kNow, by_owner));
  auto seen = Must(s.directory().GetVisibleSystem(s.member, s.acme(), s.in_groups));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->roles, RoleSet{Role::kMonitoring});
  ASSERT_EQ(s.Call(s.member, Method::kPost, Scene::Path(s.private_group, "/leave")).status, 204);
  EXPECT_FALSE(s.IsMember(s.private_group, s.member));
  EXPECT_FALSE(Must(s.directory().GetVisibleSystem(s.member, s.acme(), s.in_groups)));
  // After leaving a private group the member cannot even see it any more.
  EXPECT_EQ(s.Call(s.member, Method::kGet, Scene::Path(s.private_group)).status, 404);
}

// --- Members ------------------------------------------------------------------------------

TEST(GroupHandlers, MembersOfAPrivateGroupAreListedToThoseWhoSeeIt) {
  ExpectTable(
      {
          {Who::kGroupOwner, 200, ""},
          {Who::kMember, 200, ""},
          {Who::kOutsider, 404, "not_found"},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kGet, Scene::Path(s.private_group, "/members"));
      });
}

TEST(GroupHandlers, MembersListShowsEmailNameRoleAndJoinTime) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme(), "o");
  Must(s.directory().SetGroupMember(s.public_group, s.member, Role::kCallData, kNow, by_owner));
  auto response = s.Call(s.outsider, Method::kGet, Scene::Path(s.public_group, "/members"));
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  const auto& items = body.at("items").as_array();
  EXPECT_EQ(body.at("total").as_int64(), static_cast<int64_t>(items.size()));
  bool found = false;
  for (const auto& item : items) {
    if (item.at("user_id").as_int64() != s.member) continue;
    found = true;
    EXPECT_EQ(item.at("email").as_string(), "member@example.com");
    EXPECT_EQ(item.at("name").as_string(), "member");
    EXPECT_EQ(item.at("role").as_string(), "call_data");
    EXPECT_EQ(item.at("joined_at").as_string(), Rfc3339(kNow));
  }
  EXPECT_TRUE(found);
}

TEST(GroupHandlers, OnlyTheOwnerAddsMembersToAPrivateGroup) {
  ExpectTable(
      {
          {Who::kGroupOwner, 200, ""},
          {Who::kMember, 403, "forbidden"},
          {Who::kOutsider, 404, "not_found"},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kPut,
                      Scene::Path(s.private_group, "/members/" + std::to_string(s.outsider)),
                      R"({"role":"monitoring"})");
      });
}

TEST(GroupHandlers, OnlyTheOwnerAddsMembersToAPublicGroup) {
  ExpectTable(
      {
          {Who::kGroupOwner, 200, ""},
          {Who::kMember, 403, "forbidden"},
          {Who::kOutsider, 403, "forbidden"},
          {Who::kOtherCompany, 404, "not_found"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kPut,
                      Scene::Path(s.public_group, "/members/" + std::to_string(s.outsider)),
                      R"({"role":null})");
      });
}

TEST(GroupHandlers, PutMemberAddsTheUserWithTheRoleAndGivesRights) {
  Scene s;
  auto response = s.Call(s.group_owner, Method::kPut,
                         Scene::Path(s.private_group, "/members/" + std::to_string(s.outsider)),
                         R"({"role":"administrator"})");
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("user_id").as_int64(), s.outsider);
  EXPECT_EQ(body.at("email").as_string(), "outsider@example.com");
  EXPECT_EQ(body.at("role").as_string(), "administrator");
  EXPECT_EQ(s.RolesOn(s.outsider, s.in_groups), RoleSet{Role::kAdministrator});
  auto facts =
      Must(s.directory().LoadAccessFacts({.id = s.outsider, .company_id = s.acme()}, s.in_groups));
  ASSERT_TRUE(facts.has_value());
  EXPECT_TRUE(policy::Decide(*facts, policy::Action::kEditSystemName).allowed());
}

TEST(GroupHandlers, PutMemberChangesTheRoleOfAMember) {
  Scene s;
  const std::string path = Scene::Path(s.public_group, "/members/" + std::to_string(s.member));
  ASSERT_EQ(s.Call(s.group_owner, Method::kPut, path, R"({"role":"backup"})").status, 200);
  EXPECT_EQ(s.RolesOn(s.member, s.in_groups), RoleSet{Role::kBackup});
  auto reset = s.Call(s.group_owner, Method::kPut, path, R"({"role":null})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_TRUE(Body(reset).at("role").is_null());
  // No own role and no default role: no rights and no path to the system (B7).
  EXPECT_FALSE(Must(s.directory().GetVisibleSystem(s.member, s.acme(), s.in_groups)));
}

TEST(GroupHandlers, AMemberWithoutRoleGetsTheGroupsDefaultRole) {
  Scene s;
  EXPECT_TRUE(s.RolesOn(s.member, s.in_groups).empty());
  ASSERT_EQ(s.Call(s.group_owner, Method::kPatch, Scene::Path(s.private_group),
                   R"({"default_role":"call_data"})")
                .status,
            200);
  EXPECT_EQ(s.RolesOn(s.member, s.in_groups), RoleSet{Role::kCallData});
  auto seen = Must(s.directory().GetVisibleSystem(s.member, s.acme(), s.in_groups));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->roles, RoleSet{Role::kCallData});
}

TEST(GroupHandlers, PutMemberRefusesUsersOfAnotherCompanyOrNobody) {
  Scene s;
  for (int64_t user : {s.stranger, int64_t{999999}}) {
    SCOPED_TRACE(user);
    auto response = s.Call(s.group_owner, Method::kPut,
                           Scene::Path(s.private_group, "/members/" + std::to_string(user)),
                           R"({"role":null})");
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(ErrorCode(response), "not_found");
    EXPECT_FALSE(s.IsMember(s.private_group, user));
  }
}

TEST(GroupHandlers, PutMemberRefusesBadBodies) {
  Scene s;
  const std::string path = Scene::Path(s.private_group, "/members/" + std::to_string(s.outsider));
  struct Case {
    std::string body;
    std::string code;
  };
  for (const Case& c : std::vector<Case>{{R"({})", "missing_field"},
                                         {R"({"role":"owner"})", "invalid_field"},
                                         {R"({"role":["backup"]})", "invalid_field"},
                                         {R"({"role":null,"extra":1})", "unknown_field"}}) {
    SCOPED_TRACE(c.body);
    auto response = s.Call(s.group_owner, Method::kPut, path, c.body);
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(ErrorCode(response), c.code);
  }
  EXPECT_FALSE(s.IsMember(s.private_group, s.outsider));
}

TEST(GroupHandlers, RemovingAMemberIsForTheOwnerOrTheMemberThemself) {
  ExpectTable(
      {
          {Who::kGroupOwner, 204, ""},
          {Who::kMember, 204, ""},
          {Who::kOutsider, 403, "forbidden"},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kDelete,
                      Scene::Path(s.public_group, "/members/" + std::to_string(s.member)));
      });
}

TEST(GroupHandlers, AMemberCannotRemoveAnotherMember) {
  Scene s;
  auto response =
      s.Call(s.member, Method::kDelete,
             Scene::Path(s.private_group, "/members/" + std::to_string(s.second_member)));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response), "forbidden");
  EXPECT_TRUE(s.IsMember(s.private_group, s.second_member));
}

TEST(GroupHandlers, RemovingSomeoneWhoIsNotAMemberIsNotFound) {
  Scene s;
  auto response = s.Call(s.group_owner, Method::kDelete,
                         Scene::Path(s.private_group, "/members/" + std::to_string(s.outsider)));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
}

TEST(GroupHandlers, TheOwnerMayDropTheirOwnMembershipAndStaysOwner) {
  Scene s;
  const std::string path =
      Scene::Path(s.private_group, "/members/" + std::to_string(s.group_owner));
  ASSERT_EQ(s.Call(s.group_owner, Method::kPut, path, R"({"role":"monitoring"})").status, 200);
  ASSERT_TRUE(s.IsMember(s.private_group, s.group_owner));
  EXPECT_EQ(s.Call(s.group_owner, Method::kDelete, path).status, 204);
  EXPECT_FALSE(s.IsMember(s.private_group, s.group_owner));
  EXPECT_EQ(s.Call(s.group_owner, Method::kPatch, Scene::Path(s.private_group),
                   R"({"description":"still mine"})")
                .status,
            200);
}

TEST(GroupHandlers, RemovingAMemberTakesAwayTheRightsTheGroupGave) {
  Scene s;
  const std::string path = Scene::Path(s.private_group, "/members/" + std::to_string(s.member));
  ASSERT_EQ(s.Call(s.group_owner, Method::kPut, path, R"({"role":"monitoring"})").status, 200);
  ASSERT_FALSE(s.RolesOn(s.member, s.in_groups).empty());
  ASSERT_EQ(s.Call(s.group_owner, Method::kDelete, path).status, 204);
  EXPECT_TRUE(s.RolesOn(s.member, s.in_groups).empty());
}

// --- Systems ------------------------------------------------------------------------------

TEST(GroupHandlers, SystemsOfAGroupAreListedToItsOwnerAndMembersOnly) {
  ExpectTable(
      {
          {Who::kGroupOwner, 200, ""},
          {Who::kMember, 200, ""},
          {Who::kOutsider, 403, "forbidden"},
          {Who::kOtherCompany, 404, "not_found"},
          {Who::kAnonymous, 401, "not_authenticated"},
      },
      [](Scene& s, std::optional<int64_t> user) {
        return s.Call(user, Method::kGet, Scene::Path(s.public_group, "/systems"));
      });
}

TEST(GroupHandlers, SystemsListShowsSerialNameAndAddTime) {
  Scene s;
  auto response = s.Call(s.member, Method::kGet, Scene::Path(s.private_group, "/systems"));
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("total").as_int64(), 1);
  const auto& item = body.at("items").at(0);
  EXPECT_EQ(item.at("system_id").as_int64(), s.in_groups);
  EXPECT_EQ(item.at("serial").as_string(), "SERIAL-G");
  EXPECT_EQ(item.at("name").as_string(), "PBX SERIAL-G");
  EXPECT_EQ(item.at("added_at").as_string(), Rfc3339(kNow));
}

// Someone adds `spare` to the public group; `join` makes the caller a member first.
struct AddSystemRow {
  std::string who;
  int64_t Scene::*caller;
  bool join;
  RoleSet roles;  // direct roles of the caller on `spare`
  int status;
  std::string code;
};

TEST(GroupHandlers, AddingASystemNeedsGroupMembershipAndAdministrationOfTheSystem) {
  const std::vector<AddSystemRow> rows = {
      {"group owner administrating the system",
       &Scene::group_owner,
       false,
       {Role::kAdministrator},
       200,
       ""},
      {"group owner without rights on the system",
       &Scene::group_owner,
       false,
       {},
       404,
       "not_found"},
      {"member administrating the system", &Scene::member, false, {Role::kAdministrator}, 200, ""},
      {"member owning the system", &Scene::system_owner, true, {}, 200, ""},
      {"member with monitoring", &Scene::member, false, {Role::kMonitoring}, 403, "forbidden"},
      {"member with backup and call data",
       &Scene::member,
       false,
       {Role::kBackup, Role::kCallData},
       403,
       "forbidden"},
      {"member without rights on the system", &Scene::member, false, {}, 404, "not_found"},
      {"non-member administrating the system",
       &Scene::outsider,
       false,
       {Role::kAdministrator},
       403,
       "forbidden"},
      {"non-member owning the system", &Scene::system_owner, false, {}, 403, "forbidden"},
      {"other company", &Scene::stranger, false, {}, 404, "not_found"},
  };
  for (const AddSystemRow& row : rows) {
    SCOPED_TRACE(row.who);
    Scene s;
    const int64_t caller = s.*row.caller;
    if (row.join) {
      const directory::Actor by_owner = ActorFor(s.group_owner, s.acme(), "o");
      Must(s.directory().SetGroupMember(s.public_group, caller, std::nullopt, kNow, by_owner));
    }
    if (!row.roles.empty()) s.Grant(caller, s.spare, row.roles, s.system_owner);
    auto response = s.Call(caller, Method::kPut,
                           Scene::Path(s.public_group, "/systems/" + std::to_string(s.spare)));
    EXPECT_EQ(response.status, row.status) << response.body;
    if (!row.code.empty() && response.status == row.status) {
      EXPECT_EQ(ErrorCode(response), row.code);
    }
    EXPECT_EQ(s.HasSystem(s.public_group, s.spare), row.status == 200);
  }
}

TEST(GroupHandlers, AddingASystemAnswersTheGroupSystem) {
  Scene s;
  s.Grant(s.member, s.spare, {Role::kAdministrator}, s.system_owner);
  auto response = s.Call(s.member, Method::kPut,
                         Scene::Path(s.public_group, "/systems/" + std::to_string(s.spare)));
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("system_id").as_int64(), s.spare);
  EXPECT_EQ(body.at("serial").as_string(), "SERIAL-S");
  EXPECT_EQ(body.at("name").as_string(), "PBX SERIAL-S");
  EXPECT_EQ(body.at("added_at").as_string(), Rfc3339(kNow));
}

TEST(GroupHandlers, AddingASystemTwiceIsIdempotent) {
  Scene s;
  const std::string path = Scene::Path(s.public_group, "/systems/" + std::to_string(s.in_groups));
  s.Grant(s.group_owner, s.in_groups, {Role::kAdministrator}, s.system_owner);
  auto again = s.Call(s.group_owner, Method::kPut, path);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Body(again).at("system_id").as_int64(), s.in_groups);
  EXPECT_EQ(Body(again).at("added_at").as_string(), Rfc3339(kNow));
  EXPECT_EQ(Must(s.directory().ListGroupSystems(s.public_group)).size(), 1u);
}

TEST(GroupHandlers, AddingASystemOfAnotherCompanyIsNotFound) {
  Scene s;
  const int64_t foreign_owner = s.AddUser("foreign", s.other());
  const directory::PairingCode code{
      .code = auth::NewConfirmationCode(), .created_ms = kNow, .expires_ms = kNow + kDay};
  const int64_t foreign =
      Must(s.directory().CreateSystem(s.other(), foreign_owner, "X", "SERIAL-X", code, kNow,
                                      ActorFor(std::nullopt, std::nullopt, "operator")));
  auto response = s.Call(s.group_owner, Method::kPut,
                         Scene::Path(s.public_group, "/systems/" + std::to_string(foreign)));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
}

TEST(GroupHandlers, AddingASystemGivesMembersTheirRoleOnIt) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme(), "o");
  Must(s.directory().SetGroupMember(s.private_group, s.second_member, Role::kMonitoring, kNow,
                                    by_owner));
  EXPECT_FALSE(Must(s.directory().GetVisibleSystem(s.second_member, s.acme(), s.spare)));
  s.Grant(s.member, s.spare, {Role::kAdministrator}, s.system_owner);
  auto response = s.Call(s.member, Method::kPut,
                         Scene::Path(s.private_group, "/systems/" + std::to_string(s.spare)));
  ASSERT_EQ(response.status, 200) << response.body;
  auto seen = Must(s.directory().GetVisibleSystem(s.second_member, s.acme(), s.spare));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->roles, RoleSet{Role::kMonitoring});
}

struct RemoveSystemRow {
  std::string who;
  int64_t Scene::*caller;
  RoleSet roles;  // direct roles of the caller on in_groups
  bool private_group;
  int status;
  std::string code;
};

TEST(GroupHandlers, RemovingASystemIsForTheGroupOwnerOrTheSystemsAdministrators) {
  const std::vector<RemoveSystemRow> rows = {
      {"group owner without rights on the system", &Scene::group_owner, {}, true, 204, ""},
      {"system owner outside the public group", &Scene::system_owner, {}, false, 204, ""},
      {"system owner who cannot see the private group", &Scene::system_owner, {}, true, 204, ""},
      {"member administrating the system", &Scene::member, {Role::kAdministrator}, true, 204, ""},
      {"outsider administrating the system",
       &Scene::outsider,
       {Role::kAdministrator},
       true,
       204,
       ""},
      {"member with monitoring", &Scene::member, {Role::kMonitoring}, true, 403, "forbidden"},
      {"member without rights", &Scene::member, {}, true, 404, "not_found"},
      {"outsider with monitoring, public group",
       &Scene::outsider,
       {Role::kMonitoring},
       false,
       403,
       "forbidden"},
      {"outsider with monitoring, private group",
       &Scene::outsider,
       {Role::kMonitoring},
       true,
       404,
       "not_found"},
      {"outsider without rights, public group", &Scene::outsider, {}, false, 404, "not_found"},
      {"other company", &Scene::stranger, {}, false, 404, "not_found"},
  };
  for (const RemoveSystemRow& row : rows) {
    SCOPED_TRACE(row.who);
    Scene s;
    const int64_t caller = s.*row.caller;
    if (!row.roles.empty()) s.Grant(caller, s.in_groups, row.roles, s.system_owner);
    const int64_t group = row.private_group ? s.private_group : s.public_group;
    auto response = s.Call(caller, Method::kDelete,
                           Scene::Path(group, "/systems/" + std::to_string(s.in_groups)));
    EXPECT_EQ(response.status, row.status) << response.body;
    if (!row.code.empty() && response.status == row.status) {
      EXPECT_EQ(ErrorCode(response), row.code);
    }
    EXPECT_EQ(s.HasSystem(group, s.in_groups), row.status != 204);
  }
}

TEST(GroupHandlers, RemovingASystemThatIsNotInTheGroupIsNotFound) {
  Scene s;
  auto response = s.Call(s.group_owner, Method::kDelete,
                         Scene::Path(s.public_group, "/systems/" + std::to_string(s.spare)));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
}

TEST(GroupHandlers, RemovingASystemTakesAwayTheMembersRightsOnIt) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme(), "o");
  Must(s.directory().SetGroupMember(s.private_group, s.member, Role::kBackup, kNow, by_owner));
  ASSERT_EQ(s.RolesOn(s.member, s.in_groups), RoleSet{Role::kBackup});
  ASSERT_EQ(s.Call(s.system_owner, Method::kDelete,
                   Scene::Path(s.private_group, "/systems/" + std::to_string(s.in_groups)))
                .status,
            204);
  EXPECT_TRUE(s.RolesOn(s.member, s.in_groups).empty());
}

TEST(GroupHandlers, ChangesAreWrittenToTheAuditLogWithTheCaller) {
  Scene s;
  ASSERT_EQ(s.Call(s.outsider, Method::kPost, Scene::Path(s.public_group, "/join")).status, 204);
  const auto audit = Must(s.directory().ListAudit(s.acme(), FirstItems(1000)));
  bool found = false;
  for (const auto& entry : audit.items) {
    if (entry.actor_user_id == s.outsider && entry.address == "192.0.2.7") found = true;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace ccc::relay::api
