#include "relay/api/group_handlers.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "relay/api/api_test_support.h"
#include "relay/directory/directory.h"
#include "relay/http/router.h"
#include "relay/policy/access_policy.h"
#include "relay/policy/roles.h"

namespace ccc::relay::api {
namespace {

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
struct Scene : testing::ApiTestEnv {
  Scene() {
    AddGroupRoutes(router(), services());
    acme = CreateCompany("Acme");
    other = CreateCompany("Other");
    group_owner = CreateUserWithToken(acme, "gowner");
    member = CreateUserWithToken(acme, "member");
    second_member = CreateUserWithToken(acme, "member2");
    outsider = CreateUserWithToken(acme, "outsider");
    stranger = CreateUserWithToken(other, "stranger");
    system_owner = CreateUserWithToken(acme, "sysowner");
    in_groups = CreateSystem(acme, system_owner, "SERIAL-G");
    spare = CreateSystem(acme, system_owner, "SERIAL-S");
    const directory::Actor by_owner = ActorFor(group_owner, acme, "gowner@example.com");
    public_group = Must(directory().CreateGroup(acme, group_owner, "Public", "open to all",
                                                std::nullopt, true, now_ms, by_owner));
    private_group = Must(directory().CreateGroup(acme, group_owner, "Private", "invited",
                                                 std::nullopt, false, now_ms, by_owner));
    for (int64_t group : {public_group, private_group}) {
      Must(directory().SetGroupMember(group, member, std::nullopt, now_ms, by_owner));
      Must(directory().SetGroupMember(group, second_member, std::nullopt, now_ms, by_owner));
      Must(directory().AddGroupSystem(group, in_groups, system_owner, now_ms, by_owner));
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

  static std::string MemberPath(int64_t group, int64_t user) {
    return Path(group, "/members/" + std::to_string(user));
  }
  static std::string SystemPath(int64_t group, int64_t system) {
    return Path(group, "/systems/" + std::to_string(system));
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
    auto facts = Must(directory().LoadAccessFacts({.id = user, .company_id = acme}, system));
    if (!facts) return {};
    return policy::EffectiveRoles(*facts);
  }

  int64_t acme = 0, other = 0;
  int64_t group_owner = 0, member = 0, second_member = 0, outsider = 0, stranger = 0,
          system_owner = 0;
  int64_t in_groups = 0, spare = 0;
  int64_t public_group = 0, private_group = 0;
};

// What a caller gets: the status, and the error code ("" = no error body to check).
struct Answer {
  int status;
  std::string code;
};

// One call on a fresh scene for the group owner, a member and an outsider of Acme; a user
// of another company always gets 404 not_found, an anonymous caller 401.
struct AccessCase {
  std::string name;  // what is checked, as a sentence in CamelCase
  Method method;
  std::string (*target)(const Scene&);
  std::string body;
  Answer group_owner;
  Answer member;
  Answer outsider;
};

// Test output names the case, not its bytes.
void PrintTo(const AccessCase& c, std::ostream* out) { *out << c.name; }

class GroupAccess : public ::testing::TestWithParam<AccessCase> {};

TEST_P(GroupAccess, AnswersEachKindOfCaller) {
  const AccessCase& c = GetParam();
  const std::vector<std::pair<Who, Answer>> rows = {
      {Who::kGroupOwner, c.group_owner},
      {Who::kMember, c.member},
      {Who::kOutsider, c.outsider},
      {Who::kOtherCompany, {404, "not_found"}},
      {Who::kAnonymous, {401, "not_authenticated"}},
  };
  for (const auto& [who, answer] : rows) {
    SCOPED_TRACE(Name(who));
    Scene s;
    ExpectAnswer(s.CallAs(s.User(who), c.method, c.target(s), c.body), answer.status, answer.code);
  }
}

std::string PrivateGroup(const Scene& s) { return Scene::Path(s.private_group); }
std::string PublicGroup(const Scene& s) { return Scene::Path(s.public_group); }

const Answer kOk{200, ""};
const Answer kNoContent{204, ""};
const Answer kForbidden{403, "forbidden"};
const Answer kNotFound{404, "not_found"};

INSTANTIATE_TEST_SUITE_P(
    GroupHandlers, GroupAccess,
    ::testing::Values(
        AccessCase{"APrivateGroupIsSeenByItsOwnerAndMembersOnly", Method::kGet, PrivateGroup, "",
                   kOk, kOk, kNotFound},
        AccessCase{"APublicGroupIsSeenByTheWholeCompanyOnly", Method::kGet, PublicGroup, "", kOk,
                   kOk, kOk},
        AccessCase{"ChangingAPrivateGroupIsForItsOwnerOnly", Method::kPatch, PrivateGroup,
                   R"({"description":"changed"})", kOk, kForbidden, kNotFound},
        AccessCase{"ChangingAPublicGroupIsForItsOwnerOnly", Method::kPatch, PublicGroup,
                   R"({"description":"changed"})", kOk, kForbidden, kForbidden},
        AccessCase{"DeletingAPrivateGroupIsForItsOwnerOnly", Method::kDelete, PrivateGroup, "",
                   kNoContent, kForbidden, kNotFound},
        AccessCase{"DeletingAPublicGroupIsForItsOwnerOnly", Method::kDelete, PublicGroup, "",
                   kNoContent, kForbidden, kForbidden},
        AccessCase{"JoiningAPublicGroupIsForCompanyUsersWhoAreNotMembers",
                   Method::kPost,
                   [](const Scene& s) { return Scene::Path(s.public_group, "/join"); },
                   "",
                   kNoContent,
                   {409, "already_member"},
                   kNoContent},
        AccessCase{"APrivateGroupCannotBeJoined",
                   Method::kPost,
                   [](const Scene& s) { return Scene::Path(s.private_group, "/join"); },
                   "",
                   {403, "group_private"},
                   {409, "already_member"},
                   kNotFound},
        AccessCase{"LeavingIsForMembersButNotTheOwner",
                   Method::kPost,
                   [](const Scene& s) { return Scene::Path(s.public_group, "/leave"); },
                   "",
                   {409, "owner_cannot_leave"},
                   kNoContent,
                   {409, "not_member"}},
        AccessCase{"LeavingAPrivateGroupIsForItsMembers",
                   Method::kPost,
                   [](const Scene& s) { return Scene::Path(s.private_group, "/leave"); },
                   "",
                   {409, "owner_cannot_leave"},
                   kNoContent,
                   kNotFound},
        AccessCase{"MembersOfAPrivateGroupAreListedToThoseWhoSeeIt", Method::kGet,
                   [](const Scene& s) { return Scene::Path(s.private_group, "/members"); }, "", kOk,
                   kOk, kNotFound},
        AccessCase{"OnlyTheOwnerAddsMembersToAPrivateGroup", Method::kPut,
                   [](const Scene& s) { return s.MemberPath(s.private_group, s.outsider); },
                   R"({"role":"monitoring"})", kOk, kForbidden, kNotFound},
        AccessCase{"OnlyTheOwnerAddsMembersToAPublicGroup", Method::kPut,
                   [](const Scene& s) { return s.MemberPath(s.public_group, s.outsider); },
                   R"({"role":null})", kOk, kForbidden, kForbidden},
        AccessCase{"RemovingAMemberIsForTheOwnerOrTheMemberThemself", Method::kDelete,
                   [](const Scene& s) { return s.MemberPath(s.public_group, s.member); }, "",
                   kNoContent, kNoContent, kForbidden},
        AccessCase{"SystemsOfAGroupAreListedToItsOwnerAndMembersOnly", Method::kGet,
                   [](const Scene& s) { return Scene::Path(s.public_group, "/systems"); }, "", kOk,
                   kOk, kForbidden}),
    [](const ::testing::TestParamInfo<AccessCase>& param) { return param.param.name; });

// --- Seeing groups ------------------------------------------------------------------------

TEST(GroupHandlers, GetAnswersTheGroupAsTheCallerSeesIt) {
  Scene s;
  auto response = s.CallAs(s.member, Method::kGet, Scene::Path(s.public_group));
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
  EXPECT_EQ(body.at("created_at").as_string(), Rfc3339(s.now_ms));
  EXPECT_TRUE(body.at("member").as_bool());
  EXPECT_FALSE(
      Body(s.CallAs(s.outsider, Method::kGet, Scene::Path(s.public_group))).at("member").as_bool());
}

TEST(GroupHandlers, ListShowsPublicOwnedAndJoinedGroupsOfTheCompany) {
  Scene s;
  auto outsider = Body(s.CallAs(s.outsider, Method::kGet, "/api/v1/groups"));
  EXPECT_EQ(outsider.at("total").as_int64(), 1);
  EXPECT_EQ(outsider.at("items").at(0).at("id").as_int64(), s.public_group);
  EXPECT_EQ(Body(s.CallAs(s.member, Method::kGet, "/api/v1/groups")).at("total").as_int64(), 2);
  EXPECT_EQ(Body(s.CallAs(s.stranger, Method::kGet, "/api/v1/groups")).at("total").as_int64(), 0);
}

TEST(GroupHandlers, ListOwnedTrueShowsOnlyTheCallersOwnGroups) {
  Scene s;
  EXPECT_EQ(
      Body(s.CallAs(s.member, Method::kGet, "/api/v1/groups?owned=true")).at("total").as_int64(),
      0);
  EXPECT_EQ(
      Body(s.CallAs(s.member, Method::kGet, "/api/v1/groups?owned=false")).at("total").as_int64(),
      2);
  auto own = Body(s.CallAs(s.group_owner, Method::kGet, "/api/v1/groups?owned=true&sort=name"));
  ASSERT_EQ(own.at("total").as_int64(), 2);
  EXPECT_EQ(own.at("items").at(0).at("name").as_string(), "Private");
  EXPECT_EQ(own.at("items").at(1).at("name").as_string(), "Public");
}

TEST(GroupHandlers, ListAcceptsEveryDocumentedSortKey) {
  Scene s;
  for (const char* key : {"name", "created", "members", "systems", "owner"}) {
    SCOPED_TRACE(key);
    auto response =
        s.CallAs(s.group_owner, Method::kGet, std::string("/api/v1/groups?order=desc&sort=") + key);
    EXPECT_EQ(response.status, 200) << response.body;
  }
}

TEST(GroupHandlers, ListRefusesBadParameters) {
  Scene s;
  for (const char* target : {"/api/v1/groups?owned=yes", "/api/v1/groups?sort=description",
                             "/api/v1/groups?mine=true"}) {
    SCOPED_TRACE(target);
    auto response = s.CallAs(s.member, Method::kGet, target);
    ExpectAnswer(response, 400, "invalid_parameter");
  }
}

TEST(GroupHandlers, ListNeedsALogin) {
  Scene s;
  EXPECT_EQ(s.CallAs(std::nullopt, Method::kGet, "/api/v1/groups").status, 401);
}

// --- Creating and changing groups ---------------------------------------------------------

TEST(GroupHandlers, CreateMakesTheCallerTheOwner) {
  Scene s;
  auto response = s.CallAs(s.outsider, Method::kPost, "/api/v1/groups",
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
  EXPECT_EQ(stored->company_id, s.acme);
}

TEST(GroupHandlers, CreateDefaultsToAPrivateGroupWithoutDefaultRole) {
  Scene s;
  auto response = s.CallAs(s.outsider, Method::kPost, "/api/v1/groups", R"({"name":"Quiet"})");
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
    auto response = s.CallAs(s.outsider, Method::kPost, "/api/v1/groups", c.body);
    ExpectAnswer(response, 400, c.code);
  }
}

TEST(GroupHandlers, CreateWithANameTakenInTheCompanyIsAConflict) {
  Scene s;
  auto response = s.CallAs(s.outsider, Method::kPost, "/api/v1/groups", R"({"name":"Public"})");
  ExpectAnswer(response, 409, "conflict");
}

TEST(GroupHandlers, PatchChangesOnlyTheFieldsGiven) {
  Scene s;
  auto response = s.CallAs(s.group_owner, Method::kPatch, Scene::Path(s.private_group),
                           R"({"public":true,"default_role":"backup"})");
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("name").as_string(), "Private");
  EXPECT_EQ(body.at("description").as_string(), "invited");
  EXPECT_TRUE(body.at("public").as_bool());
  EXPECT_EQ(body.at("default_role").as_string(), "backup");

  auto cleared = s.CallAs(s.group_owner, Method::kPatch, Scene::Path(s.private_group),
                          R"({"default_role":null,"name":"Renamed"})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(Body(cleared).at("default_role").is_null());
  EXPECT_EQ(Body(cleared).at("name").as_string(), "Renamed");
  EXPECT_TRUE(Body(cleared).at("public").as_bool());
}

TEST(GroupHandlers, PatchRefusesTheOwnerRoleAndATakenName) {
  Scene s;
  auto owner_role = s.CallAs(s.group_owner, Method::kPatch, Scene::Path(s.private_group),
                             R"({"default_role":"owner"})");
  ExpectAnswer(owner_role, 400, "invalid_field");
  auto taken =
      s.CallAs(s.group_owner, Method::kPatch, Scene::Path(s.private_group), R"({"name":"Public"})");
  ExpectAnswer(taken, 409, "conflict");
}

TEST(GroupHandlers, DeletingAGroupTakesAwayTheRightsItGave) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme, "o");
  Must(s.directory().SetGroupMember(s.private_group, s.member, Role::kMonitoring, s.now_ms,
                                    by_owner));
  ASSERT_TRUE(s.RolesOn(s.member, s.in_groups).Contains(Role::kMonitoring));
  ASSERT_EQ(s.CallAs(s.group_owner, Method::kDelete, Scene::Path(s.private_group)).status, 204);
  EXPECT_TRUE(s.RolesOn(s.member, s.in_groups).empty());
  EXPECT_EQ(s.CallAs(s.group_owner, Method::kGet, Scene::Path(s.private_group)).status, 404);
}

TEST(GroupHandlers, UnknownAndMalformedGroupIdsAreNotFound) {
  Scene s;
  for (const char* path : {"/api/v1/groups/999999", "/api/v1/groups/x", "/api/v1/groups/0"}) {
    SCOPED_TRACE(path);
    auto response = s.CallAs(s.group_owner, Method::kGet, path);
    ExpectAnswer(response, 404, "not_found");
  }
}

TEST(GroupHandlers, CookieSessionsNeedTheCsrfHeaderToChangeGroups) {
  Scene s;
  const testing::BrowserSession session = s.CreateSession(s.outsider);
  auto without = s.Call(Method::kPost, "/api/v1/groups", R"({"name":"Mine"})",
                        {.session = session, .csrf = ""});
  ExpectAnswer(without, 403, "csrf_failed");
  auto with = s.Call(Method::kPost, "/api/v1/groups", R"({"name":"Mine"})", {.session = session});
  EXPECT_EQ(with.status, 201) << with.body;
}

// --- Joining and leaving ------------------------------------------------------------------

TEST(GroupHandlers, TheOwnerOfAPrivateGroupCannotJoinItButAddsThemself) {
  Scene s;
  auto response = s.CallAs(s.group_owner, Method::kPost, Scene::Path(s.private_group, "/join"));
  ExpectAnswer(response, 403, "group_private");
  EXPECT_FALSE(s.IsMember(s.private_group, s.group_owner));
  EXPECT_EQ(s.CallAs(s.group_owner, Method::kPut, Scene::MemberPath(s.private_group, s.group_owner),
                     R"({"role":null})")
                .status,
            200);
}

TEST(GroupHandlers, TheOwnerMayJoinTheirPublicGroup) {
  Scene s;
  EXPECT_EQ(s.CallAs(s.group_owner, Method::kPost, Scene::Path(s.public_group, "/join")).status,
            204);
  EXPECT_TRUE(s.IsMember(s.public_group, s.group_owner));
}

TEST(GroupHandlers, AMemberWhoJoinsTwiceKeepsTheRoleTheOwnerGave) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme, "o");
  Must(s.directory().SetGroupMember(s.public_group, s.member, Role::kBackup, s.now_ms, by_owner));
  EXPECT_EQ(s.CallAs(s.member, Method::kPost, Scene::Path(s.public_group, "/join")).status, 409);
  EXPECT_TRUE(s.RolesOn(s.member, s.in_groups).Contains(Role::kBackup));
}

