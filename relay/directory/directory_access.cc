// Directory: authorisations (B4) and groups (B5-B7).

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relay/directory/directory.h"
#include "relay/directory/directory_impl.h"
#include "relay/directory/role_columns.h"

namespace ccc::relay::directory {
namespace {

using detail::CountRows;
using detail::InCompany;
using detail::Json;
using detail::ReadAll;
using detail::ReadOne;
using detail::ReadPage;

boost::json::array RolesJson(policy::RoleSet roles) {
  boost::json::array array;
  for (policy::Role role : roles.ToVector()) array.emplace_back(policy::RoleWireName(role));
  return array;
}

boost::json::value RoleJson(std::optional<policy::Role> role) {
  if (!role.has_value()) return nullptr;
  return boost::json::string(policy::RoleWireName(*role));
}

Status ValidateGrantedRoles(policy::RoleSet roles) {
  if (roles.empty()) return InvalidArgument("an authorisation needs at least one role");
  if (roles.Contains(policy::Role::kOwner)) {
    return InvalidArgument("the owner role cannot be granted");
  }
  return Status::Ok();
}

Status ValidateGroupRole(std::optional<policy::Role> role) {
  if (role.has_value() && !policy::IsGrantable(*role)) {
    return InvalidArgument("the owner role cannot be given through a group");
  }
  return Status::Ok();
}

// Company of a user or system row, nullopt when it does not exist.
Result<std::optional<int64_t>> CompanyOf(sqlite::Database& db, std::string_view table, int64_t id) {
  Result<sqlite::Statement> stmt =
      db.Prepare("SELECT company_id FROM " + std::string(table) + " WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, id);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt->ColumnInt(0));
}

// --- Authorisations -----------------------------------------------------------------------

constexpr std::string_view kAuthorisationSelect = R"sql(
SELECT a.id, a.user_id, u.email, a.system_id, s.name, s.serial, a.roles, a.granted_by,
       g.email, a.created_ms, a.updated_ms
FROM authorisations a
JOIN users u ON u.id = a.user_id
JOIN systems s ON s.id = a.system_id
JOIN users g ON g.id = a.granted_by
)sql";

Authorisation ReadAuthorisation(const sqlite::Statement& s) {
  Authorisation a;
  a.id = s.ColumnInt(0);
  a.user_id = s.ColumnInt(1);
  a.user_email = s.ColumnText(2);
  a.system_id = s.ColumnInt(3);
  a.system_name = s.ColumnText(4);
  a.system_serial = s.ColumnText(5);
  // Stored masks never hold kOwner; a stray bit must not grant ownership anyway.
  a.roles = detail::RoleSetFromBits(s.ColumnInt(6) & ~int64_t{1});
  a.granted_by = s.ColumnInt(7);
  a.granted_by_email = s.ColumnText(8);
  a.created_ms = s.ColumnInt(9);
  a.updated_ms = s.ColumnInt(10);
  return a;
}

// What the audit entries of an authorisation name.
struct AuthorisationKey {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string email;
  int64_t system_id = 0;
  int64_t company_id = 0;
  std::string serial;
  int64_t roles = 0;
};

Result<std::optional<AuthorisationKey>> LoadAuthorisationKey(sqlite::Database& db, int64_t id) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "SELECT a.id, a.user_id, u.email, a.system_id, s.company_id, s.serial, a.roles"
      " FROM authorisations a JOIN users u ON u.id = a.user_id"
      " JOIN systems s ON s.id = a.system_id WHERE a.id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, id);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<AuthorisationKey>();
  return std::optional<AuthorisationKey>(AuthorisationKey{
      stmt->ColumnInt(0), stmt->ColumnInt(1), stmt->ColumnText(2), stmt->ColumnInt(3),
      stmt->ColumnInt(4), stmt->ColumnText(5), stmt->ColumnInt(6)});
}

boost::json::object AuthorisationDetails(const AuthorisationKey& key, policy::RoleSet roles) {
  return {{"user_id", key.user_id},
          {"email", key.email},
          {"system_id", key.system_id},
          {"serial", key.serial},
          {"roles", RolesJson(roles)}};
}

Status AuthorisationNotFound(int64_t id) {
  return NotFound("authorisation " + std::to_string(id) + " not found");
}

constexpr std::array<detail::SortKey, 3> kAuthorisationSortKeys = {{
    {"user", "u.email COLLATE NOCASE"},
    {"system", "s.name COLLATE NOCASE"},
    {"created", "a.created_ms"},
}};

// --- Groups -------------------------------------------------------------------------------

// ?1 = the viewer (viewer_is_member).
constexpr std::string_view kGroupSelect = R"sql(
SELECT g.id, g.company_id, g.owner_user_id, o.email, g.name, g.description, g.default_role,
       g.is_public, g.created_ms,
       (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS member_count,
       (SELECT count(*) FROM group_systems gs WHERE gs.group_id = g.id) AS system_count,
       EXISTS(SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.user_id = ?1)
FROM groups g
JOIN users o ON o.id = g.owner_user_id
)sql";

Group ReadGroup(const sqlite::Statement& s) {
  Group g;
  g.id = s.ColumnInt(0);
  g.company_id = s.ColumnInt(1);
  g.owner_user_id = s.ColumnInt(2);
  g.owner_email = s.ColumnText(3);
  g.name = s.ColumnText(4);
  g.description = s.ColumnText(5);
  g.default_role = detail::RoleFromValue(detail::OptionalInt(s, 6));
  g.is_public = s.ColumnInt(7) != 0;
  g.created_ms = s.ColumnInt(8);
  g.member_count = s.ColumnInt(9);
  g.system_count = s.ColumnInt(10);
  g.viewer_is_member = s.ColumnInt(11) != 0;
  return g;
}

constexpr std::array<detail::SortKey, 5> kGroupSortKeys = {{
    {"name", "g.name COLLATE NOCASE"},
    {"created", "g.created_ms"},
    {"members", "member_count"},
    {"systems", "system_count"},
    {"owner", "o.email COLLATE NOCASE"},
}};

GroupMember ReadGroupMember(const sqlite::Statement& s) {
  return GroupMember{s.ColumnInt(0), s.ColumnText(1), s.ColumnText(2),
                     detail::RoleFromValue(detail::OptionalInt(s, 3)), s.ColumnInt(4)};
}

GroupSystem ReadGroupSystem(const sqlite::Statement& s) {
  return GroupSystem{s.ColumnInt(0), s.ColumnText(1), s.ColumnText(2), s.ColumnInt(3),
                     s.ColumnInt(4)};
}

struct GroupKey {
  int64_t company_id = 0;
  std::string name;
};

Result<std::optional<GroupKey>> LoadGroupKey(sqlite::Database& db, int64_t group_id) {
  Result<sqlite::Statement> stmt = db.Prepare("SELECT company_id, name FROM groups WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, group_id);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<GroupKey>();
  return std::optional<GroupKey>(GroupKey{stmt->ColumnInt(0), stmt->ColumnText(1)});
}

Status GroupNotFound(int64_t group_id) {
  return NotFound("group " + std::to_string(group_id) + " not found");
}

Status GroupNameTaken(const std::string& name) {
  return Status(StatusCode::kAlreadyExists, "a group named \"" + name + "\" already exists");
}

// A user or system that must belong to the group's company; kNotFound otherwise (the API
// answers 404 for other companies' objects).
Result<std::string> LabelInCompany(sqlite::Database& db, std::string_view sql, int64_t id,
                                   int64_t company_id, std::string_view what) {
  Result<sqlite::Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, id);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row || stmt->ColumnInt(0) != company_id) {
    return NotFound(std::string(what) + " " + std::to_string(id) + " not found");
  }
  return stmt->ColumnText(1);
}

}  // namespace

