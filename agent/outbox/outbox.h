#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/protocol/batch.h"
#include "common/status/status.h"

namespace ccc::agent::outbox {

// Each stored record counts its body bytes plus this much against OutboxOptions::max_bytes
// (key, seq, timestamp and B-tree overhead), so that many tiny records cannot slip past the
// bound.
inline constexpr uint64_t kRowOverheadBytes = 48;

struct OutboxOptions {
  std::string path;  // SQLite file; created with its folder if missing
  // Bound on stored record bytes (bodies + kRowOverheadBytes each). May be lowered between
  // runs: stored durable records are kept, new durable appends fail until acknowledgements
  // free room.
  uint64_t max_bytes = 64ull * 1024 * 1024;
  // Extra room only the events stream may use once the bound is hit, so that "outbox full"
  // and "telemetry thinned" alerts can still be recorded.
  uint64_t alert_reserve_bytes = 256 * 1024;
  bool synchronous_full = true;  // fsync every commit: survives power loss, not only kill -9
};

struct NewRecord {
  int64_t ts_ms = 0;
  std::string body;  // JSON object text
};

struct StreamStats {
  std::string stream;
  uint64_t depth = 0;  // records stored, not yet acknowledged
  uint64_t bytes = 0;
  std::optional<int64_t> oldest_ts_ms;  // of the oldest record not yet acknowledged
  uint64_t last_acked_seq = 0;
  std::optional<int64_t> last_acked_at_ms;
  // Records of a thinnable stream thinned away, or refused for lack of room, since the
  // outbox was created. Always 0 for durable streams.
  uint64_t dropped = 0;
  uint64_t next_seq = 1;
};

struct OutboxStats {
  uint64_t epoch = 0;
  uint64_t total_bytes = 0;
  uint64_t max_bytes = 0;  // read-only view: the bound the writer last opened the file with
  std::vector<StreamStats> streams;
};

// A batch ready to publish: the records plus the seq range it covers (protocol/batch.h).
struct PendingBatch {
  std::string stream;
  uint64_t range_lo = 0;
  uint64_t range_hi = 0;
  std::vector<protocol::Record> records;
  size_t body_bytes = 0;
};

// The agent's store-and-forward buffer: SQLite in WAL mode.
//
// Guarantees:
// - Append assigns each record the next seq of its stream, in the same transaction that
//   stores it (and, with AppendWithCursor, that moves the source's cursor).
// - Append refuses (kInvalidArgument, stores nothing) a body that protocol::ValidateBody
//   rejects with the default CodecLimits, so stored bodies may be encoded with
//   protocol::EncodeBatchTrusted.
// - Records leave the outbox only by Acknowledge, i.e. after the broker acknowledged them, or
//   by thinning (thinnable streams only, below). Acknowledge is logical: it moves the
//   stream's acknowledged seq and frees the records' bytes in one small transaction; the rows
//   themselves are deleted later by PurgeAcknowledged, by an append that needs their room, or
//   after a restart. Rows up to the acknowledged seq are never handed out again and count
//   neither in Stats nor against the bound.
// - Bound: when an append would exceed max_bytes, thinnable streams (protocol::IsThinnable)
//   are thinned oldest first: every second unsent record of the oldest half is deleted,
//   repeatedly, and counted in `dropped`. Records already handed out by NextBatch and not
//   yet acknowledged are never thinned. If that cannot make room, a durable append fails
//   with kResourceExhausted and stores nothing: the caller pauses its source (the cursor
//   stays put) and raises an alert. A thinnable append that still does not fit is dropped
//   (counted in `dropped`, cursor moved) and returns Ok.
// - Any SQLite failure other than "full" returns kDataLoss naming the file: the agent stops
//   loudly. A full disk returns kResourceExhausted; nothing of the failed call is kept.
// - A read-only outbox refuses Append, AppendWithCursor, Acknowledge and SetState with
//   kInvalidArgument.
//
// Thread-safety: one instance is used from one thread at a time (the agent's loop);
// a second process may open the same file read-only for `ccc-agent status`.
class Outbox {
 public:
  static Result<std::unique_ptr<Outbox>> Open(const OutboxOptions& options);
  // Read-only view for `ccc-agent status`; kNotFound if the file does not exist.
  static Result<std::unique_ptr<Outbox>> OpenReadOnly(const std::string& path);
  virtual ~Outbox() = default;

  virtual uint64_t epoch() const = 0;

  virtual Status Append(std::string_view stream, std::span<const NewRecord> records) = 0;
  // Stores the records and sets cursor `cursor_key` to `cursor_value` atomically.
  virtual Status AppendWithCursor(std::string_view stream, std::span<const NewRecord> records,
                                  std::string_view cursor_key, std::string_view cursor_value) = 0;
  virtual Result<std::optional<std::string>> Cursor(std::string_view cursor_key) = 0;

  // The next batch of `stream` after everything handed out since the last Rewind, in seq
  // order, at most max_records records and about max_bytes of bodies (at least one record).
  // range_lo is one past the previous batch's range_hi (or last acknowledged seq + 1).
  // Empty optional when nothing is waiting.
  virtual Result<std::optional<PendingBatch>> NextBatch(std::string_view stream, size_t max_records,
                                                        size_t max_bytes) = 0;
  // Forget what was handed out but not acknowledged (after a reconnect): the next NextBatch
  // starts again after the last acknowledged seq.
  virtual void Rewind() = 0;
  // The broker acknowledged every record of `stream` up to and including `range_hi`.
  virtual Status Acknowledge(std::string_view stream, uint64_t range_hi, int64_t now_ms) = 0;

  // Deletes the rows of acknowledged records, about max_rows of them (0: all) in one
  // transaction, oldest first. Returns whether acknowledged rows are still stored. Meant for
  // idle moments; correctness never depends on it being called.
  virtual Result<bool> PurgeAcknowledged(size_t max_rows) = 0;
  // Whether acknowledged rows wait for PurgeAcknowledged. Memory only, no I/O.
  virtual bool HasAcknowledgedRows() const = 0;

  // Records of every stream after its acknowledged seq, counted from the seqs: at least the
  // sum of Stats' depths (seqs thinned away still count). Memory only, no I/O.
  virtual uint64_t BacklogUpperBound() const = 0;

  // Streams that currently hold unsent records (or have ever been written).
  virtual Result<std::vector<std::string>> Streams() = 0;
  virtual Result<OutboxStats> Stats() = 0;

  // Small key/value state the running agent shares with `ccc-agent status`
  // (e.g. "uplink.connected" = "1", "uplink.last_change_ms").
  virtual Status SetState(std::string_view key, std::string_view value) = 0;
  virtual Result<std::optional<std::string>> State(std::string_view key) = 0;
};

}  // namespace ccc::agent::outbox
