#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "relay/policy/access_policy.h"
#include "relay/policy/roles.h"

// The directory: who exists (companies, users, sessions, API tokens), which systems they
// have and how those are paired, and who may reach which system (authorisations, groups).
// It is the storage behind the REST API; the access *decision* stays in relay/policy.
//
// Storage: its own SQLite file (directory.db, schema in directory_schema.h). Live device
// facts (online, last seen, reported firmware, model and site opt-ins) belong to the
// ingest database (relay.db, table devices); reader connections ATTACH it read-only as
// "ingest" and join it, so the two never need a cross-file transaction.
//
// Every change takes an Actor and writes its audit_log row in the SAME transaction: a
// change without its audit entry cannot happen. Action names are "<target>.<verb>", e.g.
// "system.create", "system.rename", "pairing_code.renew", "authorisation.grant".
//
// Errors: kNotFound (no such row, or not in the caller's company where a company is
// given), kAlreadyExists (unique violation: serial, e-mail, company name, group name),
// kFailedPrecondition (state forbids it, e.g. a pairing code used meanwhile),
// kInvalidArgument (bad values), kUnavailable (database busy), kDataLoss/kInternal.
//
// Threads: all methods are safe to call concurrently. Writes serialise on one writer
// connection; reads use a small pool of read-only connections (WAL), so lists never wait
// for writes.
namespace ccc::relay::directory {

using Ms = int64_t;  // unix milliseconds

// Who did it, from where: written to the audit log.
struct Actor {
  std::optional<int64_t> user_id;     // empty for the operator (admin CLI) and for agents
  std::optional<int64_t> company_id;  // the company whose audit log shows the entry
  std::string label;                  // user e-mail, "operator" or "agent:<serial>"
  std::string address;                // client IP address, "" for the CLI
};

// Paging and ordering of a list (ARCHITECTURE.md, API conventions). `sort` is one of the
// keys the method documents (the API layer validates it first; an unknown key here is
// kInvalidArgument). `q` matches case-insensitively as a substring of the fields the
// method names; LIKE wildcards in q are matched literally.
struct ListQuery {
  std::string q;
  std::string sort;  // "" = the method's default
  bool descending = false;
  int64_t limit = 50;  // 1..1000
  int64_t offset = 0;  // >= 0
};

template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;  // rows matching q, ignoring limit/offset
};

// ---------------------------------------------------------------------------------------
// Companies and users

struct Company {
  int64_t id = 0;
  std::string name;
  Ms created_ms = 0;
};

struct User {
  int64_t id = 0;
  int64_t company_id = 0;
  std::string company_name;
  std::string email;  // as entered; compared without case
  std::string name;
  std::string language = "en";  // "en" or "de"
  bool company_admin = false;
  bool disabled = false;
  std::optional<std::string> password_hash;  // Argon2id string; empty for SSO-only users
  std::optional<std::string> oidc_issuer;
  std::optional<std::string> oidc_subject;
  Ms created_ms = 0;
};

struct NewUser {
  int64_t company_id = 0;
  std::string email;
  std::string name;
  std::optional<std::string> password_hash;
  std::string language = "en";
  bool company_admin = false;
  std::optional<std::string> oidc_issuer;
  std::optional<std::string> oidc_subject;
};

// ---------------------------------------------------------------------------------------
// Sessions and API tokens. Only digests of the secrets are stored (auth::TokenDigest).

struct SessionRecord {
  std::string id_digest;
  int64_t user_id = 0;
  std::string csrf_token;  // handed to the browser; compared in constant time
  Ms created_ms = 0;
  Ms last_used_ms = 0;
  Ms expires_ms = 0;  // absolute end
  std::string address;
  std::string user_agent;
};

struct ApiToken {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  Ms created_ms = 0;
  std::optional<Ms> last_used_ms;
  std::optional<Ms> expires_ms;
};

// ---------------------------------------------------------------------------------------
// Systems and pairing

// The current (newest, not voided, not used) confirmation code of a system.
struct PairingCode {
  std::string code;  // "XXXX-XXXX-XXXX"; shown to users while the system waits (A7)
  Ms created_ms = 0;
  Ms expires_ms = 0;
};