TEST(GroupHandlers, JoiningGivesTheDefaultRoleOnTheGroupsSystems) {
  Scene s;
  ASSERT_EQ(s.CallAs(s.group_owner, Method::kPatch, Scene::Path(s.public_group),
                     R"({"default_role":"monitoring"})")
                .status,
            200);
  EXPECT_FALSE(Must(s.directory().GetVisibleSystem(s.outsider, s.acme, s.in_groups)));
  ASSERT_EQ(s.CallAs(s.outsider, Method::kPost, Scene::Path(s.public_group, "/join")).status, 204);
  EXPECT_TRUE(s.IsMember(s.public_group, s.outsider));
  auto seen = Must(s.directory().GetVisibleSystem(s.outsider, s.acme, s.in_groups));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->roles, RoleSet{Role::kMonitoring});
  EXPECT_EQ(s.RolesOn(s.outsider, s.in_groups), RoleSet{Role::kMonitoring});
}

TEST(GroupHandlers, LeavingTakesAwayTheRightsTheGroupGave) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme, "o");
  Must(s.directory().SetGroupMember(s.private_group, s.member, Role::kMonitoring, s.now_ms,
                                    by_owner));
  auto seen = Must(s.directory().GetVisibleSystem(s.member, s.acme, s.in_groups));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->roles, RoleSet{Role::kMonitoring});
  ASSERT_EQ(s.CallAs(s.member, Method::kPost, Scene::Path(s.private_group, "/leave")).status, 204);
  EXPECT_FALSE(s.IsMember(s.private_group, s.member));
  EXPECT_FALSE(Must(s.directory().GetVisibleSystem(s.member, s.acme, s.in_groups)));
  // After leaving a private group the member cannot even see it any more.
  EXPECT_EQ(s.CallAs(s.member, Method::kGet, Scene::Path(s.private_group)).status, 404);
}

