// Companies, users, sessions, API tokens and the audit log of the Directory.

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "relay/directory/directory.h"
#include "relay/directory/directory_impl.h"

namespace ccc::relay::directory {
namespace {

using detail::Connection;
using detail::InCompany;
using detail::Json;
using detail::OptionalInt;
using detail::OptionalText;
using detail::ReadAuditEntry;
using sqlite::Database;
using sqlite::Statement;

constexpr size_t kMaxNameChars = 200;
constexpr size_t kMaxEmailChars = 254;

// Replaces SQLite's message (which names file and constraint) with one for people, keeping
// the code; other failures pass through.
Status Rephrased(Status status, StatusCode code, std::string message) {
  if (status.code() == code) return {code, std::move(message)};
  return status;
}

Status CheckLanguage(const std::string& language) {
  if (language != "en" && language != "de") {
    return InvalidArgument("language must be \"en\" or \"de\"");
  }
  return Status::Ok();
}

Company ReadCompany(const Statement& stmt) {
  Company company;
  company.id = stmt.ColumnInt(0);
  company.name = stmt.ColumnText(1);
  company.created_ms = stmt.ColumnInt(2);
  return company;
}

constexpr std::string_view kCompanyColumns = "SELECT id, name, created_ms FROM companies";

constexpr std::string_view kUserColumns =
    "SELECT u.id, u.company_id, c.name, u.email, u.name, u.language, u.company_admin,"
    " u.disabled, u.password_hash, u.oidc_issuer, u.oidc_subject, u.created_ms"
    " FROM users u JOIN companies c ON c.id = u.company_id";

User ReadUser(const Statement& stmt) {
  User user;
  user.id = stmt.ColumnInt(0);
  user.company_id = stmt.ColumnInt(1);
  user.company_name = stmt.ColumnText(2);
  user.email = stmt.ColumnText(3);
  user.name = stmt.ColumnText(4);
  user.language = stmt.ColumnText(5);
  user.company_admin = stmt.ColumnInt(6) != 0;
  user.disabled = stmt.ColumnInt(7) != 0;
  user.password_hash = OptionalText(stmt, 8);
  user.oidc_issuer = OptionalText(stmt, 9);
  user.oidc_subject = OptionalText(stmt, 10);
  user.created_ms = stmt.ColumnInt(11);
  return user;
}

constexpr std::string_view kSessionColumns =
    "SELECT id_digest, user_id, csrf_token, created_ms, last_used_ms, expires_ms, address,"
    " user_agent FROM sessions";

SessionRecord ReadSession(const Statement& stmt) {
  SessionRecord session;
  session.id_digest = stmt.ColumnText(0);
  session.user_id = stmt.ColumnInt(1);
  session.csrf_token = stmt.ColumnText(2);
  session.created_ms = stmt.ColumnInt(3);
  session.last_used_ms = stmt.ColumnInt(4);
  session.expires_ms = stmt.ColumnInt(5);
  session.address = stmt.ColumnText(6);
  session.user_agent = stmt.ColumnText(7);
  return session;
}

constexpr std::string_view kApiTokenColumns =
    "SELECT id, user_id, name, created_ms, last_used_ms, expires_ms FROM api_tokens";

ApiToken ReadApiToken(const Statement& stmt) {
  ApiToken token;
  token.id = stmt.ColumnInt(0);
  token.user_id = stmt.ColumnInt(1);
  token.name = stmt.ColumnText(2);
  token.created_ms = stmt.ColumnInt(3);
  token.last_used_ms = OptionalInt(stmt, 4);
  token.expires_ms = OptionalInt(stmt, 5);
  return token;
}

// Runs a one-row query on a reader: nullopt without a row.
template <typename T, typename Bind, typename Read>
Result<std::optional<T>> QueryOne(detail::Storage& impl, std::string sql, Bind bind, Read read) {
  auto lease = impl.Reader();
  Result<Statement*> stmt = lease->Cached(sql);
  if (!stmt.ok()) return stmt.status();
  bind(**stmt);
  Result<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<T>();
  return std::optional<T>(read(**stmt));
}

// The company of a user, or kNotFound. Inside a write body.
Result<int64_t> UserCompany(Database& db, int64_t user_id) {
  Result<Statement> stmt = db.Prepare("SELECT company_id FROM users WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, user_id);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound("no user " + std::to_string(user_id));
  return stmt->ColumnInt(0);
}

// One UPDATE of a user's row plus its audit entry.
Status UpdateUser(detail::Storage& impl, int64_t user_id, std::string_view sql,
                  const std::function<void(Statement&)>& bind, const Actor& actor,
                  std::string_view action, const boost::json::object& details) {
  return impl.Write([&](Database& db) -> Status {
    Result<int64_t> company = UserCompany(db, user_id);
    if (!company.ok()) return company.status();
    Result<Statement> stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, user_id);
    bind(*stmt);
    CCC_RETURN_IF_ERROR(stmt->Run());
    return detail::AppendAuditRow(db, InCompany(actor, *company), action, "user",
                                  std::to_string(user_id), Json(details), detail::NowMs());
  });
}

// One page of a company's list. `where` filters with ?1 = company_id, ?2 = query.q and
// ?3 = its LIKE pattern; `count_from` ("SELECT count(*) FROM ...") and `select` (the columns
// `read` reads, with FROM) stand before it, `order` (OrderBy) after it. Both statements run
// in one read transaction, so the total matches the page.
template <typename T>
Result<Page<T>> ReadCompanyPage(detail::Storage& storage, int64_t company_id,
                                const ListQuery& query, std::string_view count_from,
                                std::string_view select, const std::string& where,
                                const std::string& order, T (*read)(const Statement&)) {
  const std::string like = detail::LikePattern(query.q);
  const auto bind_filter = [&](Statement& stmt) {
    stmt.Bind(1, company_id).Bind(2, std::string_view(query.q)).Bind(3, std::string_view(like));
  };
  return storage.Read<Page<T>>([&](Connection& c) -> Result<Page<T>> {
    Page<T> page;
    Result<int64_t> total = detail::CountRows(c, std::string(count_from) + where, bind_filter);
    if (!total.ok()) return total.status();
    page.total = *total;

    Result<Statement*> stmt = c.Cached(std::string(select) + where + order + " LIMIT ?4 OFFSET ?5");
    if (!stmt.ok()) return stmt.status();
    bind_filter(**stmt);
    (*stmt)->Bind(4, query.limit).Bind(5, query.offset);
    Result<std::vector<T>> items = detail::ReadAll(**stmt, read);
    if (!items.ok()) return items.status();
    page.items = std::move(*items);
    return page;
  });
}

}  // namespace

// --- Companies ----------------------------------------------------------------------------

Result<int64_t> Directory::CreateCompany(const std::string& name, Ms now, const Actor& actor) {
  if (name.empty() || name.size() > kMaxNameChars) {
    return InvalidArgument("company name must be 1.." + std::to_string(kMaxNameChars) + " bytes");
  }
  return impl_->Write<int64_t>([&](Database& db) -> Result<int64_t> {
    Result<Statement> stmt = db.Prepare("INSERT INTO companies(name, created_ms) VALUES(?1, ?2)");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, std::string_view(name)).Bind(2, now);
    Status inserted = stmt->Run();
    if (!inserted.ok()) {
      return Rephrased(inserted, StatusCode::kAlreadyExists,
                       "a company named \"" + name + "\" exists already");
    }
    const int64_t id = db.LastInsertRowId();
    CCC_RETURN_IF_ERROR(detail::AppendAuditRow(db, InCompany(actor, id), "company.create",
                                               "company", std::to_string(id),
                                               Json({{"name", name}}), now));
    return id;
  });
}