// One row of pairing_codes, for the pairing endpoint's checks.
struct PairingCodeRecord {
  std::string code;
  int64_t system_id = 0;
  std::string system_serial;
  Ms created_ms = 0;
  Ms expires_ms = 0;
  std::optional<Ms> used_ms;
  std::optional<Ms> voided_ms;  // replaced by a renewal or cancelled
};

struct System {
  int64_t id = 0;
  int64_t company_id = 0;
  int64_t owner_user_id = 0;
  std::string owner_email;
  std::string name;
  std::string serial;
  Ms created_ms = 0;
  std::optional<Ms> first_registration_ms;  // A8: first successful pairing
  bool paired = false;
  std::optional<Ms> paired_ms;
  std::optional<std::string> cert_serial;     // the certificate of the current pairing
  std::optional<Ms> maintenance_until_ms;     // operator-set contract end (A6)
  std::optional<PairingCode> code;            // current code, may be expired (A7 "error")
  // From the ingest database (empty/false until the agent reported them):
  bool online = false;
  std::optional<Ms> last_seen_ms;
  std::string model;
  std::string firmware;
  bool monitoring_opt_in = false;            // A5, reported by the agent
  bool remote_configuration_opt_in = false;  // A5, reported by the agent
  // Filled by ListVisibleSystems/GetVisibleSystem for the asking user: effective roles (B8).
  policy::RoleSet roles;
};

// ---------------------------------------------------------------------------------------
// Authorisations and groups

struct Authorisation {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string user_email;
  int64_t system_id = 0;
  std::string system_name;
  std::string system_serial;
  policy::RoleSet roles;  // never contains kOwner
  int64_t granted_by = 0;
  std::string granted_by_email;
  Ms created_ms = 0;
  Ms updated_ms = 0;
};

struct Group {
  int64_t id = 0;
  int64_t company_id = 0;
  int64_t owner_user_id = 0;
  std::string owner_email;
  std::string name;
  std::string description;
  std::optional<policy::Role> default_role;  // never kOwner
  bool is_public = false;
  Ms created_ms = 0;
  int64_t member_count = 0;
  int64_t system_count = 0;
  bool viewer_is_member = false;  // for the user the list was asked for
};

struct GroupMember {
  int64_t user_id = 0;
  std::string email;
  std::string name;
  std::optional<policy::Role> role;  // empty: the group's default role applies
  Ms joined_ms = 0;
};

struct GroupSystem {
  int64_t system_id = 0;
  std::string serial;
  std::string name;
  int64_t added_by = 0;
  Ms added_ms = 0;
};

struct AuditEntry {
  int64_t id = 0;
  Ms ts_ms = 0;
  std::optional<int64_t> company_id;
  std::optional<int64_t> actor_user_id;
  std::string actor;
  std::string address;
  std::string action;
  std::string target_type;
  std::string target_id;
  std::string details_json = "{}";  // a JSON object
};

// Operator news (FEATURES I3): one list for every company.
struct NewsItem {
  int64_t id = 0;
  std::string title;
  std::string body;
  Ms published_ms = 0;
  std::string created_by;  // the actor's label
};
inline constexpr size_t kMaxNewsTitleChars = 200;   // Unicode characters
inline constexpr size_t kMaxNewsBodyChars = 20000;  // Unicode characters

// A system together with the ingest store's facts about its device, for change detection.
struct SystemDevice {
  int64_t system_id = 0;
  int64_t company_id = 0;
  std::string serial;
  bool online = false;
  Ms registered_ms = 0;      // when the ingest allow-list took the device (pairing)
  std::string sysinfo_json;  // the agent's last sysinfo body, "{}" before the first
};

// A system as the PBX data views (issue 5) see it: what a row names, and the facts
// policy::Decide needs, the caller's effective roles standing in as direct roles.
struct FleetSystem {
  int64_t id = 0;
  std::string name;
  std::string serial;
  policy::AccessFacts facts;
};

// The agent's last sysinfo report of a system's device (D3/D4 pages).
struct DeviceReport {
  std::string serial;
  std::string sysinfo_json;       // "{}" before the first report
  std::optional<Ms> reported_ms;  // ts of the record that carried it; nullopt: none yet
};

// Call data retention of a company (FEATURES H1, issue 5): its call records are deleted
// once older than `days`.
inline constexpr int kDefaultCallRetentionDays = 90;
inline constexpr int kMinCallRetentionDays = 1;
inline constexpr int kMaxCallRetentionDays = 3650;

