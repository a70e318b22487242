// Directory: systems, pairing codes, certificates, operator settings, and what a user can
// reach (visibility, effective roles, the facts for policy::Decide).

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "relay/directory/directory.h"
#include "relay/directory/directory_impl.h"
#include "relay/directory/firmware_version.h"
#include "relay/directory/role_columns.h"
#include "relay/directory/system_list_index.h"

namespace ccc::relay::directory {
namespace {

constexpr std::string_view kMinimumFirmwareKey = "minimum_firmware";

// The audit entry of a change to a system shows in the system's company even when the
// actor has none (operator CLI, agents).
Actor InCompany(const Actor& actor, int64_t company_id) {
  Actor copy = actor;
  if (!copy.company_id.has_value()) copy.company_id = company_id;
  return copy;
}

std::string Json(const boost::json::object& object) { return boost::json::serialize(object); }

// Columns of a System row, read by ReadSystem. The ingest facts come from relay.db; a
// sysinfo body that is not valid JSON reads as "nothing reported" instead of failing the
// whole query, and opt-ins count only when reported as JSON true (A5: off unless turned on).
constexpr std::string_view kSystemSelect = R"sql(
SELECT s.id, s.company_id, s.owner_user_id, u.email, s.name, s.serial, s.created_ms,
       s.first_registration_ms, s.paired, s.paired_ms, s.cert_serial, s.maintenance_until_ms,
       pc.code, pc.created_ms, pc.expires_ms,
       coalesce(d.online, 0), d.last_seen_ms,
       coalesce(json_extract(d.sysinfo, '$.model'), ''),
       coalesce(json_extract(d.sysinfo, '$.firmware'), ''),
       coalesce(json_type(d.sysinfo, '$.opt_in.monitoring') = 'true', 0),
       coalesce(json_type(d.sysinfo, '$.opt_in.remote_configuration') = 'true', 0)
FROM systems s
JOIN users u ON u.id = s.owner_user_id
LEFT JOIN pairing_codes pc ON pc.code = (
  SELECT c.code FROM pairing_codes c
  WHERE c.system_id = s.id AND c.used_ms IS NULL AND c.voided_ms IS NULL
  ORDER BY c.created_ms DESC, c.code DESC LIMIT 1)
LEFT JOIN (SELECT id, online, last_seen_ms,
                  iif(json_valid(sysinfo_json), sysinfo_json, NULL) AS sysinfo
           FROM ingest.devices) d ON d.id = s.serial
)sql";
constexpr int kSystemColumns = 21;

System ReadSystem(const sqlite::Statement& stmt) {
  System system;
  system.id = stmt.ColumnInt(0);
  system.company_id = stmt.ColumnInt(1);
  system.owner_user_id = stmt.ColumnInt(2);
  system.owner_email = stmt.ColumnText(3);
  system.name = stmt.ColumnText(4);
  system.serial = stmt.ColumnText(5);
  system.created_ms = stmt.ColumnInt(6);
  system.first_registration_ms = detail::OptionalInt(stmt, 7);
  system.paired = stmt.ColumnInt(8) != 0;
  system.paired_ms = detail::OptionalInt(stmt, 9);
  system.cert_serial = detail::OptionalText(stmt, 10);
  system.maintenance_until_ms = detail::OptionalInt(stmt, 11);
  if (!stmt.ColumnIsNull(12)) {
    system.code = PairingCode{stmt.ColumnText(12), stmt.ColumnInt(13), stmt.ColumnInt(14)};
  }
  system.online = stmt.ColumnInt(15) != 0;
  system.last_seen_ms = detail::OptionalInt(stmt, 16);
  system.model = stmt.ColumnText(17);
  system.firmware = stmt.ColumnText(18);
  system.monitoring_opt_in = stmt.ColumnInt(19) != 0;
  system.remote_configuration_opt_in = stmt.ColumnInt(20) != 0;
  return system;
}

// Effective roles (B8) of user ?1 on the system aliased `s`, as a bit mask: kOwner only
// through owner_user_id; authorisation bits without kOwner; one role per group membership
// of ?1 in a group of the system's company containing it (the member's role, else the
// group's default; values 1..4 = the grantable roles). SQLite has no bitwise OR aggregate,
// hence MAX per bit. Mirrors policy::EffectiveRoles.
constexpr std::string_view kRolesOfUser1 = R"sql(
((CASE WHEN s.owner_user_id = ?1 THEN 1 ELSE 0 END)
 | coalesce((SELECT a.roles & 30 FROM authorisations a
             WHERE a.user_id = ?1 AND a.system_id = s.id), 0)
 | coalesce((SELECT max(r & 2) | max(r & 4) | max(r & 8) | max(r & 16) FROM (
     SELECT 1 << coalesce(gm.role, g.default_role) AS r
     FROM group_systems gs
     JOIN group_members gm ON gm.group_id = gs.group_id AND gm.user_id = ?1
     JOIN groups g ON g.id = gs.group_id AND g.company_id = s.company_id
     WHERE gs.system_id = s.id AND coalesce(gm.role, g.default_role) BETWEEN 1 AND 4)), 0))
)sql";