// --- Authorisations -----------------------------------------------------------------------

Result<int64_t> Directory::UpsertAuthorisation(int64_t user_id, int64_t system_id,
                                               policy::RoleSet roles, int64_t granted_by, Ms now,
                                               const Actor& actor) {
  CCC_RETURN_IF_ERROR(ValidateGrantedRoles(roles));
  return impl_->Write<int64_t>([&](sqlite::Database& db) -> Result<int64_t> {
    Result<std::optional<int64_t>> system_company = CompanyOf(db, "systems", system_id);
    if (!system_company.ok()) return system_company.status();
    if (!system_company->has_value()) {
      return NotFound("system " + std::to_string(system_id) + " not found");
    }
    const int64_t company_id = **system_company;
    Result<std::string> email = LabelInCompany(
        db, "SELECT company_id, email FROM users WHERE id = ?1", user_id, company_id, "user");
    if (!email.ok()) return email.status();

    Result<sqlite::Statement> existing =
        db.Prepare("SELECT id FROM authorisations WHERE user_id = ?1 AND system_id = ?2");
    if (!existing.ok()) return existing.status();
    existing->Bind(1, user_id).Bind(2, system_id);
    Result<bool> exists = existing->Step();
    if (!exists.ok()) return exists.status();
    const bool replacing = *exists;

    Result<sqlite::Statement> upsert = db.Prepare(
        "INSERT INTO authorisations(user_id, system_id, roles, granted_by, created_ms, updated_ms)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?5)"
        " ON CONFLICT(user_id, system_id) DO UPDATE SET roles = excluded.roles,"
        " granted_by = excluded.granted_by, updated_ms = excluded.updated_ms"
        " RETURNING id");
    if (!upsert.ok()) return upsert.status();
    upsert->Bind(1, user_id)
        .Bind(2, system_id)
        .Bind(3, detail::RoleBits(roles))
        .Bind(4, granted_by)
        .Bind(5, now);
    Result<bool> row = upsert->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Internal("authorisation upsert returned no id");
    const int64_t id = upsert->ColumnInt(0);
    CCC_RETURN_IF_ERROR(upsert->Run());

    Result<std::optional<AuthorisationKey>> key = LoadAuthorisationKey(db, id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return Internal("authorisation vanished in its own transaction");
    CCC_RETURN_IF_ERROR(detail::AppendAuditRow(
        db, InCompany(actor, company_id),
        replacing ? "authorisation.update" : "authorisation.grant", "authorisation",
        std::to_string(id), Json(AuthorisationDetails(**key, roles)), now));
    return id;
  });
}

Result<std::optional<Authorisation>> Directory::GetAuthorisation(int64_t id) {
  static const std::string sql = std::string(kAuthorisationSelect) + " WHERE a.id = ?1";
  return impl_->Read<std::optional<Authorisation>>(
      [&](detail::Connection& c) -> Result<std::optional<Authorisation>> {
        Result<sqlite::Statement*> stmt = c.Cached(sql);
        if (!stmt.ok()) return stmt.status();
        (*stmt)->Bind(1, id);
        return ReadOne<Authorisation>(**stmt, ReadAuthorisation);
      });
}

Status Directory::UpdateAuthorisationRoles(int64_t id, policy::RoleSet roles, Ms now,
                                           const Actor& actor) {
  CCC_RETURN_IF_ERROR(ValidateGrantedRoles(roles));
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<AuthorisationKey>> key = LoadAuthorisationKey(db, id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return AuthorisationNotFound(id);
    Result<sqlite::Statement> update =
        db.Prepare("UPDATE authorisations SET roles = ?2, updated_ms = ?3 WHERE id = ?1");
    if (!update.ok()) return update.status();
    update->Bind(1, id).Bind(2, detail::RoleBits(roles)).Bind(3, now);
    CCC_RETURN_IF_ERROR(update->Run());
    boost::json::object details = AuthorisationDetails(**key, roles);
    details["previous_roles"] = RolesJson(detail::RoleSetFromBits((*key)->roles));
    return detail::AppendAuditRow(db, InCompany(actor, (*key)->company_id), "authorisation.update",
                                  "authorisation", std::to_string(id), Json(details), now);
  });
}

