#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

// SQL text of the SQLite backend. The schema version is PRAGMA user_version: migration i
// (0-based) takes the database from version i to i + 1. Never edit a migration that has
// shipped; append a new one.
//
// Encoding of uint64_t: seq and epoch are stored bit-cast to INTEGER (identity below 2^63,
// which covers the agent's outbox rowids). seq_ranges.lo/hi, whose range lookups must follow
// unsigned order over the whole uint64_t range, use EncodeOrderedU64 instead.
namespace ccc::relay::store::sql {

inline constexpr std::string_view kMigrations[] = {
    // Version 1.
    R"sql(
CREATE TABLE devices(
  id TEXT PRIMARY KEY NOT NULL,
  registered_ms INTEGER NOT NULL,
  online INTEGER NOT NULL DEFAULT 0,
  last_seen_ms INTEGER,
  sysinfo_json TEXT NOT NULL DEFAULT '{}',
  sysinfo_ts_ms INTEGER
);
CREATE TABLE seq_ranges(
  device TEXT NOT NULL,
  stream TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  lo INTEGER NOT NULL,
  hi INTEGER NOT NULL,
  PRIMARY KEY(device, stream, epoch, lo)
) WITHOUT ROWID;
CREATE TABLE samples_raw(
  device TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  ts_ms INTEGER NOT NULL,
  cpu_pct REAL NOT NULL,
  mem_used INTEGER NOT NULL,
  mem_total INTEGER NOT NULL,
  UNIQUE(device, epoch, seq)
);
CREATE INDEX samples_raw_by_time ON samples_raw(device, ts_ms);
CREATE TABLE samples_minute(
  device TEXT NOT NULL,
  bucket_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  cpu_sum REAL NOT NULL,
  cpu_max REAL NOT NULL,
  mem_sum REAL NOT NULL,
  mem_max INTEGER NOT NULL,
  PRIMARY KEY(device, bucket_ms)
);
CREATE TABLE samples_hour(
  device TEXT NOT NULL,
  bucket_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  cpu_sum REAL NOT NULL,
  cpu_max REAL NOT NULL,
  mem_sum REAL NOT NULL,
  mem_max INTEGER NOT NULL,
  PRIMARY KEY(device, bucket_ms)
);
CREATE TABLE records(
  device TEXT NOT NULL,
  stream TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  ts_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  PRIMARY KEY(device, stream, epoch, seq)
);
)sql",
    // Version 2: PBX data (issue 5). Registration status per device (FEATURES E1/E2) and
    // call data records (H1); neither is also kept in `records`.
    //
    // telephones/accounts: one row per entry of the device's last state; status columns
    // hold the agent's wire names; since_ms = ts of the record that first reported the
    // current status; updated_ms = ts of the record that last changed the row (a record
    // older than that never overwrites it). registration_state.snapshot_ts_ms = ts of the last
    // applied snapshot (older records are ignored); updated_ms = newest applied record's ts;
    // changed_ms = ts of the newest record that changed a row (for live updates; NULL
    // until one did).
    //
    // calls: clustered by (device, start_ms, call_id) so that a time range of one device is
    // one sequential B-tree walk (the CSV keyset cursor); calls_by_id makes (device, call_id)
    // unique: a re-sent call is stored once (INSERT OR IGNORE). calls_by_time, in the same
    // key order, holds every filtered column: counts, filters and sorts scan it instead of
    // the wide rows and read only a page's rows. `search` = the six number/name columns,
    // case-folded (ASCII and Latin-1) and joined by U+001F, for the q filter (one substring
    // search instead of six LIKEs).
    R"sql(
CREATE TABLE telephones(
  device TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  extension TEXT NOT NULL,
  kind TEXT NOT NULL,
  dect_base_id TEXT NOT NULL,
  mac TEXT NOT NULL,
  model TEXT NOT NULL,
  status TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY(device, id)
) WITHOUT ROWID;
CREATE INDEX telephones_by_status ON telephones(device, status);
CREATE TABLE accounts(
  device TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  provider TEXT NOT NULL,
  number TEXT NOT NULL,
  stun_server TEXT NOT NULL,
  status TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY(device, id)
) WITHOUT ROWID;
CREATE INDEX accounts_by_status ON accounts(device, status);
CREATE TABLE registration_state(
  device TEXT PRIMARY KEY NOT NULL,
  snapshot_ts_ms INTEGER,
  updated_ms INTEGER NOT NULL,
  changed_ms INTEGER
) WITHOUT ROWID;
CREATE TABLE calls(
  device TEXT NOT NULL,
  call_id INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  duration_s INTEGER NOT NULL,
  direction TEXT NOT NULL,
  result TEXT NOT NULL,
  external_number TEXT NOT NULL,
  external_name TEXT NOT NULL,
  billing_number TEXT NOT NULL,
  billing_name TEXT NOT NULL,
  real_name TEXT NOT NULL,
  own_number TEXT NOT NULL,
  call_type TEXT NOT NULL,
  search TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  PRIMARY KEY(device, start_ms, call_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX calls_by_id ON calls(device, call_id);
CREATE INDEX calls_by_time ON calls(device, start_ms, call_id, result, direction, call_type,
  duration_s, search);
)sql",
};

inline constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

// Flips the sign bit so that SQLite's signed ordering of the result equals the unsigned
// ordering of the input.
constexpr int64_t EncodeOrderedU64(uint64_t v) {
  return static_cast<int64_t>(v ^ (uint64_t{1} << 63));
}
constexpr uint64_t DecodeOrderedU64(int64_t v) {
  return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63);
}

