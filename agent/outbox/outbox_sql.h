#pragma once

#include <string_view>

// SQL text of the outbox (outbox.cc). Seqs, epoch and byte counts are stored as SQLite
// INTEGER (signed 64 bit); the C++ side converts to and from uint64_t.
namespace ccc::agent::outbox::sql {

// PRAGMA user_version of the newest schema this code writes.
inline constexpr int kSchemaVersion = 1;

// Version 0 -> 1. `records` is a WITHOUT ROWID table clustered on (stream, seq): appends go
// to the right edge of one B-tree and batches are a range scan, with no second index to keep
// up (outbox_benchmark's BM_RawInsert* measure the difference). Bodies are stored as BLOBs so
// that length(body) is their size in bytes and needs no read of the body.
inline constexpr std::string_view kMigrateToV1 = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value NOT NULL
) WITHOUT ROWID;
CREATE TABLE streams(
  name TEXT PRIMARY KEY,
  next_seq INTEGER NOT NULL,
  acked_seq INTEGER NOT NULL,
  last_acked_at_ms INTEGER,
  dropped INTEGER NOT NULL,
  bytes INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE records(
  stream TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts_ms INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY(stream, seq)
) WITHOUT ROWID;
CREATE TABLE cursors(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE state(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

inline constexpr std::string_view kUserVersion = "PRAGMA user_version";

inline constexpr std::string_view kGetMeta = "SELECT value FROM meta WHERE key = ?1";
inline constexpr std::string_view kSetMeta =
    "INSERT INTO meta(key, value) VALUES(?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

inline constexpr std::string_view kLoadStreams =
    "SELECT name, next_seq, acked_seq, last_acked_at_ms, dropped, bytes FROM streams "
    "ORDER BY name";
inline constexpr std::string_view kSaveStream =
    "INSERT INTO streams(name, next_seq, acked_seq, last_acked_at_ms, dropped, bytes) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT(name) DO UPDATE SET next_seq = excluded.next_seq, "
    "acked_seq = excluded.acked_seq, last_acked_at_ms = excluded.last_acked_at_ms, "
    "dropped = excluded.dropped, bytes = excluded.bytes";

inline constexpr std::string_view kInsertRecord =
    "INSERT INTO records(stream, seq, ts_ms, body) VALUES(?1, ?2, ?3, ?4)";
inline constexpr std::string_view kSelectBatch =
    "SELECT seq, ts_ms, body FROM records WHERE stream = ?1 AND seq > ?2 "
    "ORDER BY seq LIMIT ?3";
// Acknowledgement is logical (streams.acked_seq); rows up to it are garbage, deleted later in
// bounded chunks by kPurgeAcknowledged. kMeasureRange sizes what an acknowledgement frees.
inline constexpr std::string_view kMeasureRange =
    "SELECT count(*), coalesce(sum(length(body)), 0) FROM records "
    "WHERE stream = ?1 AND seq > ?2 AND seq <= ?3";
inline constexpr std::string_view kPurgeAcknowledged =
    "DELETE FROM records WHERE stream = ?1 AND seq > ?2 AND seq <= ?3 RETURNING length(body)";
inline constexpr std::string_view kOldestSeq =
    "SELECT seq FROM records WHERE stream = ?1 ORDER BY seq LIMIT 1";

// Thinning: candidates are the rows after the handed-out mark (?2).
inline constexpr std::string_view kCountThinCandidates =
    "SELECT count(*) FROM records WHERE stream = ?1 AND seq > ?2";
inline constexpr std::string_view kOldestCandidateTs =
    "SELECT ts_ms FROM records WHERE stream = ?1 AND seq > ?2 ORDER BY seq LIMIT 1";
inline constexpr std::string_view kSelectThinCandidates =
    "SELECT seq, length(body) FROM records WHERE stream = ?1 AND seq > ?2 "
    "ORDER BY seq LIMIT ?3";
inline constexpr std::string_view kDeleteRecord =
    "DELETE FROM records WHERE stream = ?1 AND seq = ?2";

// Rows up to the acknowledged seq (?2) may still be stored until purged: not counted.
inline constexpr std::string_view kStreamDepth =
    "SELECT count(*), "
    "(SELECT ts_ms FROM records WHERE stream = ?1 AND seq > ?2 ORDER BY seq LIMIT 1) "
    "FROM records WHERE stream = ?1 AND seq > ?2";

inline constexpr std::string_view kGetCursor = "SELECT value FROM cursors WHERE key = ?1";
inline constexpr std::string_view kSetCursor =
    "INSERT INTO cursors(key, value) VALUES(?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
inline constexpr std::string_view kGetState = "SELECT value FROM state WHERE key = ?1";
inline constexpr std::string_view kSetState =
    "INSERT INTO state(key, value) VALUES(?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

}  // namespace ccc::agent::outbox::sql