// --- Members ------------------------------------------------------------------------------

TEST(GroupHandlers, MembersListShowsEmailNameRoleAndJoinTime) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme, "o");
  Must(s.directory().SetGroupMember(s.public_group, s.member, Role::kCallData, s.now_ms, by_owner));
  auto response = s.CallAs(s.outsider, Method::kGet, Scene::Path(s.public_group, "/members"));
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  const auto& items = body.at("items").as_array();
  EXPECT_EQ(body.at("total").as_int64(), static_cast<int64_t>(items.size()));
  bool found = false;
  for (const auto& item : items) {
    if (item.at("user_id").as_int64() != s.member) continue;
    found = true;
    EXPECT_EQ(item.at("email").as_string(), "member@example.com");
    EXPECT_EQ(item.at("name").as_string(), "Name of member@example.com");
    EXPECT_EQ(item.at("role").as_string(), "call_data");
    EXPECT_EQ(item.at("joined_at").as_string(), Rfc3339(s.now_ms));
  }
  EXPECT_TRUE(found);
}

TEST(GroupHandlers, PutMemberAddsTheUserWithTheRoleAndGivesRights) {
  Scene s;
  auto response =
      s.CallAs(s.group_owner, Method::kPut, Scene::MemberPath(s.private_group, s.outsider),
               R"({"role":"administrator"})");
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("user_id").as_int64(), s.outsider);
  EXPECT_EQ(body.at("email").as_string(), "outsider@example.com");
  EXPECT_EQ(body.at("role").as_string(), "administrator");
  EXPECT_EQ(s.RolesOn(s.outsider, s.in_groups), RoleSet{Role::kAdministrator});
  auto facts =
      Must(s.directory().LoadAccessFacts({.id = s.outsider, .company_id = s.acme}, s.in_groups));
  ASSERT_TRUE(facts.has_value());
  EXPECT_TRUE(policy::Decide(*facts, policy::Action::kEditSystemName).allowed());
}