Status Directory::DeleteAuthorisation(int64_t id, const Actor& actor) {
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<AuthorisationKey>> key = LoadAuthorisationKey(db, id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return AuthorisationNotFound(id);
    Result<sqlite::Statement> del = db.Prepare("DELETE FROM authorisations WHERE id = ?1");
    if (!del.ok()) return del.status();
    del->Bind(1, id);
    CCC_RETURN_IF_ERROR(del->Run());
    return detail::AppendAuditRow(
        db, InCompany(actor, (*key)->company_id), "authorisation.revoke", "authorisation",
        std::to_string(id),
        Json(AuthorisationDetails(**key, detail::RoleSetFromBits((*key)->roles))), detail::NowMs());
  });
}

Result<Page<Authorisation>> Directory::ListAuthorisationsGrantedBy(int64_t granted_by,
                                                                   const ListQuery& query) {
  CCC_RETURN_IF_ERROR(detail::ValidatePaging(query));
  Result<std::string> order = detail::OrderBy(query, kAuthorisationSortKeys, "a.id");
  if (!order.ok()) return order.status();
  // ?1 granter, ?2 LIKE pattern ("" = no filter), ?3 limit, ?4 offset.
  constexpr std::string_view kWhere =
      " WHERE a.granted_by = ?1 AND (?2 = '' OR u.email LIKE ?2 ESCAPE '\\'"
      " OR s.name LIKE ?2 ESCAPE '\\' OR s.serial LIKE ?2 ESCAPE '\\')";
  std::string sql(kAuthorisationSelect);
  sql.insert(sql.find("\nFROM authorisations"), ", count(*) OVER ()");
  sql.append(kWhere).append(*order).append(" LIMIT ?3 OFFSET ?4");
  const std::string count_sql =
      "SELECT count(*) FROM authorisations a JOIN users u ON u.id = a.user_id"
      " JOIN systems s ON s.id = a.system_id" +
      std::string(kWhere);
  const std::string pattern = query.q.empty() ? std::string() : detail::LikePattern(query.q);
  auto bind = [&](sqlite::Statement& s) {
    s.Bind(1, granted_by).Bind(2, std::string_view(pattern));
  };
  return impl_->Read<Page<Authorisation>>(
      [&](detail::Connection& c) -> Result<Page<Authorisation>> {
        Result<sqlite::Statement*> stmt = c.Cached(sql);
        if (!stmt.ok()) return stmt.status();
        bind(**stmt);
        (*stmt)->Bind(3, query.limit).Bind(4, query.offset);
        return ReadPage<Authorisation>(**stmt, 11, ReadAuthorisation, query,
                                       [&] { return CountRows(c, count_sql, bind); });
      });
}

