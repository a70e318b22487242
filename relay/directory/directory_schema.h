#pragma once

#include <string_view>

// SQL of the directory database (directory.db beside relay.db): companies, users, sessions,
// API tokens, systems and their pairing, authorisations, groups, operator settings and the
// audit log. Migration i (0-based) takes PRAGMA user_version from i to i + 1. Never edit a
// migration that has shipped; append a new one.
//
// Conventions: times are unix milliseconds (INTEGER, *_ms). Role sets are the bit masks of
// policy::RoleSet (bit = 1 << Role). E-mail addresses and company names compare without
// case. Deleting a user or system removes what hangs off it (ON DELETE CASCADE; the
// connection enables foreign_keys). The audit log keeps plain copies (ids + labels) and no
// foreign keys, so it survives the deletion of what it describes.
namespace ccc::relay::directory::sql {

inline constexpr std::string_view kMigrations[] = {
    // Version 1.
    R"sql(
CREATE TABLE companies(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  created_ms INTEGER NOT NULL
);
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL DEFAULT '',
  password_hash TEXT,
  language TEXT NOT NULL DEFAULT 'en',
  company_admin INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  oidc_issuer TEXT,
  oidc_subject TEXT,
  created_ms INTEGER NOT NULL,
  UNIQUE(oidc_issuer, oidc_subject)
);
CREATE INDEX users_by_company ON users(company_id, email);
CREATE TABLE sessions(
  id_digest TEXT PRIMARY KEY NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  last_used_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE api_tokens(
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  digest TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  last_used_ms INTEGER,
  expires_ms INTEGER
);
CREATE TABLE systems(
  id INTEGER PRIMARY KEY,
  company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  owner_user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  serial TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  first_registration_ms INTEGER,
  paired INTEGER NOT NULL DEFAULT 0,
  paired_ms INTEGER,
  cert_serial TEXT,
  maintenance_until_ms INTEGER
);
CREATE INDEX systems_by_company_name ON systems(company_id, name COLLATE NOCASE);
CREATE INDEX systems_by_owner ON systems(owner_user_id);
CREATE TABLE pairing_codes(
  code TEXT PRIMARY KEY NOT NULL,
  system_id INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_ms INTEGER,
  voided_ms INTEGER
) WITHOUT ROWID;
CREATE INDEX pairing_codes_by_system ON pairing_codes(system_id, created_ms);
CREATE TABLE certificates(
  serial_hex TEXT PRIMARY KEY NOT NULL,
  system_serial TEXT NOT NULL,
  issued_ms INTEGER NOT NULL,
  not_after_ms INTEGER NOT NULL,
  revoked_ms INTEGER
) WITHOUT ROWID;
CREATE TABLE authorisations(
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  system_id INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
  roles INTEGER NOT NULL,
  granted_by INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  UNIQUE(user_id, system_id)
);
CREATE INDEX authorisations_by_system ON authorisations(system_id);
CREATE INDEX authorisations_by_granter ON authorisations(granted_by);
CREATE TABLE groups(
  id INTEGER PRIMARY KEY,
  company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  owner_user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  default_role INTEGER,
  is_public INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  UNIQUE(company_id, name)
);
CREATE TABLE group_members(
  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role INTEGER,
  joined_ms INTEGER NOT NULL,
  PRIMARY KEY(group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_members_by_user ON group_members(user_id);
CREATE TABLE group_systems(
  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  system_id INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
  added_by INTEGER NOT NULL,
  added_ms INTEGER NOT NULL,
  PRIMARY KEY(group_id, system_id)
) WITHOUT ROWID;
CREATE INDEX group_systems_by_system ON group_systems(system_id);
CREATE TABLE operator_settings(
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY,
  ts_ms INTEGER NOT NULL,
  company_id INTEGER,
  actor_user_id INTEGER,
  actor TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL DEFAULT '',
  details_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_company ON audit_log(company_id, ts_ms);
)sql",
    // Version 2: the systems list filters by name/serial from the index alone; unpair and
    // delete find a system's certificates without a scan.
    R"sql(
CREATE INDEX systems_by_company_name_serial ON systems(company_id, name COLLATE NOCASE, serial);
DROP INDEX systems_by_company_name;
CREATE INDEX certificates_by_system ON certificates(system_serial);
)sql",
    // Version 3: the systems list counts, filters and pages from indexes alone (owner and
    // paired beside name/serial, for visibility and the state order), and finds a system's
    // current pairing code (unused, not voided, newest) with one index probe.
    R"sql(
CREATE INDEX systems_list_by_name
  ON systems(company_id, name COLLATE NOCASE, serial, owner_user_id, paired);
DROP INDEX systems_by_company_name_serial;
CREATE INDEX systems_list_by_serial ON systems(company_id, serial, owner_user_id, paired);
CREATE INDEX pairing_codes_current ON pairing_codes(system_id, created_ms DESC, code DESC, expires_ms)
  WHERE used_ms IS NULL AND voided_ms IS NULL;
)sql",
    // Version 4: a counter of changes that can alter a systems list (systems, codes,
    // authorisations, groups and their members and systems). Triggers bump it in the same
    // transaction, whoever writes (this relay, the admin CLI, another relay), so the
    // in-memory list index rebuilds only when a list could differ; session and token
    // touches, users and the audit log leave it alone.
    R"sql(
INSERT OR IGNORE INTO operator_settings(key, value) VALUES('list_generation', '0');
CREATE TRIGGER systems_insert_bumps_list AFTER INSERT ON systems BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER systems_update_bumps_list AFTER UPDATE ON systems BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER systems_delete_bumps_list AFTER DELETE ON systems BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER pairing_codes_insert_bumps_list AFTER INSERT ON pairing_codes BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER pairing_codes_update_bumps_list AFTER UPDATE ON pairing_codes BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER pairing_codes_delete_bumps_list AFTER DELETE ON pairing_codes BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER authorisations_insert_bumps_list AFTER INSERT ON authorisations BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER authorisations_update_bumps_list AFTER UPDATE ON authorisations BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER authorisations_delete_bumps_list AFTER DELETE ON authorisations BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER groups_insert_bumps_list AFTER INSERT ON groups BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER groups_update_bumps_list AFTER UPDATE ON groups BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER groups_delete_bumps_list AFTER DELETE ON groups BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER group_members_insert_bumps_list AFTER INSERT ON group_members BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER group_members_update_bumps_list AFTER UPDATE ON group_members BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER group_members_delete_bumps_list AFTER DELETE ON group_members BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER group_systems_insert_bumps_list AFTER INSERT ON group_systems BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER group_systems_update_bumps_list AFTER UPDATE ON group_systems BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
CREATE TRIGGER group_systems_delete_bumps_list AFTER DELETE ON group_systems BEGIN
  UPDATE operator_settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'list_generation';
END;
)sql",
    // Version 5: the operator's news (FEATURES I3), read by every company; created_by is
    // the actor's label ("operator").
    R"sql(
CREATE TABLE news(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  published_at_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX news_by_published ON news(published_at_ms, id);
)sql",
    // Version 6: call data retention per company (FEATURES H1, issue 5): the relay deletes
    // a company's call records older than this many days.
    R"sql(
ALTER TABLE companies ADD COLUMN call_retention_days INTEGER NOT NULL DEFAULT 90
  CHECK(call_retention_days BETWEEN 1 AND 3650);
)sql",
};

}  // namespace ccc::relay::directory::sql