TEST(GroupHandlers, PutMemberChangesTheRoleOfAMember) {
  Scene s;
  const std::string path = Scene::MemberPath(s.public_group, s.member);
  ASSERT_EQ(s.CallAs(s.group_owner, Method::kPut, path, R"({"role":"backup"})").status, 200);
  EXPECT_EQ(s.RolesOn(s.member, s.in_groups), RoleSet{Role::kBackup});
  auto reset = s.CallAs(s.group_owner, Method::kPut, path, R"({"role":null})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_TRUE(Body(reset).at("role").is_null());
  // No own role and no default role: no rights and no path to the system (B7).
  EXPECT_FALSE(Must(s.directory().GetVisibleSystem(s.member, s.acme, s.in_groups)));
}

TEST(GroupHandlers, AMemberWithoutRoleGetsTheGroupsDefaultRole) {
  Scene s;
  EXPECT_TRUE(s.RolesOn(s.member, s.in_groups).empty());
  ASSERT_EQ(s.CallAs(s.group_owner, Method::kPatch, Scene::Path(s.private_group),
                     R"({"default_role":"call_data"})")
                .status,
            200);
  EXPECT_EQ(s.RolesOn(s.member, s.in_groups), RoleSet{Role::kCallData});
  auto seen = Must(s.directory().GetVisibleSystem(s.member, s.acme, s.in_groups));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->roles, RoleSet{Role::kCallData});
}