// --- Groups -------------------------------------------------------------------------------

Result<int64_t> Directory::CreateGroup(int64_t company_id, int64_t owner_user_id,
                                       const std::string& name, const std::string& description,
                                       std::optional<policy::Role> default_role, bool is_public,
                                       Ms now, const Actor& actor) {
  if (name.empty()) return InvalidArgument("group name must not be empty");
  CCC_RETURN_IF_ERROR(ValidateGroupRole(default_role));
  return impl_->Write<int64_t>([&](sqlite::Database& db) -> Result<int64_t> {
    Result<std::string> owner = LabelInCompany(
        db, "SELECT company_id, email FROM users WHERE id = ?1", owner_user_id, company_id, "user");
    if (!owner.ok()) return owner.status();
    Result<sqlite::Statement> insert = db.Prepare(
        "INSERT INTO groups(company_id, owner_user_id, name, description, default_role,"
        " is_public, created_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, company_id)
        .Bind(2, owner_user_id)
        .Bind(3, std::string_view(name))
        .Bind(4, std::string_view(description))
        .Bind(6, int64_t{is_public ? 1 : 0})
        .Bind(7, now);
    detail::BindOptional(*insert, 5, detail::RoleValue(default_role));
    Status inserted = insert->Run();
    if (inserted.code() == StatusCode::kAlreadyExists) return GroupNameTaken(name);
    CCC_RETURN_IF_ERROR(inserted);
    const int64_t id = db.LastInsertRowId();
    CCC_RETURN_IF_ERROR(detail::AppendAuditRow(
        db, InCompany(actor, company_id), "group.create", "group", std::to_string(id),
        Json({{"name", name}, {"default_role", RoleJson(default_role)}, {"public", is_public}}),
        now));
    return id;
  });
}

Status Directory::UpdateGroup(int64_t group_id, const std::string& name,
                              const std::string& description,
                              std::optional<policy::Role> default_role, bool is_public,
                              const Actor& actor) {
  if (name.empty()) return InvalidArgument("group name must not be empty");
  CCC_RETURN_IF_ERROR(ValidateGroupRole(default_role));
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<GroupKey>> key = LoadGroupKey(db, group_id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return GroupNotFound(group_id);
    Result<sqlite::Statement> update = db.Prepare(
        "UPDATE groups SET name = ?2, description = ?3, default_role = ?4, is_public = ?5"
        " WHERE id = ?1");
    if (!update.ok()) return update.status();
    update->Bind(1, group_id)
        .Bind(2, std::string_view(name))
        .Bind(3, std::string_view(description))
        .Bind(5, int64_t{is_public ? 1 : 0});
    detail::BindOptional(*update, 4, detail::RoleValue(default_role));
    Status updated = update->Run();
    if (updated.code() == StatusCode::kAlreadyExists) return GroupNameTaken(name);
    CCC_RETURN_IF_ERROR(updated);
    return detail::AppendAuditRow(db, InCompany(actor, (*key)->company_id), "group.update", "group",
                                  std::to_string(group_id),
                                  Json({{"name", name},
                                        {"previous_name", (*key)->name},
                                        {"default_role", RoleJson(default_role)},
                                        {"public", is_public}}),
                                  detail::NowMs());
  });
}