// The company given for user ?1 must be the user's own (?2): a wrong pairing of the two
// must not open another company's systems.
constexpr std::string_view kUserInCompany =
    " AND EXISTS(SELECT 1 FROM users WHERE id = ?1 AND company_id = ?2)";

// Visible-system lists: ?1 user, ?2 company, ?3 LIKE pattern, ?4 now, ?5 limit, ?6 offset.
// A system is listed exactly when kRolesOfUser1 is not 0 for it. Two ways to get there,
// so that the cost follows the smaller set (ListVisibleSystems picks one per request):
//  - kScanCompany: every system of the company, from an index holding name, serial, owner
//    and paired (counting, filtering by q and the name/serial orders never read the
//    table); the authorisation and group paths are non-correlated IN lists that SQLite
//    builds once per statement, so a user who owns most systems pays one probe for the rest.
//  - kFromPaths: the ids the user has a path to, collected first (owned, authorised, in a
//    group of theirs), so a user who reaches a third of the systems pays for that third.
// g.company_id = ?2 stands for kRolesOfUser1's g.company_id = s.company_id: every row
// listed has s.company_id = ?2.
constexpr std::string_view kScanCompany = R"sql(
 FROM systems s
)sql";
constexpr std::string_view kScanCompanyPaths = R"sql(
 AND (s.owner_user_id = ?1
      OR s.id IN (SELECT a.system_id FROM authorisations a
                  WHERE a.user_id = ?1 AND a.roles & 30 != 0)
      OR s.id IN (SELECT gs.system_id FROM group_members gm
                  JOIN groups g ON g.id = gm.group_id AND g.company_id = ?2
                  JOIN group_systems gs ON gs.group_id = gm.group_id
                  WHERE gm.user_id = ?1 AND coalesce(gm.role, g.default_role) BETWEEN 1 AND 4))
)sql";
constexpr std::string_view kFromPathsHead = R"sql(
WITH cand(id) AS MATERIALIZED (
  SELECT id FROM systems WHERE owner_user_id = ?1
  UNION SELECT a.system_id FROM authorisations a WHERE a.user_id = ?1 AND a.roles & 30 != 0
  UNION SELECT gs.system_id FROM group_members gm
        JOIN groups g ON g.id = gm.group_id AND g.company_id = ?2
        JOIN group_systems gs ON gs.group_id = gm.group_id
        WHERE gm.user_id = ?1 AND coalesce(gm.role, g.default_role) BETWEEN 1 AND 4)
)sql";
constexpr std::string_view kFromPaths = R"sql(
 FROM cand JOIN systems s ON s.id = cand.id
)sql";
constexpr std::string_view kListMatchesQ =
    " AND (s.name LIKE ?3 ESCAPE '\\' OR s.serial LIKE ?3 ESCAPE '\\')";
// ?1 user, ?2 company: how many systems the user owns and the company has (both counted
// from an index alone).
constexpr std::string_view kOwnedAndCompanySize =
    "SELECT (SELECT count(*) FROM systems WHERE owner_user_id = ?1),"
    " (SELECT count(*) FROM systems WHERE company_id = ?2)";

// kSystemSelect plus the roles of user ?1 as column kSystemColumns.
std::string SystemSelectWithRoles() {
  std::string text(kSystemSelect);
  text.insert(text.find("\nFROM systems s"), ", " + std::string(kRolesOfUser1));
  return text;
}

// "x IS NULL, x": the first term stays ascending, so rows without a value come last in
// either direction.
constexpr std::array<detail::SortKey, 6> kSystemSortKeys = {{
    {"name", "s.name COLLATE NOCASE"},
    {"serial", "s.serial"},
    {"created", "s.created_ms"},
    {"first_registration", "s.first_registration_ms IS NULL, s.first_registration_ms"},
    {"last_seen", "d.last_seen_ms IS NULL, d.last_seen_ms"},
    // A7 order: waiting for pairing (current code still valid), paired, error (code
    // expired or none). ?4 = now.
    {"state",
     "CASE WHEN s.paired THEN 1 WHEN"
     " (SELECT c.expires_ms FROM pairing_codes c"
     "  WHERE c.system_id = s.id AND c.used_ms IS NULL AND c.voided_ms IS NULL"
     "  ORDER BY c.created_ms DESC, c.code DESC LIMIT 1) > ?4 THEN 0 ELSE 2 END"},
}};