TEST(GroupHandlers, PutMemberRefusesUsersOfAnotherCompanyOrNobody) {
  Scene s;
  for (int64_t user : {s.stranger, int64_t{999999}}) {
    SCOPED_TRACE(user);
    auto response = s.CallAs(s.group_owner, Method::kPut, Scene::MemberPath(s.private_group, user),
                             R"({"role":null})");
    ExpectAnswer(response, 404, "not_found");
    EXPECT_FALSE(s.IsMember(s.private_group, user));
  }
}

TEST(GroupHandlers, PutMemberRefusesBadBodies) {
  Scene s;
  const std::string path = Scene::MemberPath(s.private_group, s.outsider);
  struct Case {
    std::string body;
    std::string code;
  };
  for (const Case& c : std::vector<Case>{{R"({})", "missing_field"},
                                         {R"({"role":"owner"})", "invalid_field"},
                                         {R"({"role":["backup"]})", "invalid_field"},
                                         {R"({"role":null,"extra":1})", "unknown_field"}}) {
    SCOPED_TRACE(c.body);
    auto response = s.CallAs(s.group_owner, Method::kPut, path, c.body);
    ExpectAnswer(response, 400, c.code);
  }
  EXPECT_FALSE(s.IsMember(s.private_group, s.outsider));
}