Status Directory::DeleteGroup(int64_t group_id, const Actor& actor) {
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<GroupKey>> key = LoadGroupKey(db, group_id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return GroupNotFound(group_id);
    // Members and system links go with it (ON DELETE CASCADE).
    Result<sqlite::Statement> del = db.Prepare("DELETE FROM groups WHERE id = ?1");
    if (!del.ok()) return del.status();
    del->Bind(1, group_id);
    CCC_RETURN_IF_ERROR(del->Run());
    return detail::AppendAuditRow(db, InCompany(actor, (*key)->company_id), "group.delete", "group",
                                  std::to_string(group_id), Json({{"name", (*key)->name}}),
                                  detail::NowMs());
  });
}

Result<std::optional<Group>> Directory::GetGroup(int64_t group_id, int64_t viewer_user_id) {
  static const std::string sql = std::string(kGroupSelect) + " WHERE g.id = ?2";
  return impl_->Read<std::optional<Group>>(
      [&](detail::Connection& c) -> Result<std::optional<Group>> {
        Result<sqlite::Statement*> stmt = c.Cached(sql);
        if (!stmt.ok()) return stmt.status();
        (*stmt)->Bind(1, viewer_user_id).Bind(2, group_id);
        return ReadOne<Group>(**stmt, ReadGroup);
      });
}