Result<std::optional<System>> ReadOneSystem(detail::Connection& c, std::string_view sql,
                                            const std::function<void(sqlite::Statement&)>& bind) {
  Result<sqlite::Statement*> stmt = c.Cached(sql);
  if (!stmt.ok()) return stmt.status();
  bind(**stmt);
  Result<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<System>();
  return std::optional<System>(ReadSystem(**stmt));
}

struct SystemKey {
  int64_t company_id = 0;
  std::string name;
  std::string serial;
  bool paired = false;
};

Result<std::optional<SystemKey>> LoadSystemKey(sqlite::Database& db, int64_t system_id) {
  Result<sqlite::Statement> stmt =
      db.Prepare("SELECT company_id, name, serial, paired FROM systems WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, system_id);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<SystemKey>();
  return std::optional<SystemKey>(SystemKey{stmt->ColumnInt(0), stmt->ColumnText(1),
                                            stmt->ColumnText(2), stmt->ColumnInt(3) != 0});
}

Status SystemNotFound(int64_t system_id) {
  return NotFound("system " + std::to_string(system_id) + " not found");
}

// Marks every unrevoked certificate of `serial` revoked; returns their serials.
Result<std::vector<std::string>> RevokeCertificates(sqlite::Database& db, const std::string& serial,
                                                    Ms now) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "UPDATE certificates SET revoked_ms = ?2 WHERE system_serial = ?1 AND revoked_ms IS NULL"
      " RETURNING serial_hex");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, std::string_view(serial)).Bind(2, now);
  std::vector<std::string> revoked;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    revoked.push_back(stmt->ColumnText(0));
  }
  std::sort(revoked.begin(), revoked.end());
  return revoked;
}

// Voids the current code(s) of a system; returns how many.
Result<int> VoidCurrentCodes(sqlite::Database& db, int64_t system_id, Ms now) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "UPDATE pairing_codes SET voided_ms = ?2"
      " WHERE system_id = ?1 AND used_ms IS NULL AND voided_ms IS NULL");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, system_id).Bind(2, now);
  CCC_RETURN_IF_ERROR(stmt->Run());
  return db.Changes();
}

Status InsertCode(sqlite::Database& db, int64_t system_id, const PairingCode& code) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "INSERT INTO pairing_codes(code, system_id, created_ms, expires_ms) VALUES(?1, ?2, ?3, ?4)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, std::string_view(code.code))
      .Bind(2, system_id)
      .Bind(3, code.created_ms)
      .Bind(4, code.expires_ms);
  return stmt->Run();
}

boost::json::array Strings(const std::vector<std::string>& values) {
  boost::json::array array;
  for (const std::string& value : values) array.emplace_back(value);
  return array;
}

Result<std::string> ReadMinimumFirmware(detail::Connection& c) {
  Result<sqlite::Statement*> stmt = c.Cached("SELECT value FROM operator_settings WHERE key = ?1");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, kMinimumFirmwareKey);
  Result<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  return *row ? (*stmt)->ColumnText(0) : std::string();
}

}  // namespace

// --- Systems ------------------------------------------------------------------------------

Result<int64_t> Directory::CreateSystem(int64_t company_id, int64_t owner_user_id,
                                        const std::string& name, const std::string& serial,
                                        const PairingCode& code, Ms now, const Actor& actor) {
  if (name.empty()) return InvalidArgument("system name must not be empty");
  if (serial.empty()) return InvalidArgument("system serial must not be empty");
  return impl_->Write<int64_t>([&](sqlite::Database& db) -> Result<int64_t> {
    Result<sqlite::Statement> owner = db.Prepare("SELECT company_id FROM users WHERE id = ?1");
    if (!owner.ok()) return owner.status();
    owner->Bind(1, owner_user_id);
    Result<bool> found = owner->Step();
    if (!found.ok()) return found.status();
    if (!*found || owner->ColumnInt(0) != company_id) {
      return NotFound("user " + std::to_string(owner_user_id) + " not found in company " +
                      std::to_string(company_id));
    }
    Result<sqlite::Statement> insert = db.Prepare(
        "INSERT INTO systems(company_id, owner_user_id, name, serial, created_ms)"
        " VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, company_id)
        .Bind(2, owner_user_id)
        .Bind(3, std::string_view(name))
        .Bind(4, std::string_view(serial))
        .Bind(5, now);
    Status inserted = insert->Run();
    if (inserted.code() == StatusCode::kAlreadyExists) {
      return Status(StatusCode::kAlreadyExists, "serial " + serial + " is already registered");
    }
    CCC_RETURN_IF_ERROR(inserted);
    const int64_t id = db.LastInsertRowId();
    CCC_RETURN_IF_ERROR(InsertCode(db, id, code));
    CCC_RETURN_IF_ERROR(detail::AppendAuditRow(db, InCompany(actor, company_id), "system.create",
                                               "system", std::to_string(id),
                                               Json({{"name", name}, {"serial", serial}}), now));
    return id;
  });
}

Result<std::optional<System>> Directory::GetSystem(int64_t id) {
  static const std::string sql = std::string(kSystemSelect) + " WHERE s.id = ?1";
  return impl_->Read<std::optional<System>>([&](detail::Connection& c) {
    return ReadOneSystem(c, sql, [&](sqlite::Statement& s) { s.Bind(1, id); });
  });
}

Result<std::optional<System>> Directory::FindSystemBySerial(const std::string& serial) {
  static const std::string sql = std::string(kSystemSelect) + " WHERE s.serial = ?1";
  return impl_->Read<std::optional<System>>([&](detail::Connection& c) {
    return ReadOneSystem(c, sql,
                         [&](sqlite::Statement& s) { s.Bind(1, std::string_view(serial)); });
  });
}

Status Directory::RenameSystem(int64_t id, const std::string& name, const Actor& actor) {
  if (name.empty()) return InvalidArgument("system name must not be empty");
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<SystemKey>> key = LoadSystemKey(db, id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return SystemNotFound(id);
    Result<sqlite::Statement> update = db.Prepare("UPDATE systems SET name = ?2 WHERE id = ?1");
    if (!update.ok()) return update.status();
    update->Bind(1, id).Bind(2, std::string_view(name));
    CCC_RETURN_IF_ERROR(update->Run());
    return detail::AppendAuditRow(
        db, InCompany(actor, (*key)->company_id), "system.rename", "system", std::to_string(id),
        Json({{"name", name}, {"previous_name", (*key)->name}, {"serial", (*key)->serial}}),
        detail::NowMs());
  });
}