TEST(GroupHandlers, AMemberCannotRemoveAnotherMember) {
  Scene s;
  auto response =
      s.CallAs(s.member, Method::kDelete, Scene::MemberPath(s.private_group, s.second_member));
  ExpectAnswer(response, 403, "forbidden");
  EXPECT_TRUE(s.IsMember(s.private_group, s.second_member));
}

TEST(GroupHandlers, RemovingSomeoneWhoIsNotAMemberIsNotFound) {
  Scene s;
  auto response =
      s.CallAs(s.group_owner, Method::kDelete, Scene::MemberPath(s.private_group, s.outsider));
  ExpectAnswer(response, 404, "not_found");
}

TEST(GroupHandlers, TheOwnerMayDropTheirOwnMembershipAndStaysOwner) {
  Scene s;
  const std::string path = Scene::MemberPath(s.private_group, s.group_owner);
  ASSERT_EQ(s.CallAs(s.group_owner, Method::kPut, path, R"({"role":"monitoring"})").status, 200);
  ASSERT_TRUE(s.IsMember(s.private_group, s.group_owner));
  EXPECT_EQ(s.CallAs(s.group_owner, Method::kDelete, path).status, 204);
  EXPECT_FALSE(s.IsMember(s.private_group, s.group_owner));
  EXPECT_EQ(s.CallAs(s.group_owner, Method::kPatch, Scene::Path(s.private_group),
                     R"({"description":"still mine"})")
                .status,
            200);
}

TEST(GroupHandlers, RemovingAMemberTakesAwayTheRightsTheGroupGave) {
  Scene s;
  const std::string path = Scene::MemberPath(s.private_group, s.member);
  ASSERT_EQ(s.CallAs(s.group_owner, Method::kPut, path, R"({"role":"monitoring"})").status, 200);
  ASSERT_FALSE(s.RolesOn(s.member, s.in_groups).empty());
  ASSERT_EQ(s.CallAs(s.group_owner, Method::kDelete, path).status, 204);
  EXPECT_TRUE(s.RolesOn(s.member, s.in_groups).empty());
}

// --- Systems ------------------------------------------------------------------------------

TEST(GroupHandlers, SystemsListShowsSerialNameAndAddTime) {
  Scene s;
  auto response = s.CallAs(s.member, Method::kGet, Scene::Path(s.private_group, "/systems"));
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("total").as_int64(), 1);
  const auto& item = body.at("items").at(0);
  EXPECT_EQ(item.at("system_id").as_int64(), s.in_groups);
  EXPECT_EQ(item.at("serial").as_string(), "SERIAL-G");
  EXPECT_EQ(item.at("name").as_string(), "PBX SERIAL-G");
  EXPECT_EQ(item.at("added_at").as_string(), Rfc3339(s.now_ms));
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
      const directory::Actor by_owner = ActorFor(s.group_owner, s.acme, "o");
      Must(s.directory().SetGroupMember(s.public_group, caller, std::nullopt, s.now_ms, by_owner));
    }
    if (!row.roles.empty()) s.Grant(caller, s.spare, row.roles, s.system_owner);
    auto response = s.CallAs(caller, Method::kPut, Scene::SystemPath(s.public_group, s.spare));
    ExpectAnswer(response, row.status, row.code);
    EXPECT_EQ(s.HasSystem(s.public_group, s.spare), row.status == 200);
  }
}