Result<Page<Group>> Directory::ListGroups(int64_t company_id, int64_t viewer_user_id,
                                          bool only_owned, const ListQuery& query) {
  CCC_RETURN_IF_ERROR(detail::ValidatePaging(query));
  Result<std::string> order = detail::OrderBy(query, kGroupSortKeys, "g.id");
  if (!order.ok()) return order.status();
  // ?1 viewer, ?2 company, ?3 only_owned, ?4 LIKE pattern ("" = no filter), ?5/?6 paging.
  constexpr std::string_view kWhere =
      " WHERE g.company_id = ?2"
      " AND (g.owner_user_id = ?1 OR (?3 = 0 AND (g.is_public OR EXISTS(SELECT 1 FROM"
      " group_members v WHERE v.group_id = g.id AND v.user_id = ?1))))"
      " AND (?4 = '' OR g.name LIKE ?4 ESCAPE '\\' OR g.description LIKE ?4 ESCAPE '\\')";
  std::string sql(kGroupSelect);
  sql.insert(sql.find("\nFROM groups"), ", count(*) OVER ()");
  sql.append(kWhere).append(*order).append(" LIMIT ?5 OFFSET ?6");
  const std::string count_sql = "SELECT count(*) FROM groups g" + std::string(kWhere);
  const std::string pattern = query.q.empty() ? std::string() : detail::LikePattern(query.q);
  auto bind = [&](sqlite::Statement& s) {
    s.Bind(1, viewer_user_id)
        .Bind(2, company_id)
        .Bind(3, int64_t{only_owned ? 1 : 0})
        .Bind(4, std::string_view(pattern));
  };
  return impl_->Read<Page<Group>>([&](detail::Connection& c) -> Result<Page<Group>> {
    Result<sqlite::Statement*> stmt = c.Cached(sql);
    if (!stmt.ok()) return stmt.status();
    bind(**stmt);
    (*stmt)->Bind(5, query.limit).Bind(6, query.offset);
    return ReadPage<Group>(**stmt, 12, ReadGroup, query,
                           [&] { return CountRows(c, count_sql, bind); });
  });
}

Result<std::vector<GroupMember>> Directory::ListGroupMembers(int64_t group_id) {
  using Members = std::vector<GroupMember>;
  return impl_->Read<Members>([&](detail::Connection& c) -> Result<Members> {
    Result<int64_t> exists = CountRows(c, "SELECT count(*) FROM groups WHERE id = ?1",
                                       [&](sqlite::Statement& s) { s.Bind(1, group_id); });
    if (!exists.ok()) return exists.status();
    if (*exists == 0) return GroupNotFound(group_id);
    Result<sqlite::Statement*> stmt = c.Cached(
        "SELECT m.user_id, u.email, u.name, m.role, m.joined_ms FROM group_members m"
        " JOIN users u ON u.id = m.user_id WHERE m.group_id = ?1"
        " ORDER BY u.email COLLATE NOCASE, u.id");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Bind(1, group_id);
    return ReadAll<GroupMember>(**stmt, ReadGroupMember);
  });
}

Status Directory::SetGroupMember(int64_t group_id, int64_t user_id,
                                 std::optional<policy::Role> role, Ms now, const Actor& actor) {
  CCC_RETURN_IF_ERROR(ValidateGroupRole(role));
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<GroupKey>> key = LoadGroupKey(db, group_id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return GroupNotFound(group_id);
    Result<std::string> email =
        LabelInCompany(db, "SELECT company_id, email FROM users WHERE id = ?1", user_id,
                       (*key)->company_id, "user");
    if (!email.ok()) return email.status();
    // joined_ms stays that of the first join when only the role changes.
    Result<sqlite::Statement> upsert = db.Prepare(
        "INSERT INTO group_members(group_id, user_id, role, joined_ms) VALUES(?1, ?2, ?3, ?4)"
        " ON CONFLICT(group_id, user_id) DO UPDATE SET role = excluded.role");
    if (!upsert.ok()) return upsert.status();
    upsert->Bind(1, group_id).Bind(2, user_id).Bind(4, now);
    detail::BindOptional(*upsert, 3, detail::RoleValue(role));
    CCC_RETURN_IF_ERROR(upsert->Run());
    return detail::AppendAuditRow(db, InCompany(actor, (*key)->company_id), "group.member_set",
                                  "group", std::to_string(group_id),
                                  Json({{"group", (*key)->name},
                                        {"user_id", user_id},
                                        {"email", *email},
                                        {"role", RoleJson(role)}}),
                                  now);
  });
}