Result<std::vector<std::string>> Directory::DeleteSystem(int64_t id, Ms now, const Actor& actor) {
  return impl_->Write<std::vector<std::string>>(
      [&](sqlite::Database& db) -> Result<std::vector<std::string>> {
        Result<std::optional<SystemKey>> key = LoadSystemKey(db, id);
        if (!key.ok()) return key.status();
        if (!key->has_value()) return SystemNotFound(id);
        Result<std::vector<std::string>> revoked = RevokeCertificates(db, (*key)->serial, now);
        if (!revoked.ok()) return revoked.status();
        // Codes, authorisations and group links go with it (ON DELETE CASCADE).
        Result<sqlite::Statement> del = db.Prepare("DELETE FROM systems WHERE id = ?1");
        if (!del.ok()) return del.status();
        del->Bind(1, id);
        CCC_RETURN_IF_ERROR(del->Run());
        CCC_RETURN_IF_ERROR(detail::AppendAuditRow(
            db, InCompany(actor, (*key)->company_id), "system.delete", "system", std::to_string(id),
            Json({{"name", (*key)->name},
                  {"serial", (*key)->serial},
                  {"revoked_certificates", Strings(*revoked)}}),
            now));
        return revoked;
      });
}

// --- Visibility ---------------------------------------------------------------------------