struct CallRetention {
  int64_t company_id = 0;
  std::string company_name;
  int days = kDefaultCallRetentionDays;
  std::vector<std::string> serials;  // of every system of the company, paired or not
};

struct DirectoryOptions {
  std::string path;         // directory.db
  std::string ingest_path;  // relay.db, attached read-only as "ingest" (may not exist yet)
  bool synchronous_full = true;
  int reader_connections = 4;
};

class Directory {
 public:
  // Opens (creating and migrating as needed) both connections kinds.
  static Result<std::unique_ptr<Directory>> Open(const DirectoryOptions& options);
  ~Directory();
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  bool Healthy();

  // --- Companies (operator only; implemented in directory_accounts.cc) -----------------
  Result<int64_t> CreateCompany(const std::string& name, Ms now, const Actor& actor);
  Result<std::optional<Company>> FindCompanyByName(const std::string& name);
  Result<std::optional<Company>> GetCompany(int64_t id);
  Result<std::vector<Company>> ListCompanies();

  // --- Users ----------------------------------------------------------------------------
  Result<int64_t> CreateUser(const NewUser& user, Ms now, const Actor& actor);
  Result<std::optional<User>> GetUser(int64_t id);
  Result<std::optional<User>> FindUserByEmail(const std::string& email);
  Result<std::optional<User>> FindUserByOidcSubject(const std::string& issuer,
                                                    const std::string& subject);
  Status SetOidcSubject(int64_t user_id, const std::string& issuer, const std::string& subject,
                        const Actor& actor);
  Status SetPasswordHash(int64_t user_id, const std::string& hash, const Actor& actor);
  // Disabling also deletes the user's sessions and API tokens.
  Status SetDisabled(int64_t user_id, bool disabled, const Actor& actor);
  Status SetLanguage(int64_t user_id, const std::string& language, const Actor& actor);
  Status SetCompanyAdmin(int64_t user_id, bool company_admin, const Actor& actor);
  // Users of one company (B1: users of a company see each other). q matches email and
  // name; sort keys "email" (default), "name", "created".
  Result<Page<User>> ListUsers(int64_t company_id, const ListQuery& query);

  // --- Sessions (no audit entries: login/logout are audited by the API layer) ----------
  // Touch/Delete of a session or token that no longer exists is OK: it may vanish while a
  // request that used it is still running.
  Status CreateSession(const SessionRecord& session);
  Result<std::optional<SessionRecord>> FindSession(const std::string& id_digest);
  // Sets last_used_ms (callers do this at most once a minute per session).
  Status TouchSession(const std::string& id_digest, Ms now);
  Status DeleteSession(const std::string& id_digest);
  Result<int64_t> DeleteExpiredSessions(Ms now, Ms idle_limit_ms);

  // --- API tokens -------------------------------------------------------------------------
  Result<int64_t> CreateApiToken(int64_t user_id, const std::string& name,
                                 const std::string& digest, std::optional<Ms> expires_ms, Ms now,
                                 const Actor& actor);
  // The token's owner is returned with it; disabled users' tokens are still returned (the
  // caller refuses them).
  Result<std::optional<ApiToken>> FindApiTokenByDigest(const std::string& digest);
  Status TouchApiToken(int64_t id, Ms now);
  Result<std::vector<ApiToken>> ListApiTokens(int64_t user_id);
  // kNotFound unless the token belongs to user_id.
  Status DeleteApiToken(int64_t user_id, int64_t token_id, const Actor& actor);

  // --- Audit log ------------------------------------------------------------------------
  // For events that are not a directory change (login, logout, failed pairing, export).
  Status AppendAudit(const AuditEntry& entry);
  // Newest first by default; q matches actor, action, target_id; sort keys "time"
  // (default, descending unless asked otherwise), "actor", "action".
  Result<Page<AuditEntry>> ListAudit(int64_t company_id, const ListQuery& query);