Status Directory::RemoveGroupMember(int64_t group_id, int64_t user_id, const Actor& actor) {
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<GroupKey>> key = LoadGroupKey(db, group_id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return GroupNotFound(group_id);
    Result<sqlite::Statement> del = db.Prepare(
        "DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2"
        " RETURNING (SELECT email FROM users WHERE id = ?2)");
    if (!del.ok()) return del.status();
    del->Bind(1, group_id).Bind(2, user_id);
    Result<bool> row = del->Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return NotFound("user " + std::to_string(user_id) + " is not a member of group " +
                      std::to_string(group_id));
    }
    const std::string email = del->ColumnText(0);
    CCC_RETURN_IF_ERROR(del->Run());
    return detail::AppendAuditRow(
        db, InCompany(actor, (*key)->company_id), "group.member_remove", "group",
        std::to_string(group_id),
        Json({{"group", (*key)->name}, {"user_id", user_id}, {"email", email}}), detail::NowMs());
  });
}

Result<std::vector<GroupSystem>> Directory::ListGroupSystems(int64_t group_id) {
  using Systems = std::vector<GroupSystem>;
  return impl_->Read<Systems>([&](detail::Connection& c) -> Result<Systems> {
    Result<int64_t> exists = CountRows(c, "SELECT count(*) FROM groups WHERE id = ?1",
                                       [&](sqlite::Statement& s) { s.Bind(1, group_id); });
    if (!exists.ok()) return exists.status();
    if (*exists == 0) return GroupNotFound(group_id);
    Result<sqlite::Statement*> stmt = c.Cached(
        "SELECT gs.system_id, s.serial, s.name, gs.added_by, gs.added_ms FROM group_systems gs"
        " JOIN systems s ON s.id = gs.system_id WHERE gs.group_id = ?1"
        " ORDER BY s.name COLLATE NOCASE, s.id");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Bind(1, group_id);
    return ReadAll<GroupSystem>(**stmt, ReadGroupSystem);
  });
}

Status Directory::AddGroupSystem(int64_t group_id, int64_t system_id, int64_t added_by, Ms now,
                                 const Actor& actor) {
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<GroupKey>> key = LoadGroupKey(db, group_id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return GroupNotFound(group_id);
    Result<std::string> serial =
        LabelInCompany(db, "SELECT company_id, serial FROM systems WHERE id = ?1", system_id,
                       (*key)->company_id, "system");
    if (!serial.ok()) return serial.status();
    // Adding a system that is already in the group changes nothing (PUT is idempotent).
    Result<sqlite::Statement> insert = db.Prepare(
        "INSERT INTO group_systems(group_id, system_id, added_by, added_ms)"
        " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(group_id, system_id) DO NOTHING");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, group_id).Bind(2, system_id).Bind(3, added_by).Bind(4, now);
    CCC_RETURN_IF_ERROR(insert->Run());
    if (db.Changes() == 0) return Status::Ok();
    return detail::AppendAuditRow(
        db, InCompany(actor, (*key)->company_id), "group.system_add", "group",
        std::to_string(group_id),
        Json({{"group", (*key)->name}, {"system_id", system_id}, {"serial", *serial}}), now);
  });
}

Status Directory::RemoveGroupSystem(int64_t group_id, int64_t system_id, const Actor& actor) {
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<GroupKey>> key = LoadGroupKey(db, group_id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return GroupNotFound(group_id);
    Result<sqlite::Statement> del = db.Prepare(
        "DELETE FROM group_systems WHERE group_id = ?1 AND system_id = ?2"
        " RETURNING (SELECT serial FROM systems WHERE id = ?2)");
    if (!del.ok()) return del.status();
    del->Bind(1, group_id).Bind(2, system_id);
    Result<bool> row = del->Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return NotFound("system " + std::to_string(system_id) + " is not in group " +
                      std::to_string(group_id));
    }
    const std::string serial = del->ColumnText(0);
    CCC_RETURN_IF_ERROR(del->Run());
    return detail::AppendAuditRow(
        db, InCompany(actor, (*key)->company_id), "group.system_remove", "group",
        std::to_string(group_id),
        Json({{"group", (*key)->name}, {"system_id", system_id}, {"serial", serial}}),
        detail::NowMs());
  });
}

}  // namespace ccc::relay::directory