Result<Page<System>> Directory::ListVisibleSystems(int64_t user_id, int64_t company_id,
                                                   const ListQuery& query) {
  CCC_RETURN_IF_ERROR(detail::ValidatePaging(query));
  Result<std::string> order = detail::OrderBy(query, kSystemSortKeys, "s.id");
  if (!order.ok()) return order.status();
  const bool with_q = !query.q.empty();
  // The total and the page are two statements: a window count over the page query would
  // make SQLite sort every visible row, where ORDER BY + LIMIT keeps only offset + limit
  // of them (or walks an index in order and stops).
  auto statements = [&](bool scan_company) {
    std::string head = scan_company ? "" : std::string(kFromPathsHead);
    std::string from(scan_company ? kScanCompany : kFromPaths);
    std::string where = " WHERE s.company_id = ?2" + std::string(kUserInCompany);
    if (scan_company) where.append(kScanCompanyPaths);
    if (with_q) where.append(kListMatchesQ);
    std::string join;
    if (query.sort == "last_seen") join = " LEFT JOIN ingest.devices d ON d.id = s.serial";
    return std::pair<std::string, std::string>(
        head + "SELECT s.id" + from + join + where + *order + " LIMIT ?5 OFFSET ?6",
        head + "SELECT count(*)" + from + where);
  };
  // ?1 user, ?2 the page's ids as a JSON array.
  static const std::string details_sql =
      SystemSelectWithRoles() + " WHERE s.id IN (SELECT value FROM json_each(?2))";

  // Details and roles for just the page's ids, put back into the page's order.
  auto read_rows = [&](detail::Connection& c, const std::vector<int64_t>& ids_in_order,
                       Page<System>& page) -> Status {
    if (ids_in_order.empty()) return Status::Ok();
    std::string ids = "[";
    std::unordered_map<int64_t, size_t> position;
    for (size_t i = 0; i < ids_in_order.size(); ++i) {
      if (i > 0) ids.push_back(',');
      ids.append(std::to_string(ids_in_order[i]));
      position.emplace(ids_in_order[i], i);
    }
    ids.push_back(']');
    std::vector<std::optional<System>> ordered(ids_in_order.size());
    Result<sqlite::Statement*> stmt = c.Cached(details_sql);
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Bind(1, user_id).Bind(2, std::string_view(ids));
    for (;;) {
      Result<bool> row = (*stmt)->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      System system = ReadSystem(**stmt);
      system.roles = detail::RoleSetFromBits((*stmt)->ColumnInt(kSystemColumns));
      ordered[position.at(system.id)] = std::move(system);
    }
    page.items.reserve(ordered.size());
    for (std::optional<System>& system : ordered) {
      // Same read transaction, so every row of the page is still there.
      if (system.has_value()) page.items.push_back(std::move(*system));
    }
    return Status::Ok();
  };

  const Ms now = detail::NowMs();
  if (SystemListIndexEnabled()) {
    return impl_->Read<Page<System>>([&](detail::Connection& c) -> Result<Page<System>> {
      Result<detail::SystemListIndex::PageIds> ids =
          impl_->list_index->Query(c.db(), user_id, company_id, query, now);
      if (!ids.ok()) return ids.status();
      Page<System> page;
      page.total = ids->total;
      CCC_RETURN_IF_ERROR(read_rows(c, ids->ids, page));
      return page;
    });
  }

  const std::string pattern = detail::LikePattern(query.q);
  auto bind = [&](sqlite::Statement& s) {
    s.Bind(1, user_id).Bind(2, company_id).Bind(4, now);
    if (with_q) s.Bind(3, std::string_view(pattern));
  };
  return impl_->Read<Page<System>>([&](detail::Connection& c) -> Result<Page<System>> {
    Page<System> page;
    // Scanning the company costs about its size; collecting the paths about the owned
    // systems plus the others reached. Owning at least half of the company's systems is
    // the (cheap) sign that the scan is the smaller of the two.
    bool scan_company = true;
    {
      Result<sqlite::Statement*> stmt = c.Cached(kOwnedAndCompanySize);
      if (!stmt.ok()) return stmt.status();
      (*stmt)->Bind(1, user_id).Bind(2, company_id);
      Result<bool> row = (*stmt)->Step();
      if (!row.ok()) return row.status();
      if (*row) scan_company = 2 * (*stmt)->ColumnInt(0) >= (*stmt)->ColumnInt(1);
    }
    const auto [page_sql, count_sql] = statements(scan_company);
    std::vector<int64_t> ids_in_order;
    {
      Result<sqlite::Statement*> stmt = c.Cached(page_sql);
      if (!stmt.ok()) return stmt.status();
      bind(**stmt);
      (*stmt)->Bind(5, query.limit).Bind(6, query.offset);
      for (;;) {
        Result<bool> row = (*stmt)->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        ids_in_order.push_back((*stmt)->ColumnInt(0));
      }
    }
    if (query.offset == 0 && static_cast<int64_t>(ids_in_order.size()) < query.limit) {
      page.total = static_cast<int64_t>(ids_in_order.size());  // the page holds them all
    } else {
      Result<sqlite::Statement*> stmt = c.Cached(count_sql);
      if (!stmt.ok()) return stmt.status();
      bind(**stmt);
      Result<bool> row = (*stmt)->Step();
      if (!row.ok()) return row.status();
      page.total = *row ? (*stmt)->ColumnInt(0) : 0;
    }
    CCC_RETURN_IF_ERROR(read_rows(c, ids_in_order, page));
    return page;
  });
}

Result<std::optional<System>> Directory::GetVisibleSystem(int64_t user_id, int64_t company_id,
                                                          int64_t system_id) {
  // ?1 user, ?2 system, ?3 company.
  static const std::string sql = [] {
    std::string user_in_company(kUserInCompany);
    user_in_company.replace(user_in_company.find("?2"), 2, "?3");
    return SystemSelectWithRoles() + " WHERE s.id = ?2 AND s.company_id = ?3" + user_in_company;
  }();
  return impl_->Read<std::optional<System>>(
      [&](detail::Connection& c) -> Result<std::optional<System>> {
        Result<sqlite::Statement*> stmt = c.Cached(sql);
        if (!stmt.ok()) return stmt.status();
        (*stmt)->Bind(1, user_id).Bind(2, system_id).Bind(3, company_id);
        Result<bool> row = (*stmt)->Step();
        if (!row.ok()) return row.status();
        if (!*row) return std::optional<System>();
        const int64_t roles = (*stmt)->ColumnInt(kSystemColumns);
        if (roles == 0) return std::optional<System>();
        System system = ReadSystem(**stmt);
        system.roles = detail::RoleSetFromBits(roles);
        return std::optional<System>(std::move(system));
      });
}