// --- Ingest (writer connection) ---
inline constexpr std::string_view kTouchDevice =
    "UPDATE devices SET last_seen_ms = ?2 WHERE id = ?1";
// The one interval starting before ?4 (the merge window's lo) that may reach into it.
inline constexpr std::string_view kRangeBefore =
    "SELECT lo, hi FROM seq_ranges WHERE device = ?1 AND stream = ?2 AND epoch = ?3 "
    "AND lo < ?4 ORDER BY lo DESC LIMIT 1";
// Every interval starting inside the merge window [?4, ?5].
inline constexpr std::string_view kRangesWithin =
    "SELECT lo, hi FROM seq_ranges WHERE device = ?1 AND stream = ?2 AND epoch = ?3 "
    "AND lo >= ?4 AND lo <= ?5 ORDER BY lo";
inline constexpr std::string_view kRangeDelete =
    "DELETE FROM seq_ranges WHERE device = ?1 AND stream = ?2 AND epoch = ?3 AND lo = ?4";
inline constexpr std::string_view kRangeInsert =
    "INSERT INTO seq_ranges(device, stream, epoch, lo, hi) VALUES(?1, ?2, ?3, ?4, ?5)";
inline constexpr std::string_view kInsertSample =
    "INSERT INTO samples_raw(device, epoch, seq, ts_ms, cpu_pct, mem_used, mem_total) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING";
inline constexpr std::string_view kUpsertMinute =
    "INSERT INTO samples_minute(device, bucket_ms, count, cpu_sum, cpu_max, mem_sum, mem_max) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(device, bucket_ms) DO UPDATE SET "
    "count = count + excluded.count, cpu_sum = cpu_sum + excluded.cpu_sum, "
    "cpu_max = max(cpu_max, excluded.cpu_max), mem_sum = mem_sum + excluded.mem_sum, "
    "mem_max = max(mem_max, excluded.mem_max)";
inline constexpr std::string_view kUpsertHour =
    "INSERT INTO samples_hour(device, bucket_ms, count, cpu_sum, cpu_max, mem_sum, mem_max) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(device, bucket_ms) DO UPDATE SET "
    "count = count + excluded.count, cpu_sum = cpu_sum + excluded.cpu_sum, "
    "cpu_max = max(cpu_max, excluded.cpu_max), mem_sum = mem_sum + excluded.mem_sum, "
    "mem_max = max(mem_max, excluded.mem_max)";
