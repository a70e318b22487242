#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "relay/directory/directory.h"
#include "relay/directory/directory_test_util.h"

namespace ccc::relay::directory {
namespace {

using policy::Role;
using policy::RoleSet;

class AccessTest : public testutil::DirectoryTest {
 protected:
  void SetUp() override {
    testutil::DirectoryTest::SetUp();
    company_ = MakeCompany();
    owner_ = MakeUser(company_, "owner@example.com");
    colleague_ = MakeUser(company_, "colleague@example.com");
    system_ = MakeSystem(company_, owner_, "SN-ACCESS", "Access system");
  }

  AuditEntry LastAudit() {
    std::vector<AuditEntry> audit = AuditOf(company_);
    if (audit.empty()) {
      ADD_FAILURE() << "empty audit log";
      return {};
    }
    return audit.back();
  }

  int64_t Grant(int64_t user_id, int64_t system_id, RoleSet roles) {
    auto id = dir().UpsertAuthorisation(user_id, system_id, roles, owner_, kNow, ActorFor(owner_));
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  int64_t NewGroup(const std::string& name, bool is_public = false,
                   std::optional<Role> default_role = std::nullopt, int64_t owner = 0) {
    if (owner == 0) owner = owner_;
    auto id = dir().CreateGroup(company_, owner, name, "about " + name, default_role, is_public,
                                kNow, ActorFor(owner));
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  std::vector<std::string> GroupNames(int64_t viewer, bool only_owned, ListQuery query = {}) {
    auto page = dir().ListGroups(company_, viewer, only_owned, query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> names;
    if (page.ok()) {
      for (const Group& g : page->items) names.push_back(g.name);
    }
    return names;
  }

  int64_t company_ = 0;
  int64_t owner_ = 0;
  int64_t colleague_ = 0;
  int64_t system_ = 0;
};

// --- Authorisations -----------------------------------------------------------------------

TEST_F(AccessTest, GrantStoresRolesGranterAndNames) {
  const int64_t id = Grant(colleague_, system_, {Role::kMonitoring, Role::kCallData});
  auto a = dir().GetAuthorisation(id);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->user_id, colleague_);
  EXPECT_EQ((*a)->user_email, "colleague@example.com");
  EXPECT_EQ((*a)->system_id, system_);
  EXPECT_EQ((*a)->system_name, "Access system");
  EXPECT_EQ((*a)->system_serial, "SN-ACCESS");
  EXPECT_EQ((*a)->roles, (RoleSet{Role::kMonitoring, Role::kCallData}));
  EXPECT_EQ((*a)->granted_by, owner_);
  EXPECT_EQ((*a)->granted_by_email, "owner@example.com");
  EXPECT_EQ((*a)->created_ms, kNow);
  AuditEntry entry = LastAudit();
  EXPECT_EQ(entry.action, "authorisation.grant");
  EXPECT_EQ(entry.target_type, "authorisation");
  EXPECT_EQ(entry.target_id, std::to_string(id));
  EXPECT_NE(entry.details_json.find(R"("roles":["monitoring","call_data"])"), std::string::npos)
      << entry.details_json;
}

TEST_F(AccessTest, EmptyRolesOrOwnerAreInvalidArgument) {
  EXPECT_EQ(dir()
                .UpsertAuthorisation(colleague_, system_, RoleSet{}, owner_, kNow, ActorFor(owner_))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(dir()
                .UpsertAuthorisation(colleague_, system_, {Role::kOwner, Role::kBackup}, owner_,
                                     kNow, ActorFor(owner_))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  const int64_t id = Grant(colleague_, system_, {Role::kBackup});
  EXPECT_EQ(dir().UpdateAuthorisationRoles(id, {Role::kOwner}, kNow, ActorFor(owner_)).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(AccessTest, UpsertOfAnExistingPairReplacesItsRoles) {
  const int64_t first = Grant(colleague_, system_, {Role::kBackup});
  auto second = dir().UpsertAuthorisation(colleague_, system_, {Role::kAdministrator}, owner_,
                                          kNow + 5, ActorFor(owner_));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, first);
  auto a = dir().GetAuthorisation(first);
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->roles, RoleSet{Role::kAdministrator});
  EXPECT_EQ((*a)->created_ms, kNow);
  EXPECT_EQ((*a)->updated_ms, kNow + 5);
  EXPECT_EQ(LastAudit().action, "authorisation.update");
}

TEST_F(AccessTest, GrantToAUserOfAnotherCompanyIsNotFound) {
  const int64_t stranger = MakeUser(MakeCompany());
  auto id =
      dir().UpsertAuthorisation(stranger, system_, {Role::kBackup}, owner_, kNow, ActorFor(owner_));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::kNotFound);
}

TEST_F(AccessTest, UpdateChangesRolesAndAuditsThePreviousOnes) {
  const int64_t id = Grant(colleague_, system_, {Role::kBackup});
  ASSERT_TRUE(
      dir().UpdateAuthorisationRoles(id, {Role::kMonitoring}, kNow + 9, ActorFor(owner_)).ok());
  auto a = dir().GetAuthorisation(id);
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->roles, RoleSet{Role::kMonitoring});
  EXPECT_EQ((*a)->updated_ms, kNow + 9);
  AuditEntry entry = LastAudit();
  EXPECT_EQ(entry.action, "authorisation.update");
  EXPECT_NE(entry.details_json.find(R"("previous_roles":["backup"])"), std::string::npos)
      << entry.details_json;
  EXPECT_EQ(dir().UpdateAuthorisationRoles(9999, {Role::kBackup}, kNow, ActorFor(owner_)).code(),
            StatusCode::kNotFound);
}

TEST_F(AccessTest, DeleteRevokesAndIsAudited) {
  const int64_t id = Grant(colleague_, system_, {Role::kBackup});
  ASSERT_TRUE(dir().DeleteAuthorisation(id, ActorFor(owner_)).ok());
  auto a = dir().GetAuthorisation(id);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->has_value());
  EXPECT_EQ(LastAudit().action, "authorisation.revoke");
  EXPECT_EQ(dir().DeleteAuthorisation(id, ActorFor(owner_)).code(), StatusCode::kNotFound);
}

TEST_F(AccessTest, ListShowsOnlyWhatTheGranterGrantedWithFilterSortAndTotal) {
  const int64_t other_system = MakeSystem(company_, owner_, "SN-ZULU", "Zulu");
  const int64_t third = MakeUser(company_, "aaron@example.com");
  Grant(colleague_, system_, {Role::kBackup});
  Grant(third, other_system, {Role::kMonitoring});
  Grant(colleague_, other_system, {Role::kCallData});
  // Granted by someone else: not in the owner's list.
  ASSERT_TRUE(dir()
                  .UpsertAuthorisation(third, system_, {Role::kBackup}, colleague_, kNow,
                                       ActorFor(colleague_))
                  .ok());

  ListQuery query;
  auto page = dir().ListAuthorisationsGrantedBy(owner_, query);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->items[0].user_email, "aaron@example.com");