Result<std::optional<policy::AccessFacts>> Directory::LoadAccessFacts(const policy::UserFacts& user,
                                                                      int64_t system_id) {
  static const std::string system_sql = std::string(kSystemSelect) + " WHERE s.id = ?1";
  const Ms now = detail::NowMs();
  return impl_->Read<std::optional<policy::AccessFacts>>(
      [&](detail::Connection& c) -> Result<std::optional<policy::AccessFacts>> {
        Result<std::optional<System>> system =
            ReadOneSystem(c, system_sql, [&](sqlite::Statement& s) { s.Bind(1, system_id); });
        if (!system.ok()) return system.status();
        if (!system->has_value()) return std::optional<policy::AccessFacts>();
        Result<std::string> minimum = ReadMinimumFirmware(c);
        if (!minimum.ok()) return minimum.status();

        policy::AccessFacts facts;
        facts.user = user;
        const System& s = **system;
        facts.system.id = s.id;
        facts.system.company_id = s.company_id;
        facts.system.owner_user_id = s.owner_user_id;
        facts.system.maintenance_active =
            s.maintenance_until_ms.has_value() && *s.maintenance_until_ms > now;
        facts.system.firmware_ok = FirmwareMeetsMinimum(s.firmware, *minimum);
        facts.system.monitoring_recording_opt_in = s.monitoring_opt_in;
        facts.system.remote_configuration_opt_in = s.remote_configuration_opt_in;

        Result<sqlite::Statement*> direct =
            c.Cached("SELECT roles FROM authorisations WHERE user_id = ?1 AND system_id = ?2");
        if (!direct.ok()) return direct.status();
        (*direct)->Bind(1, user.id).Bind(2, system_id);
        Result<bool> row = (*direct)->Step();
        if (!row.ok()) return row.status();
        if (*row) facts.direct_roles = detail::RoleSetFromBits((*direct)->ColumnInt(0));

        Result<sqlite::Statement*> groups = c.Cached(
            "SELECT g.id, gm.role, g.default_role FROM group_systems gs"
            " JOIN group_members gm ON gm.group_id = gs.group_id AND gm.user_id = ?1"
            " JOIN groups g ON g.id = gs.group_id"
            " JOIN systems s ON s.id = gs.system_id AND s.company_id = g.company_id"
            " WHERE gs.system_id = ?2 ORDER BY g.id");
        if (!groups.ok()) return groups.status();
        (*groups)->Bind(1, user.id).Bind(2, system_id);
        for (;;) {
          Result<bool> membership = (*groups)->Step();
          if (!membership.ok()) return membership.status();
          if (!*membership) break;
          facts.memberships.push_back({(*groups)->ColumnInt(0),
                                       detail::RoleFromValue(detail::OptionalInt(**groups, 1)),
                                       detail::RoleFromValue(detail::OptionalInt(**groups, 2))});
        }
        return std::optional<policy::AccessFacts>(std::move(facts));
      });
}

// --- Pairing codes ------------------------------------------------------------------------

Status Directory::RenewPairingCode(int64_t system_id, const PairingCode& code, const Actor& actor) {
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<SystemKey>> key = LoadSystemKey(db, system_id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return SystemNotFound(system_id);
    Result<int> voided = VoidCurrentCodes(db, system_id, code.created_ms);
    if (!voided.ok()) return voided.status();
    CCC_RETURN_IF_ERROR(InsertCode(db, system_id, code));
    // Never the code itself: the audit log is readable by company administrators.
    return detail::AppendAuditRow(db, InCompany(actor, (*key)->company_id), "pairing_code.renew",
                                  "system", std::to_string(system_id),
                                  Json({{"serial", (*key)->serial},
                                        {"expires_ms", code.expires_ms},
                                        {"voided_codes", *voided}}),
                                  code.created_ms);
  });
}

Status Directory::CancelPairingCode(int64_t system_id, Ms now, const Actor& actor) {
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<SystemKey>> key = LoadSystemKey(db, system_id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return SystemNotFound(system_id);
    Result<int> voided = VoidCurrentCodes(db, system_id, now);
    if (!voided.ok()) return voided.status();
    if (*voided == 0) {
      return NotFound("system " + std::to_string(system_id) + " has no current pairing code");
    }
    return detail::AppendAuditRow(db, InCompany(actor, (*key)->company_id), "pairing_code.cancel",
                                  "system", std::to_string(system_id),
                                  Json({{"serial", (*key)->serial}}), now);
  });
}

