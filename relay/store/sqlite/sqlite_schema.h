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
    // Version 3: an index for the q filter of calls and one for sorting them by duration.
    //
    // calls_fts: a trigram index (FTS5) of calls.search. A substring of three or more
    // characters occurs in a row only if each of its trigrams does, so the rows holding all
    // of them are a small superset of the matches that the query then checks with the same
    // substring test as before: answers equal the scan's. `search` is folded already, so
    // the tokenizer stays case-sensitive; contentless with detail=none because only rowids
    // are needed (about 60 bytes per call). Its rowid is calls.search_id (calls has no
    // rowid), unique, assigned by ingest as max + 1. Whoever inserts a call with a
    // search_id indexes it, many rows per statement (FTS5 writes its pending terms out at
    // each statement: an AFTER INSERT trigger would write a segment per call, 15 times
    // slower). Triggers keep the index in step with every delete (retention included) and
    // change of search_id or search, and give a row inserted without a search_id one (and
    // so index it). Existing rows are numbered and indexed here.
    //
    // calls_by_duration: the longest (or shortest) calls of a device in index order with
    // the equality filters, so a page sorted by duration over a wide range reads about
    // offset + limit entries instead of sorting the whole range.
    R"sql(
ALTER TABLE calls ADD COLUMN search_id INTEGER;
UPDATE calls SET search_id = k.n
  FROM (SELECT device AS d, start_ms AS s, call_id AS c,
               row_number() OVER (ORDER BY device, start_ms, call_id) AS n FROM calls) AS k
  WHERE calls.device = k.d AND calls.start_ms = k.s AND calls.call_id = k.c;
CREATE UNIQUE INDEX calls_by_search_id ON calls(search_id);
CREATE VIRTUAL TABLE calls_fts USING fts5(search, content='', detail='none', columnsize=0,
  tokenize='trigram case_sensitive 1');
INSERT INTO calls_fts(rowid, search) SELECT search_id, search FROM calls;
CREATE TRIGGER calls_search_id AFTER INSERT ON calls WHEN new.search_id IS NULL BEGIN
  UPDATE calls SET search_id = (SELECT ifnull(max(search_id), 0) + 1 FROM calls)
    WHERE device = new.device AND start_ms = new.start_ms AND call_id = new.call_id;
END;
CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls WHEN old.search_id IS NOT NULL BEGIN
  INSERT INTO calls_fts(calls_fts, rowid, search) VALUES('delete', old.search_id, old.search);
END;
CREATE TRIGGER calls_fts_update AFTER UPDATE OF search_id, search ON calls BEGIN
  INSERT INTO calls_fts(calls_fts, rowid, search)
    SELECT 'delete', old.search_id, old.search WHERE old.search_id IS NOT NULL;
  INSERT INTO calls_fts(rowid, search)
    SELECT new.search_id, new.search WHERE new.search_id IS NOT NULL;
END;
CREATE INDEX calls_by_duration ON calls(device, duration_s, start_ms, call_id, result,
  direction, call_type);
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