// Keeps the sysinfo with the latest ts; ties go to the later write.
inline constexpr std::string_view kUpdateSysinfo =
    "UPDATE devices SET sysinfo_json = ?2, sysinfo_ts_ms = ?3 "
    "WHERE id = ?1 AND (sysinfo_ts_ms IS NULL OR sysinfo_ts_ms <= ?3)";
inline constexpr std::string_view kInsertRecord =
    "INSERT INTO records(device, stream, epoch, seq, ts_ms, body, received_ms) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING";

// --- Devices (writer connection) ---
inline constexpr std::string_view kSetPresence =
    "UPDATE devices SET online = ?2, last_seen_ms = ?3 WHERE id = ?1";
inline constexpr std::string_view kRegisterDevice =
    "INSERT INTO devices(id, registered_ms) VALUES(?1, ?2) ON CONFLICT(id) DO NOTHING";
inline constexpr std::string_view kRemoveDevice = "DELETE FROM devices WHERE id = ?1";

// --- Retention (writer connection); tables and columns come from a fixed list ---
inline constexpr std::string_view kNextSampleDevice[] = {
    "SELECT device FROM samples_raw WHERE device > ?1 ORDER BY device LIMIT 1",
    "SELECT device FROM samples_minute WHERE device > ?1 ORDER BY device LIMIT 1",
    "SELECT device FROM samples_hour WHERE device > ?1 ORDER BY device LIMIT 1",
};
inline constexpr std::string_view kDeleteOldSamples[] = {
    "DELETE FROM samples_raw WHERE rowid IN (SELECT rowid FROM samples_raw "
    "WHERE device = ?1 AND ts_ms < ?2 LIMIT ?3)",
    "DELETE FROM samples_minute WHERE rowid IN (SELECT rowid FROM samples_minute "
    "WHERE device = ?1 AND bucket_ms < ?2 LIMIT ?3)",
    "DELETE FROM samples_hour WHERE rowid IN (SELECT rowid FROM samples_hour "
    "WHERE device = ?1 AND bucket_ms < ?2 LIMIT ?3)",
};

// --- Reads (reader connection) ---
inline constexpr std::string_view kHealth = "SELECT count(*) FROM devices WHERE id = ''";
inline constexpr std::string_view kFindDevice =
    "SELECT id, registered_ms, online, last_seen_ms, sysinfo_json FROM devices WHERE id = ?1";
inline constexpr std::string_view kListDevices =
    "SELECT id, registered_ms, online, last_seen_ms, sysinfo_json FROM devices ORDER BY id";
inline constexpr std::string_view kSamplesRaw =
    "SELECT ts_ms, cpu_pct, mem_used FROM samples_raw "
    "WHERE device = ?1 AND ts_ms >= ?2 AND ts_ms < ?3 ORDER BY ts_ms";
inline constexpr std::string_view kSamplesMinute =
    "SELECT bucket_ms, count, cpu_sum, cpu_max, mem_sum, mem_max FROM samples_minute "
    "WHERE device = ?1 AND bucket_ms >= ?2 AND bucket_ms < ?3 ORDER BY bucket_ms";
inline constexpr std::string_view kSamplesHour =
    "SELECT bucket_ms, count, cpu_sum, cpu_max, mem_sum, mem_max FROM samples_hour "
    "WHERE device = ?1 AND bucket_ms >= ?2 AND bucket_ms < ?3 ORDER BY bucket_ms";
inline constexpr std::string_view kRecords =
    "SELECT epoch, seq, ts_ms, body FROM records WHERE device = ?1 AND stream = ?2 "
    "AND seq > ?3 ORDER BY epoch, seq LIMIT ?4";
inline constexpr std::string_view kCountRecords =
    "SELECT count(*) FROM records WHERE device = ?1 AND stream = ?2";
inline constexpr std::string_view kCountSamples =
    "SELECT count(*) FROM samples_raw WHERE device = ?1";

}  // namespace ccc::relay::store::sql