Result<std::optional<PairingCodeRecord>> Directory::FindPairingCode(const std::string& code) {
  return impl_->Read<std::optional<PairingCodeRecord>>(
      [&](detail::Connection& c) -> Result<std::optional<PairingCodeRecord>> {
        Result<sqlite::Statement*> stmt = c.Cached(
            "SELECT pc.code, pc.system_id, s.serial, pc.created_ms, pc.expires_ms, pc.used_ms,"
            " pc.voided_ms FROM pairing_codes pc JOIN systems s ON s.id = pc.system_id"
            " WHERE pc.code = ?1");
        if (!stmt.ok()) return stmt.status();
        (*stmt)->Bind(1, std::string_view(code));
        Result<bool> row = (*stmt)->Step();
        if (!row.ok()) return row.status();
        if (!*row) return std::optional<PairingCodeRecord>();
        const sqlite::Statement& s = **stmt;
        return std::optional<PairingCodeRecord>(PairingCodeRecord{
            s.ColumnText(0), s.ColumnInt(1), s.ColumnText(2), s.ColumnInt(3), s.ColumnInt(4),
            detail::OptionalInt(s, 5), detail::OptionalInt(s, 6)});
      });
}

Status Directory::CompletePairing(int64_t system_id, const std::string& code,
                                  const std::string& cert_serial, Ms cert_not_after_ms, Ms now,
                                  const Actor& actor) {
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<SystemKey>> key = LoadSystemKey(db, system_id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return SystemNotFound(system_id);
    // Re-checked here, under the writer lock: of two agents racing with one code, exactly
    // one gets past this point.
    Result<sqlite::Statement> current = db.Prepare(
        "SELECT code, expires_ms FROM pairing_codes"
        " WHERE system_id = ?1 AND used_ms IS NULL AND voided_ms IS NULL"
        " ORDER BY created_ms DESC, code DESC LIMIT 1");
    if (!current.ok()) return current.status();
    current->Bind(1, system_id);
    Result<bool> has_current = current->Step();
    if (!has_current.ok()) return has_current.status();
    if (!*has_current || current->ColumnText(0) != code) {
      Result<sqlite::Statement> row = db.Prepare(
          "SELECT used_ms IS NOT NULL FROM pairing_codes WHERE code = ?1 AND system_id = ?2");
      if (!row.ok()) return row.status();
      row->Bind(1, std::string_view(code)).Bind(2, system_id);
      Result<bool> known = row->Step();
      if (!known.ok()) return known.status();
      if (!*known) return FailedPrecondition("pairing code is not one of this system's codes");
      if (row->ColumnInt(0) != 0) return FailedPrecondition("pairing code was already used");
      return FailedPrecondition("pairing code was replaced or cancelled");
    }
    if (current->ColumnInt(1) <= now) return FailedPrecondition("pairing code has expired");
    if ((*key)->paired) {
      return FailedPrecondition("system is already paired; unpair it first");
    }

    Result<sqlite::Statement> use =
        db.Prepare("UPDATE pairing_codes SET used_ms = ?2 WHERE code = ?1");
    if (!use.ok()) return use.status();
    use->Bind(1, std::string_view(code)).Bind(2, now);
    CCC_RETURN_IF_ERROR(use->Run());
    Result<sqlite::Statement> pair = db.Prepare(
        "UPDATE systems SET paired = 1, paired_ms = ?2, cert_serial = ?3,"
        " first_registration_ms = coalesce(first_registration_ms, ?2) WHERE id = ?1");
    if (!pair.ok()) return pair.status();
    pair->Bind(1, system_id).Bind(2, now).Bind(3, std::string_view(cert_serial));
    CCC_RETURN_IF_ERROR(pair->Run());
    Result<sqlite::Statement> cert = db.Prepare(
        "INSERT INTO certificates(serial_hex, system_serial, issued_ms, not_after_ms)"
        " VALUES(?1, ?2, ?3, ?4)");
    if (!cert.ok()) return cert.status();
    cert->Bind(1, std::string_view(cert_serial))
        .Bind(2, std::string_view((*key)->serial))
        .Bind(3, now)
        .Bind(4, cert_not_after_ms);
    CCC_RETURN_IF_ERROR(cert->Run());
    return detail::AppendAuditRow(
        db, InCompany(actor, (*key)->company_id), "system.pair", "system",
        std::to_string(system_id),
        Json({{"serial", (*key)->serial}, {"certificate_serial", cert_serial}}), now);
  });
}