  // --- Systems (implemented in directory_systems.cc) -----------------------------------
  // Creates the system with owner_user_id as owner and its first confirmation code, in one
  // transaction. kAlreadyExists when the serial is taken (in any company).
  Result<int64_t> CreateSystem(int64_t company_id, int64_t owner_user_id, const std::string& name,
                               const std::string& serial, const PairingCode& code, Ms now,
                               const Actor& actor);
  // The system regardless of who asks (roles left empty). Includes the ingest facts.
  Result<std::optional<System>> GetSystem(int64_t id);
  Result<std::optional<System>> FindSystemBySerial(const std::string& serial);
  Status RenameSystem(int64_t id, const std::string& name, const Actor& actor);
  // Deletes the system with its codes, authorisations and group links. Returns the
  // serials of its certificates that were not yet revoked; they are marked revoked here,
  // the caller revokes them at the CA and broker.
  Result<std::vector<std::string>> DeleteSystem(int64_t id, Ms now, const Actor& actor);
  // The systems user_id can reach (own + authorisations + group memberships with a role),
  // each with roles filled. q matches name and serial; sort keys "name" (default),
  // "serial", "created", "first_registration", "last_seen", "state".
  Result<Page<System>> ListVisibleSystems(int64_t user_id, int64_t company_id,
                                          const ListQuery& query);
  // One system as user_id sees it: nullopt when it does not exist, is in another company,
  // or the user has no path to it (the API answers 404 for all three).
  Result<std::optional<System>> GetVisibleSystem(int64_t user_id, int64_t company_id,
                                                 int64_t system_id);
  // Everything policy::Decide needs for (user, system); nullopt when the system does not
  // exist. firmware_ok compares the reported firmware with MinimumFirmware() (true when
  // no minimum is set; false while nothing was reported).
  Result<std::optional<policy::AccessFacts>> LoadAccessFacts(const policy::UserFacts& user,
                                                             int64_t system_id);

  // --- Pairing codes ----------------------------------------------------------------------
  // Voids the current code and stores `code` as the new one (A2 renew).
  Status RenewPairingCode(int64_t system_id, const PairingCode& code, const Actor& actor);
  // Voids the current code without a new one (A2 cancel). kNotFound without a current code.
  Status CancelPairingCode(int64_t system_id, Ms now, const Actor& actor);
  Result<std::optional<PairingCodeRecord>> FindPairingCode(const std::string& code);
  // In one transaction: re-checks that `code` is current, unexpired and unused for
  // system_id (else kFailedPrecondition), marks it used, sets paired, paired_ms,
  // first_registration_ms (if unset), cert_serial, and records the certificate.
  Status CompletePairing(int64_t system_id, const std::string& code,
                         const std::string& cert_serial, Ms cert_not_after_ms, Ms now,
                         const Actor& actor);
  // Back to "not paired" (A4). Returns the certificate serials it marked revoked.
  Result<std::vector<std::string>> Unpair(int64_t system_id, Ms now, const Actor& actor);
  // Every revoked certificate as (serial_hex, revoked_ms), for the CA's revocation list.
  Result<std::vector<std::pair<std::string, Ms>>> RevokedCertificates();
  // Serials of paired systems: the ingest allow-list is reconciled against it at start.
  Result<std::vector<std::string>> PairedSerials();

  // --- Operator settings (A6) ---------------------------------------------------------
  Status SetMaintenanceUntil(int64_t system_id, std::optional<Ms> until, const Actor& actor);
  // "" = no minimum. Versions compare numerically per dot-separated part ("2.10" > "2.9").
  Status SetMinimumFirmware(const std::string& version, const Actor& actor);
  Result<std::string> MinimumFirmware();

  // --- Authorisations (B4; implemented in directory_access.cc) -------------------------
  // Creates or replaces the roles of (user, system); granted_by becomes the actor's user.
  // Empty roles or kOwner are kInvalidArgument.
  Result<int64_t> UpsertAuthorisation(int64_t user_id, int64_t system_id, policy::RoleSet roles,
                                      int64_t granted_by, Ms now, const Actor& actor);
  Result<std::optional<Authorisation>> GetAuthorisation(int64_t id);
  Status UpdateAuthorisationRoles(int64_t id, policy::RoleSet roles, Ms now, const Actor& actor);
  Status DeleteAuthorisation(int64_t id, const Actor& actor);
  // Authorisations granted by granted_by (B4). q matches user e-mail, system name and
  // serial; sort keys "user" (default), "system", "created".
  Result<Page<Authorisation>> ListAuthorisationsGrantedBy(int64_t granted_by,
                                                          const ListQuery& query);