Result<std::optional<Company>> Directory::FindCompanyByName(const std::string& name) {
  return QueryOne<Company>(
      *impl_, std::string(kCompanyColumns) + " WHERE name = ?1",
      [&](Statement& s) { s.Bind(1, std::string_view(name)); }, ReadCompany);
}

Result<std::optional<Company>> Directory::GetCompany(int64_t id) {
  return QueryOne<Company>(
      *impl_, std::string(kCompanyColumns) + " WHERE id = ?1", [&](Statement& s) { s.Bind(1, id); },
      ReadCompany);
}

Result<std::vector<Company>> Directory::ListCompanies() {
  auto lease = impl_->Reader();
  Result<Statement*> stmt =
      lease->Cached(std::string(kCompanyColumns) + " ORDER BY name COLLATE NOCASE, id");
  if (!stmt.ok()) return stmt.status();
  std::vector<Company> companies;
  for (;;) {
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    companies.push_back(ReadCompany(**stmt));
  }
  return companies;
}

// --- Users --------------------------------------------------------------------------------

Result<int64_t> Directory::CreateUser(const NewUser& user, Ms now, const Actor& actor) {
  if (user.email.empty() || user.email.size() > kMaxEmailChars ||
      user.email.find('@') == std::string::npos) {
    return InvalidArgument("e-mail address \"" + user.email + "\" is not valid");
  }
  if (user.name.size() > kMaxNameChars) {
    return InvalidArgument("user name must be at most " + std::to_string(kMaxNameChars) + " bytes");
  }
  CCC_RETURN_IF_ERROR(CheckLanguage(user.language));
  if (user.oidc_issuer.has_value() != user.oidc_subject.has_value()) {
    return InvalidArgument("an SSO identity needs both issuer and subject");
  }
  if (user.password_hash && user.password_hash->empty()) {
    return InvalidArgument("password hash must not be empty");
  }
  return impl_->Write<int64_t>([&](Database& db) -> Result<int64_t> {
    Result<Statement> company = db.Prepare("SELECT 1 FROM companies WHERE id = ?1");
    if (!company.ok()) return company.status();
    company->Bind(1, user.company_id);
    Result<bool> found = company->Step();
    if (!found.ok()) return found.status();
    if (!*found) return NotFound("no company " + std::to_string(user.company_id));

    Result<Statement> stmt = db.Prepare(
        "INSERT INTO users(company_id, email, name, password_hash, language, company_admin,"
        " oidc_issuer, oidc_subject, created_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, user.company_id)
        .Bind(2, std::string_view(user.email))
        .Bind(3, std::string_view(user.name));
    detail::BindOptional(*stmt, 4, user.password_hash);
    stmt->Bind(5, std::string_view(user.language))
        .Bind(6, static_cast<int64_t>(user.company_admin ? 1 : 0));
    detail::BindOptional(*stmt, 7, user.oidc_issuer);
    detail::BindOptional(*stmt, 8, user.oidc_subject);
    stmt->Bind(9, now);
    Status inserted = stmt->Run();
    if (!inserted.ok()) {
      const bool email_taken = inserted.message().find("users.email") != std::string::npos;
      return Rephrased(inserted, StatusCode::kAlreadyExists,
                       email_taken ? "e-mail address \"" + user.email + "\" is taken"
                                   : "this SSO identity belongs to another user");
    }
    const int64_t id = db.LastInsertRowId();
    boost::json::object details{{"email", user.email},
                                {"name", user.name},
                                {"company_admin", user.company_admin},
                                {"password", user.password_hash.has_value()}};
    if (user.oidc_issuer) details["oidc_issuer"] = *user.oidc_issuer;
    CCC_RETURN_IF_ERROR(detail::AppendAuditRow(db, InCompany(actor, user.company_id), "user.create",
                                               "user", std::to_string(id), Json(details), now));
    return id;
  });
}

Result<std::optional<User>> Directory::GetUser(int64_t id) {
  return QueryOne<User>(
      *impl_, std::string(kUserColumns) + " WHERE u.id = ?1", [&](Statement& s) { s.Bind(1, id); },
      ReadUser);
}

Result<std::optional<User>> Directory::FindUserByEmail(const std::string& email) {
  // users.email is COLLATE NOCASE, so "=" ignores case and uses the unique index.
  return QueryOne<User>(
      *impl_, std::string(kUserColumns) + " WHERE u.email = ?1",
      [&](Statement& s) { s.Bind(1, std::string_view(email)); }, ReadUser);
}

Result<std::optional<User>> Directory::FindUserByOidcSubject(const std::string& issuer,
                                                             const std::string& subject) {
  return QueryOne<User>(
      *impl_, std::string(kUserColumns) + " WHERE u.oidc_issuer = ?1 AND u.oidc_subject = ?2",
      [&](Statement& s) { s.Bind(1, std::string_view(issuer)).Bind(2, std::string_view(subject)); },
      ReadUser);
}

Status Directory::SetOidcSubject(int64_t user_id, const std::string& issuer,
                                 const std::string& subject, const Actor& actor) {
  if (issuer.empty() || subject.empty()) {
    return InvalidArgument("an SSO identity needs both issuer and subject");
  }
  Status status = UpdateUser(
      *impl_, user_id, "UPDATE users SET oidc_issuer = ?2, oidc_subject = ?3 WHERE id = ?1",
      [&](Statement& s) { s.Bind(2, std::string_view(issuer)).Bind(3, std::string_view(subject)); },
      actor, "user.sso_link", {{"oidc_issuer", issuer}});
  return Rephrased(status, StatusCode::kAlreadyExists, "this SSO identity belongs to another user");
}

Status Directory::SetPasswordHash(int64_t user_id, const std::string& hash, const Actor& actor) {
  if (hash.empty()) return InvalidArgument("password hash must not be empty");
  return UpdateUser(*impl_, user_id, "UPDATE users SET password_hash = ?2 WHERE id = ?1",
                    [&](Statement& s) { s.Bind(2, std::string_view(hash)); }, actor,
                    "user.password", {});
}

Status Directory::SetDisabled(int64_t user_id, bool disabled, const Actor& actor) {
  return impl_->Write([&](Database& db) -> Status {
    Result<int64_t> company = UserCompany(db, user_id);
    if (!company.ok()) return company.status();
    Result<Statement> update = db.Prepare("UPDATE users SET disabled = ?2 WHERE id = ?1");
    if (!update.ok()) return update.status();
    update->Bind(1, user_id).Bind(2, static_cast<int64_t>(disabled ? 1 : 0));
    CCC_RETURN_IF_ERROR(update->Run());
    boost::json::object details;
    if (disabled) {
      // Invariant: a disabled user holds no way in; sessions and tokens go in the same
      // transaction as the flag.
      Result<Statement> sessions = db.Prepare("DELETE FROM sessions WHERE user_id = ?1");
      if (!sessions.ok()) return sessions.status();
      sessions->Bind(1, user_id);
      CCC_RETURN_IF_ERROR(sessions->Run());
      details["sessions_deleted"] = db.Changes();
      Result<Statement> tokens = db.Prepare("DELETE FROM api_tokens WHERE user_id = ?1");
      if (!tokens.ok()) return tokens.status();
      tokens->Bind(1, user_id);
      CCC_RETURN_IF_ERROR(tokens->Run());
      details["api_tokens_deleted"] = db.Changes();
    }
    return detail::AppendAuditRow(db, InCompany(actor, *company),
                                  disabled ? "user.disable" : "user.enable", "user",
                                  std::to_string(user_id), Json(details), detail::NowMs());
  });
}

Status Directory::SetLanguage(int64_t user_id, const std::string& language, const Actor& actor) {
  CCC_RETURN_IF_ERROR(CheckLanguage(language));
  return UpdateUser(*impl_, user_id, "UPDATE users SET language = ?2 WHERE id = ?1",
                    [&](Statement& s) { s.Bind(2, std::string_view(language)); }, actor,
                    "user.language", {{"language", language}});
}

Status Directory::SetCompanyAdmin(int64_t user_id, bool company_admin, const Actor& actor) {
  return UpdateUser(*impl_, user_id, "UPDATE users SET company_admin = ?2 WHERE id = ?1",
                    [&](Statement& s) { s.Bind(2, static_cast<int64_t>(company_admin ? 1 : 0)); },
                    actor, "user.company_admin", {{"company_admin", company_admin}});
}

Result<Page<User>> Directory::ListUsers(int64_t company_id, const ListQuery& query) {
  CCC_RETURN_IF_ERROR(detail::ValidatePaging(query));
  static constexpr detail::SortKey kKeys[] = {
      {"email", "u.email COLLATE NOCASE"},
      {"name", "u.name COLLATE NOCASE"},
      {"created", "u.created_ms"},
  };
  Result<std::string> order = detail::OrderBy(query, kKeys, "u.id");
  if (!order.ok()) return order.status();
  const std::string where =
      " WHERE u.company_id = ?1 AND (?2 = '' OR u.email LIKE ?3 ESCAPE '\\'"
      " OR u.name LIKE ?3 ESCAPE '\\')";
  return ReadCompanyPage(*impl_, company_id, query, "SELECT count(*) FROM users u", kUserColumns,
                         where, *order, ReadUser);
}

// --- Sessions -----------------------------------------------------------------------------

Status Directory::CreateSession(const SessionRecord& session) {
  if (session.id_digest.empty() || session.csrf_token.empty()) {
    return InvalidArgument("a session needs its digest and CSRF token");
  }
  return impl_->Write([&](Database& db) -> Status {
    Result<int64_t> company = UserCompany(db, session.user_id);
    if (!company.ok()) return company.status();
    Result<Statement> stmt = db.Prepare(
        "INSERT INTO sessions(id_digest, user_id, csrf_token, created_ms, last_used_ms,"
        " expires_ms, address, user_agent) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, std::string_view(session.id_digest))
        .Bind(2, session.user_id)
        .Bind(3, std::string_view(session.csrf_token))
        .Bind(4, session.created_ms)
        .Bind(5, session.last_used_ms)
        .Bind(6, session.expires_ms)
        .Bind(7, std::string_view(session.address))
        .Bind(8, std::string_view(session.user_agent));
    return Rephrased(stmt->Run(), StatusCode::kAlreadyExists, "session exists already");
  });
}

Result<std::optional<SessionRecord>> Directory::FindSession(const std::string& id_digest) {
  return QueryOne<SessionRecord>(
      *impl_, std::string(kSessionColumns) + " WHERE id_digest = ?1",
      [&](Statement& s) { s.Bind(1, std::string_view(id_digest)); }, ReadSession);
}

// Touch and delete are idempotent: a session that vanished meanwhile (logout in another
// tab, expiry sweep) is no error for the request that noticed it.
Status Directory::TouchSession(const std::string& id_digest, Ms now) {
  return impl_->Write([&](Database& db) -> Status {
    Result<Statement> stmt =
        db.Prepare("UPDATE sessions SET last_used_ms = max(last_used_ms, ?2) WHERE id_digest = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, std::string_view(id_digest)).Bind(2, now);
    return stmt->Run();
  });
}

Status Directory::DeleteSession(const std::string& id_digest) {
  return impl_->Write([&](Database& db) -> Status {
    Result<Statement> stmt = db.Prepare("DELETE FROM sessions WHERE id_digest = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, std::string_view(id_digest));
    return stmt->Run();
  });
}

Result<int64_t> Directory::DeleteExpiredSessions(Ms now, Ms idle_limit_ms) {
  return impl_->Write<int64_t>([&](Database& db) -> Result<int64_t> {
    // The same rule as the API's check: expired at expires_ms, idle after idle_limit_ms.
    Result<Statement> stmt =
        db.Prepare("DELETE FROM sessions WHERE expires_ms <= ?1 OR last_used_ms <= ?1 - ?2");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, now).Bind(2, idle_limit_ms);
    CCC_RETURN_IF_ERROR(stmt->Run());
    return static_cast<int64_t>(db.Changes());
  });
}

// --- API tokens ---------------------------------------------------------------------------

Result<int64_t> Directory::CreateApiToken(int64_t user_id, const std::string& name,
                                          const std::string& digest, std::optional<Ms> expires_ms,
                                          Ms now, const Actor& actor) {
  if (name.empty() || name.size() > kMaxNameChars) {
    return InvalidArgument("token name must be 1.." + std::to_string(kMaxNameChars) + " bytes");
  }
  if (digest.empty()) return InvalidArgument("token digest must not be empty");
  return impl_->Write<int64_t>([&](Database& db) -> Result<int64_t> {
    Result<int64_t> company = UserCompany(db, user_id);
    if (!company.ok()) return company.status();
    Result<Statement> stmt = db.Prepare(
        "INSERT INTO api_tokens(user_id, name, digest, created_ms, expires_ms)"
        " VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, user_id).Bind(2, std::string_view(name)).Bind(3, std::string_view(digest));
    stmt->Bind(4, now);
    detail::BindOptional(*stmt, 5, expires_ms);
    CCC_RETURN_IF_ERROR(Rephrased(stmt->Run(), StatusCode::kAlreadyExists, "token exists already"));
    const int64_t id = db.LastInsertRowId();
    boost::json::object details{{"name", name}, {"user_id", user_id}};
    if (expires_ms) {
      details["expires_ms"] = *expires_ms;
    } else {
      details["expires_ms"] = nullptr;
    }
    CCC_RETURN_IF_ERROR(detail::AppendAuditRow(db, InCompany(actor, *company), "api_token.create",
                                               "api_token", std::to_string(id), Json(details),
                                               now));
    return id;
  });
}

Result<std::optional<ApiToken>> Directory::FindApiTokenByDigest(const std::string& digest) {
  return QueryOne<ApiToken>(
      *impl_, std::string(kApiTokenColumns) + " WHERE digest = ?1",
      [&](Statement& s) { s.Bind(1, std::string_view(digest)); }, ReadApiToken);
}

Status Directory::TouchApiToken(int64_t id, Ms now) {
  return impl_->Write([&](Database& db) -> Status {
    Result<Statement> stmt = db.Prepare(
        "UPDATE api_tokens SET last_used_ms = max(coalesce(last_used_ms, ?2), ?2)"
        " WHERE id = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, id).Bind(2, now);
    return stmt->Run();
  });
}

Result<std::vector<ApiToken>> Directory::ListApiTokens(int64_t user_id) {
  auto lease = impl_->Reader();
  Result<Statement*> stmt =
      lease->Cached(std::string(kApiTokenColumns) + " WHERE user_id = ?1 ORDER BY created_ms, id");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, user_id);
  std::vector<ApiToken> tokens;
  for (;;) {
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    tokens.push_back(ReadApiToken(**stmt));
  }
  return tokens;
}

Status Directory::DeleteApiToken(int64_t user_id, int64_t token_id, const Actor& actor) {
  return impl_->Write([&](Database& db) -> Status {
    Result<Statement> find = db.Prepare(
        "SELECT t.name, u.company_id FROM api_tokens t JOIN users u ON u.id = t.user_id"
        " WHERE t.id = ?1 AND t.user_id = ?2");
    if (!find.ok()) return find.status();
    find->Bind(1, token_id).Bind(2, user_id);
    Result<bool> row = find->Step();
    if (!row.ok()) return row.status();
    if (!*row) return NotFound("no API token " + std::to_string(token_id));
    const std::string name = find->ColumnText(0);
    const int64_t company_id = find->ColumnInt(1);
    find->Reset();
    Result<Statement> stmt = db.Prepare("DELETE FROM api_tokens WHERE id = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, token_id);
    CCC_RETURN_IF_ERROR(stmt->Run());
    return detail::AppendAuditRow(db, InCompany(actor, company_id), "api_token.delete", "api_token",
                                  std::to_string(token_id),
                                  Json({{"name", name}, {"user_id", user_id}}), detail::NowMs());
  });
}

// --- Audit log ----------------------------------------------------------------------------

Status Directory::AppendAudit(const AuditEntry& entry) {
  if (entry.action.empty() || entry.target_type.empty()) {
    return InvalidArgument("an audit entry needs an action and a target type");
  }
  const std::string details = entry.details_json.empty() ? "{}" : entry.details_json;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(details, ec);
  if (ec || !parsed.is_object()) {
    return InvalidArgument("audit details must be a JSON object");
  }
  Actor actor{entry.actor_user_id, entry.company_id, entry.actor, entry.address};
  const Ms ts = entry.ts_ms != 0 ? entry.ts_ms : detail::NowMs();
  return impl_->Write([&](Database& db) -> Status {
    return detail::AppendAuditRow(db, actor, entry.action, entry.target_type, entry.target_id,
                                  details, ts);
  });
}

Result<Page<AuditEntry>> Directory::ListAudit(int64_t company_id, const ListQuery& query) {
  CCC_RETURN_IF_ERROR(detail::ValidatePaging(query));
  static constexpr detail::SortKey kKeys[] = {
      {"time", "ts_ms"},
      {"actor", "actor COLLATE NOCASE"},
      {"action", "action"},
  };
  Result<std::string> order = detail::OrderBy(query, kKeys, "id", /*default_descending=*/true);
  if (!order.ok()) return order.status();
  const std::string where =
      " WHERE company_id = ?1 AND (?2 = '' OR actor LIKE ?3 ESCAPE '\\'"
      " OR action LIKE ?3 ESCAPE '\\' OR target_id LIKE ?3 ESCAPE '\\')";
  return ReadCompanyPage(*impl_, company_id, query, "SELECT count(*) FROM audit_log",
                         detail::kAuditSelect, where, *order, ReadAuditEntry);
}

}  // namespace ccc::relay::directory