Result<std::vector<std::string>> Directory::Unpair(int64_t system_id, Ms now, const Actor& actor) {
  return impl_->Write<std::vector<std::string>>(
      [&](sqlite::Database& db) -> Result<std::vector<std::string>> {
        Result<std::optional<SystemKey>> key = LoadSystemKey(db, system_id);
        if (!key.ok()) return key.status();
        if (!key->has_value()) return SystemNotFound(system_id);
        if (!(*key)->paired) return FailedPrecondition("system is not paired");
        Result<std::vector<std::string>> revoked = RevokeCertificates(db, (*key)->serial, now);
        if (!revoked.ok()) return revoked.status();
        Result<int> voided = VoidCurrentCodes(db, system_id, now);
        if (!voided.ok()) return voided.status();
        Result<sqlite::Statement> update = db.Prepare(
            "UPDATE systems SET paired = 0, paired_ms = NULL, cert_serial = NULL WHERE id = ?1");
        if (!update.ok()) return update.status();
        update->Bind(1, system_id);
        CCC_RETURN_IF_ERROR(update->Run());
        CCC_RETURN_IF_ERROR(detail::AppendAuditRow(
            db, InCompany(actor, (*key)->company_id), "system.unpair", "system",
            std::to_string(system_id),
            Json({{"serial", (*key)->serial}, {"revoked_certificates", Strings(*revoked)}}), now));
        return revoked;
      });
}

Result<std::vector<std::pair<std::string, Ms>>> Directory::RevokedCertificates() {
  using Revoked = std::vector<std::pair<std::string, Ms>>;
  return impl_->Read<Revoked>([](detail::Connection& c) -> Result<Revoked> {
    Result<sqlite::Statement*> stmt = c.Cached(
        "SELECT serial_hex, revoked_ms FROM certificates WHERE revoked_ms IS NOT NULL"
        " ORDER BY revoked_ms, serial_hex");
    if (!stmt.ok()) return stmt.status();
    Revoked revoked;
    for (;;) {
      Result<bool> row = (*stmt)->Step();
      if (!row.ok()) return row.status();
      if (!*row) return revoked;
      revoked.emplace_back((*stmt)->ColumnText(0), (*stmt)->ColumnInt(1));
    }
  });
}

Result<std::vector<std::string>> Directory::PairedSerials() {
  using Serials = std::vector<std::string>;
  return impl_->Read<Serials>([](detail::Connection& c) -> Result<Serials> {
    Result<sqlite::Statement*> stmt =
        c.Cached("SELECT serial FROM systems WHERE paired = 1 ORDER BY serial");
    if (!stmt.ok()) return stmt.status();
    Serials serials;
    for (;;) {
      Result<bool> row = (*stmt)->Step();
      if (!row.ok()) return row.status();
      if (!*row) return serials;
      serials.push_back((*stmt)->ColumnText(0));
    }
  });
}

// --- Operator settings --------------------------------------------------------------------

Status Directory::SetMaintenanceUntil(int64_t system_id, std::optional<Ms> until,
                                      const Actor& actor) {
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<std::optional<SystemKey>> key = LoadSystemKey(db, system_id);
    if (!key.ok()) return key.status();
    if (!key->has_value()) return SystemNotFound(system_id);
    Result<sqlite::Statement> update =
        db.Prepare("UPDATE systems SET maintenance_until_ms = ?2 WHERE id = ?1");
    if (!update.ok()) return update.status();
    update->Bind(1, system_id);
    detail::BindOptional(*update, 2, until);
    CCC_RETURN_IF_ERROR(update->Run());
    boost::json::object details{{"serial", (*key)->serial}, {"until_ms", nullptr}};
    if (until.has_value()) details["until_ms"] = *until;
    return detail::AppendAuditRow(db, InCompany(actor, (*key)->company_id), "system.maintenance",
                                  "system", std::to_string(system_id), Json(details),
                                  detail::NowMs());
  });
}

Status Directory::SetMinimumFirmware(const std::string& version, const Actor& actor) {
  if (!version.empty()) {
    Result<FirmwareVersion> parsed = ParseFirmwareVersion(version);
    if (!parsed.ok()) return parsed.status();
  }
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<sqlite::Statement> previous =
        db.Prepare("SELECT value FROM operator_settings WHERE key = ?1");
    if (!previous.ok()) return previous.status();
    previous->Bind(1, kMinimumFirmwareKey);
    Result<bool> had = previous->Step();
    if (!had.ok()) return had.status();
    const std::string old = *had ? previous->ColumnText(0) : std::string();
    Result<sqlite::Statement> write =
        version.empty() ? db.Prepare("DELETE FROM operator_settings WHERE key = ?1")
                        : db.Prepare(
                              "INSERT INTO operator_settings(key, value) VALUES(?1, ?2)"
                              " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!write.ok()) return write.status();
    write->Bind(1, kMinimumFirmwareKey);
    if (!version.empty()) write->Bind(2, std::string_view(version));
    CCC_RETURN_IF_ERROR(write->Run());
    return detail::AppendAuditRow(db, actor, "operator.minimum_firmware", "operator_setting",
                                  std::string(kMinimumFirmwareKey),
                                  Json({{"version", version}, {"previous_version", old}}),
                                  detail::NowMs());
  });
}

Result<std::string> Directory::MinimumFirmware() {
  return impl_->Read<std::string>(
      [](detail::Connection& c) -> Result<std::string> { return ReadMinimumFirmware(c); });
}

}  // namespace ccc::relay::directory