TEST(GroupHandlers, AddingASystemAnswersTheGroupSystem) {
  Scene s;
  s.Grant(s.member, s.spare, {Role::kAdministrator}, s.system_owner);
  auto response = s.CallAs(s.member, Method::kPut, Scene::SystemPath(s.public_group, s.spare));
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = Body(response);
  EXPECT_EQ(body.at("system_id").as_int64(), s.spare);
  EXPECT_EQ(body.at("serial").as_string(), "SERIAL-S");
  EXPECT_EQ(body.at("name").as_string(), "PBX SERIAL-S");
  EXPECT_EQ(body.at("added_at").as_string(), Rfc3339(s.now_ms));
}

TEST(GroupHandlers, AddingASystemTwiceIsIdempotent) {
  Scene s;
  const std::string path = Scene::SystemPath(s.public_group, s.in_groups);
  s.Grant(s.group_owner, s.in_groups, {Role::kAdministrator}, s.system_owner);
  auto again = s.CallAs(s.group_owner, Method::kPut, path);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Body(again).at("system_id").as_int64(), s.in_groups);
  EXPECT_EQ(Body(again).at("added_at").as_string(), Rfc3339(s.now_ms));
  EXPECT_EQ(Must(s.directory().ListGroupSystems(s.public_group)).size(), 1u);
}

TEST(GroupHandlers, AddingASystemOfAnotherCompanyIsNotFound) {
  Scene s;
  const int64_t foreign_owner = s.CreateUserWithToken(s.other, "foreign");
  const int64_t foreign = s.CreateSystem(s.other, foreign_owner, "SERIAL-X");
  auto response = s.CallAs(s.group_owner, Method::kPut, Scene::SystemPath(s.public_group, foreign));
  ExpectAnswer(response, 404, "not_found");
}

TEST(GroupHandlers, AddingASystemGivesMembersTheirRoleOnIt) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme, "o");
  Must(s.directory().SetGroupMember(s.private_group, s.second_member, Role::kMonitoring, s.now_ms,
                                    by_owner));
  EXPECT_FALSE(Must(s.directory().GetVisibleSystem(s.second_member, s.acme, s.spare)));
  s.Grant(s.member, s.spare, {Role::kAdministrator}, s.system_owner);
  auto response = s.CallAs(s.member, Method::kPut, Scene::SystemPath(s.private_group, s.spare));
  ASSERT_EQ(response.status, 200) << response.body;
  auto seen = Must(s.directory().GetVisibleSystem(s.second_member, s.acme, s.spare));
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
    auto response = s.CallAs(caller, Method::kDelete, Scene::SystemPath(group, s.in_groups));
    ExpectAnswer(response, row.status, row.code);
    EXPECT_EQ(s.HasSystem(group, s.in_groups), row.status != 204);
  }
}

TEST(GroupHandlers, RemovingASystemThatIsNotInTheGroupIsNotFound) {
  Scene s;
  auto response =
      s.CallAs(s.group_owner, Method::kDelete, Scene::SystemPath(s.public_group, s.spare));
  ExpectAnswer(response, 404, "not_found");
}

TEST(GroupHandlers, RemovingASystemTakesAwayTheMembersRightsOnIt) {
  Scene s;
  const directory::Actor by_owner = ActorFor(s.group_owner, s.acme, "o");
  Must(s.directory().SetGroupMember(s.private_group, s.member, Role::kBackup, s.now_ms, by_owner));
  ASSERT_EQ(s.RolesOn(s.member, s.in_groups), RoleSet{Role::kBackup});
  ASSERT_EQ(
      s.CallAs(s.system_owner, Method::kDelete, Scene::SystemPath(s.private_group, s.in_groups))
          .status,
      204);
  EXPECT_TRUE(s.RolesOn(s.member, s.in_groups).empty());
}

TEST(GroupHandlers, ChangesAreWrittenToTheAuditLogWithTheCaller) {
  Scene s;
  ASSERT_EQ(s.CallAs(s.outsider, Method::kPost, Scene::Path(s.public_group, "/join")).status, 204);
  const auto audit = Must(s.directory().ListAudit(s.acme, FirstItems(1000)));
  bool found = false;
  for (const auto& entry : audit.items) {
    if (entry.actor_user_id == s.outsider && entry.address == testing::CallOptions{}.address)
      found = true;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace ccc::relay::api