  // --- Groups (B5-B7) ---------------------------------------------------------------------
  Result<int64_t> CreateGroup(int64_t company_id, int64_t owner_user_id, const std::string& name,
                              const std::string& description,
                              std::optional<policy::Role> default_role, bool is_public, Ms now,
                              const Actor& actor);
  Status UpdateGroup(int64_t group_id, const std::string& name, const std::string& description,
                     std::optional<policy::Role> default_role, bool is_public,
                     const Actor& actor);
  Status DeleteGroup(int64_t group_id, const Actor& actor);
  // viewer_is_member filled for viewer_user_id.
  Result<std::optional<Group>> GetGroup(int64_t group_id, int64_t viewer_user_id);
  // Groups viewer may see: public ones of the company, own ones, and ones viewer belongs to
  // (only_owned: own ones). q matches name and description; sort keys "name" (default),
  // "created", "members", "systems", "owner".
  Result<Page<Group>> ListGroups(int64_t company_id, int64_t viewer_user_id, bool only_owned,
                                 const ListQuery& query);
  Result<std::vector<GroupMember>> ListGroupMembers(int64_t group_id);
  // Adds or changes a member's role (nullopt = the group default).
  Status SetGroupMember(int64_t group_id, int64_t user_id, std::optional<policy::Role> role,
                        Ms now, const Actor& actor);
  Status RemoveGroupMember(int64_t group_id, int64_t user_id, const Actor& actor);
  Result<std::vector<GroupSystem>> ListGroupSystems(int64_t group_id);
  Status AddGroupSystem(int64_t group_id, int64_t system_id, int64_t added_by, Ms now,
                        const Actor& actor);
  Status RemoveGroupSystem(int64_t group_id, int64_t system_id, const Actor& actor);

  // --- News (I3; implemented in directory_news.cc) --------------------------------------
  // Publishes an item at `now`, audited as "news.add" without a company (every company
  // reads news). title 1..kMaxNewsTitleChars characters without control characters; body
  // 1..kMaxNewsBodyChars characters, control characters but CR, LF and tab refused; both
  // valid UTF-8 and not blank. Else kInvalidArgument naming the field.
  Result<int64_t> AddNews(const std::string& title, const std::string& body, Ms now,
                          const Actor& actor);
  // q matches title and body; sort key "published" (the only one; newest first unless
  // asked otherwise).
  Result<Page<NewsItem>> ListNews(const ListQuery& query);
  // kNotFound when there is no such item. Audited as "news.remove".
  Status RemoveNews(int64_t id, const Actor& actor);

  // --- Change feed for live updates (implemented in directory_events.cc) ----------------
  // The id of the newest audit row, 0 when the log is empty.
  Result<int64_t> LastAuditId();
  // Audit rows of every company with id > after_id, oldest first, at most `limit`.
  Result<std::vector<AuditEntry>> AuditEntriesAfter(int64_t after_id, int64_t limit);
  // Every system whose device is in relay.db's devices table, with the device's facts, by
  // system id. Read on the directory's reader pool (one query).
  Result<std::vector<SystemDevice>> SystemDevices();

  // --- PBX data views (issue 5; implemented in directory_pbxdata.cc) ------------------
  // Every system user (of user.company_id) can reach, ordered by name (case-insensitive,
  // then id), each with the facts for policy::Decide at `now`; only_system: just that one
  // (empty when it is not reachable). Visibility and roles are those of ListVisibleSystems.
  Result<std::vector<FleetSystem>> ListFleetSystems(const policy::UserFacts& user,
                                                    std::optional<int64_t> only_system, Ms now);
  // The system's device report from relay.db; nullopt when the system does not exist.
  Result<std::optional<DeviceReport>> GetDeviceReport(int64_t system_id);

  // --- Call data retention (issue 5; implemented in directory_retention.cc) -------------
  // kInvalidArgument outside kMinCallRetentionDays..kMaxCallRetentionDays, kNotFound for an
  // unknown company. Audited as "company.call_retention" (target the company, details
  // {"days", "previous"}).
  Status SetCallRetentionDays(int64_t company_id, int days, const Actor& actor);
  // kNotFound for an unknown company.
  Result<int> GetCallRetentionDays(int64_t company_id);
  // Every company (by id) with its retention and its systems' serials.
  Result<std::vector<CallRetention>> ListCallRetention();

 private:
  struct Impl;
  explicit Directory(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ccc::relay::directory