  query.sort = "system";
  query.descending = true;
  page = dir().ListAuthorisationsGrantedBy(owner_, query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items[0].system_name, "Zulu");
  EXPECT_EQ(page->items[2].system_name, "Access system");

  query = ListQuery{};
  query.q = "sn-zul";
  query.limit = 1;
  page = dir().ListAuthorisationsGrantedBy(owner_, query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 2);
  EXPECT_EQ(page->items.size(), 1u);

  query.offset = 5;
  page = dir().ListAuthorisationsGrantedBy(owner_, query);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(page->total, 2);

  query = ListQuery{};
  query.sort = "roles";
  EXPECT_EQ(dir().ListAuthorisationsGrantedBy(owner_, query).status().code(),
            StatusCode::kInvalidArgument);
}

// --- Groups -------------------------------------------------------------------------------

TEST_F(AccessTest, CreateGroupStoresItsSettingsAndAudits) {
  const int64_t id = NewGroup("Technicians", true, Role::kMonitoring);
  auto group = dir().GetGroup(id, colleague_);
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  ASSERT_TRUE(group->has_value());
  EXPECT_EQ((*group)->name, "Technicians");
  EXPECT_EQ((*group)->description, "about Technicians");
  EXPECT_EQ((*group)->default_role, Role::kMonitoring);
  EXPECT_TRUE((*group)->is_public);
  EXPECT_EQ((*group)->owner_user_id, owner_);
  EXPECT_EQ((*group)->owner_email, "owner@example.com");
  EXPECT_EQ((*group)->company_id, company_);
  EXPECT_EQ((*group)->member_count, 0);
  EXPECT_FALSE((*group)->viewer_is_member);
  AuditEntry entry = LastAudit();
  EXPECT_EQ(entry.action, "group.create");
  EXPECT_NE(entry.details_json.find(R"("default_role":"monitoring")"), std::string::npos)
      << entry.details_json;
}

TEST_F(AccessTest, DefaultRoleIsStoredAsTheRoleValueNotABitMask) {
  const int64_t id = NewGroup("Backup team", false, Role::kBackup);
  auto db = sqlite::Database::Open(Options().path);
  ASSERT_TRUE(db.ok());
  auto stmt = db->Prepare("SELECT default_role FROM groups WHERE id = ?1");
  ASSERT_TRUE(stmt.ok());
  stmt->Bind(1, id);
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->ColumnInt(0), static_cast<int64_t>(Role::kBackup));
}

TEST_F(AccessTest, GroupNameIsUniquePerCompany) {
  NewGroup("Same");
  auto again = dir().CreateGroup(company_, colleague_, "Same", "", std::nullopt, false, kNow,
                                 ActorFor(colleague_));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  const int64_t other_company = MakeCompany();
  const int64_t other_owner = MakeUser(other_company);
  EXPECT_TRUE(dir()
                  .CreateGroup(other_company, other_owner, "Same", "", std::nullopt, false, kNow,
                               ActorFor(other_owner))
                  .ok());
}

TEST_F(AccessTest, OwnerRoleIsNeverAGroupRole) {
  EXPECT_EQ(
      dir()
          .CreateGroup(company_, owner_, "Owners", "", Role::kOwner, false, kNow, ActorFor(owner_))
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  const int64_t id = NewGroup("Fine");
  EXPECT_EQ(dir().SetGroupMember(id, colleague_, Role::kOwner, kNow, ActorFor(owner_)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(dir().UpdateGroup(id, "Fine", "", Role::kOwner, false, ActorFor(owner_)).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(AccessTest, UpdateGroupChangesSettingsAndRefusesATakenName) {
  const int64_t id = NewGroup("Before");
  NewGroup("Taken");
  ASSERT_TRUE(
      dir().UpdateGroup(id, "After", "new text", Role::kCallData, true, ActorFor(owner_)).ok());
  auto group = dir().GetGroup(id, owner_);
  ASSERT_TRUE(group.ok() && group->has_value());
  EXPECT_EQ((*group)->name, "After");
  EXPECT_EQ((*group)->description, "new text");
  EXPECT_EQ((*group)->default_role, Role::kCallData);
  EXPECT_TRUE((*group)->is_public);
  EXPECT_EQ(LastAudit().action, "group.update");
  EXPECT_EQ(dir().UpdateGroup(id, "Taken", "", std::nullopt, true, ActorFor(owner_)).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(dir().UpdateGroup(9999, "X", "", std::nullopt, true, ActorFor(owner_)).code(),
            StatusCode::kNotFound);
}

TEST_F(AccessTest, DeleteGroupRemovesMembersAndSystemLinks) {
  const int64_t id = NewGroup("Doomed", false, Role::kMonitoring);
  ASSERT_TRUE(dir().SetGroupMember(id, colleague_, std::nullopt, kNow, ActorFor(owner_)).ok());
  ASSERT_TRUE(dir().AddGroupSystem(id, system_, owner_, kNow, ActorFor(owner_)).ok());
  ASSERT_TRUE(dir().DeleteGroup(id, ActorFor(owner_)).ok());
  auto group = dir().GetGroup(id, owner_);
  ASSERT_TRUE(group.ok());
  EXPECT_FALSE(group->has_value());
  EXPECT_EQ(dir().ListGroupMembers(id).status().code(), StatusCode::kNotFound);
  auto visible = dir().GetVisibleSystem(colleague_, company_, system_);
  ASSERT_TRUE(visible.ok());
  EXPECT_FALSE(visible->has_value());
  EXPECT_EQ(LastAudit().action, "group.delete");
  EXPECT_EQ(dir().DeleteGroup(id, ActorFor(owner_)).code(), StatusCode::kNotFound);
}

TEST_F(AccessTest, MembersCarryTheirOwnRoleOrNone) {
  const int64_t id = NewGroup("Crew", false, Role::kMonitoring);
  const int64_t third = MakeUser(company_, "third@example.com");
  ASSERT_TRUE(dir().SetGroupMember(id, colleague_, std::nullopt, kNow, ActorFor(owner_)).ok());
  ASSERT_TRUE(dir().SetGroupMember(id, third, Role::kBackup, kNow + 1, ActorFor(owner_)).ok());
  auto members = dir().ListGroupMembers(id);
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].email, "colleague@example.com");
  EXPECT_FALSE((*members)[0].role.has_value());
  EXPECT_EQ((*members)[1].email, "third@example.com");
  EXPECT_EQ((*members)[1].role, Role::kBackup);
  EXPECT_EQ((*members)[1].joined_ms, kNow + 1);
  AuditEntry entry = LastAudit();
  EXPECT_EQ(entry.action, "group.member_set");
  EXPECT_NE(entry.details_json.find(R"("role":"backup")"), std::string::npos) << entry.details_json;
}

TEST_F(AccessTest, ChangingAMembersRoleKeepsTheJoinDate) {
  const int64_t id = NewGroup("Crew");
  ASSERT_TRUE(dir().SetGroupMember(id, colleague_, Role::kBackup, kNow, ActorFor(owner_)).ok());
  ASSERT_TRUE(
      dir().SetGroupMember(id, colleague_, Role::kCallData, kNow + 50, ActorFor(owner_)).ok());
  auto members = dir().ListGroupMembers(id);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].role, Role::kCallData);
  EXPECT_EQ((*members)[0].joined_ms, kNow);
}

TEST_F(AccessTest, MembersAndSystemsMustBelongToTheGroupsCompany) {
  const int64_t id = NewGroup("Local");
  const int64_t other_company = MakeCompany();
  const int64_t stranger = MakeUser(other_company);
  const int64_t foreign_system = MakeSystem(other_company, stranger, "SN-FOREIGN");
  EXPECT_EQ(dir().SetGroupMember(id, stranger, std::nullopt, kNow, ActorFor(owner_)).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(dir().AddGroupSystem(id, foreign_system, owner_, kNow, ActorFor(owner_)).code(),
            StatusCode::kNotFound);
}

TEST_F(AccessTest, RemoveMemberIsAuditedAndUnknownMemberIsNotFound) {
  const int64_t id = NewGroup("Crew");
  ASSERT_TRUE(dir().SetGroupMember(id, colleague_, std::nullopt, kNow, ActorFor(owner_)).ok());
  ASSERT_TRUE(dir().RemoveGroupMember(id, colleague_, ActorFor(colleague_)).ok());
  EXPECT_EQ(LastAudit().action, "group.member_remove");
  auto members = dir().ListGroupMembers(id);
  ASSERT_TRUE(members.ok());
  EXPECT_TRUE(members->empty());
  EXPECT_EQ(dir().RemoveGroupMember(id, colleague_, ActorFor(owner_)).code(),
            StatusCode::kNotFound);
}

TEST_F(AccessTest, GroupSystemsAreListedAddedOnceAndRemoved) {
  const int64_t id = NewGroup("Fleet");
  ASSERT_TRUE(dir().AddGroupSystem(id, system_, colleague_, kNow + 3, ActorFor(owner_)).ok());
  const size_t audit_rows = AuditOf(company_).size();
  ASSERT_TRUE(dir().AddGroupSystem(id, system_, colleague_, kNow + 4, ActorFor(owner_)).ok());
  EXPECT_EQ(AuditOf(company_).size(), audit_rows);  // nothing changed, nothing to audit
  auto systems = dir().ListGroupSystems(id);
  ASSERT_TRUE(systems.ok()) << systems.status().ToString();
  ASSERT_EQ(systems->size(), 1u);
  EXPECT_EQ((*systems)[0].system_id, system_);
  EXPECT_EQ((*systems)[0].serial, "SN-ACCESS");
  EXPECT_EQ((*systems)[0].name, "Access system");
  EXPECT_EQ((*systems)[0].added_by, colleague_);
  EXPECT_EQ((*systems)[0].added_ms, kNow + 3);
  ASSERT_TRUE(dir().RemoveGroupSystem(id, system_, ActorFor(owner_)).ok());
  EXPECT_EQ(LastAudit().action, "group.system_remove");
  EXPECT_EQ(dir().RemoveGroupSystem(id, system_, ActorFor(owner_)).code(), StatusCode::kNotFound);
}

TEST_F(AccessTest, GroupListShowsPublicOwnAndJoinedGroupsOnly) {
  NewGroup("Public", true);
  NewGroup("Private of owner");
  const int64_t joined = NewGroup("Private joined");
  NewGroup("Own private", false, std::nullopt, colleague_);
  ASSERT_TRUE(dir().SetGroupMember(joined, colleague_, std::nullopt, kNow, ActorFor(owner_)).ok());
  EXPECT_EQ(GroupNames(colleague_, false),
            (std::vector<std::string>{"Own private", "Private joined", "Public"}));
  EXPECT_EQ(GroupNames(colleague_, true), std::vector<std::string>{"Own private"});
  // Another company's public groups never show.
  const int64_t other_company = MakeCompany();
  const int64_t stranger = MakeUser(other_company);
  auto page = dir().ListGroups(other_company, stranger, false, ListQuery{});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0);
}

TEST_F(AccessTest, GroupListCountsMembersAndSystemsAndMarksTheViewersGroups) {
  const int64_t big = NewGroup("Big", true, Role::kMonitoring);
  NewGroup("Small", true);
  const int64_t third = MakeUser(company_);
  ASSERT_TRUE(dir().SetGroupMember(big, colleague_, std::nullopt, kNow, ActorFor(owner_)).ok());
  ASSERT_TRUE(dir().SetGroupMember(big, third, std::nullopt, kNow, ActorFor(owner_)).ok());
  ASSERT_TRUE(dir().AddGroupSystem(big, system_, owner_, kNow, ActorFor(owner_)).ok());
  ListQuery query;
  query.sort = "members";
  query.descending = true;
  auto page = dir().ListGroups(company_, colleague_, false, query);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].name, "Big");
  EXPECT_EQ(page->items[0].member_count, 2);
  EXPECT_EQ(page->items[0].system_count, 1);
  EXPECT_TRUE(page->items[0].viewer_is_member);
  EXPECT_FALSE(page->items[1].viewer_is_member);
  query.sort = "systems";
  query.descending = false;
  page = dir().ListGroups(company_, colleague_, false, query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items[0].name, "Small");
}

TEST_F(AccessTest, GroupListFiltersByNameOrDescriptionAndPages) {
  NewGroup("Alpha", true);
  NewGroup("Beta", true);
  NewGroup("Gamma_1", true);
  ListQuery query;
  query.q = "ABOUT BE";
  EXPECT_EQ(GroupNames(owner_, false, query), std::vector<std::string>{"Beta"});
  query.q = "a_";
  EXPECT_EQ(GroupNames(owner_, false, query), std::vector<std::string>{"Gamma_1"});
  query = ListQuery{};
  query.limit = 2;
  query.offset = 2;
  auto page = dir().ListGroups(company_, owner_, false, query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "Gamma_1");
  query.sort = "owner";
  query.offset = 0;
  EXPECT_TRUE(dir().ListGroups(company_, owner_, false, query).ok());
  query.sort = "public";
  EXPECT_EQ(dir().ListGroups(company_, owner_, false, query).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccc::relay::directory
