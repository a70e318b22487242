#include "agent/outbox/outbox.h"

#include <algorithm>
#include <array>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <system_error>
#include <utility>

#include "agent/outbox/outbox_sql.h"
#include "common/protocol/batch.h"
#include "common/protocol/streams.h"
#include "common/sqlite/migrations.h"
#include "common/sqlite/sqlite_db.h"

namespace ccc::agent::outbox {
namespace {

// The agent stays under 10 MB RSS; the page cache is the main SQLite cost.
constexpr int kCacheKib = 768;

constexpr std::string_view kMetaEpoch = "epoch";
constexpr std::string_view kMetaMaxBytes = "max_bytes";

// kMigrations[v] brings a database from user_version v to v + 1.
constexpr std::array<std::string_view, sql::kSchemaVersion> kMigrations = {sql::kMigrateToV1};

uint64_t RowBytes(size_t body_size) { return body_size + kRowOverheadBytes; }

int64_t ToSql(uint64_t value) { return static_cast<int64_t>(value); }
uint64_t FromSql(int64_t value) { return static_cast<uint64_t>(value); }

uint64_t NewEpoch() {
  std::random_device random;
  uint64_t epoch = 0;
  while (epoch == 0) {
    epoch = (static_cast<uint64_t>(random()) << 32) ^ static_cast<uint64_t>(random());
  }
  return epoch;
}

struct StreamState {
  uint64_t next_seq = 1;
  uint64_t acked_seq = 0;
  std::optional<int64_t> last_acked_at_ms;
  uint64_t dropped = 0;
  uint64_t bytes = 0;
  // In memory only: highest seq handed out by NextBatch since the last Rewind. Rows up to it
  // may be in flight and are never thinned.
  uint64_t handed_out = 0;
  // In memory only (writer): every row up to this seq is deleted. Rows in
  // (purged_seq, acked_seq] are acknowledged and wait for PurgeAcknowledged.
  uint64_t purged_seq = 0;
  // In memory only: (range_hi, bytes) of each batch handed out since the last Rewind and not
  // yet acknowledged, in order, so that acknowledging whole batches needs no read. Thinning
  // never touches handed-out rows, so the figures stay exact.
  std::deque<std::pair<uint64_t, uint64_t>> handed_out_bytes;
};

using StreamMap = std::map<std::string, StreamState, std::less<>>;

// Resets a cached statement on every path out of a scope, so that a failed step never
// leaves it busy (an open read would keep the WAL from being checkpointed).
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite::Statement& statement) : statement_(statement) {}
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;
  ~ResetOnExit() { statement_.Reset(); }

 private:
  sqlite::Statement& statement_;
};

struct Statements {
  sqlite::Statement get_meta;
  sqlite::Statement set_meta;
  sqlite::Statement load_streams;
  sqlite::Statement save_stream;
  sqlite::Statement insert_record;
  sqlite::Statement select_batch;
  sqlite::Statement measure_range;
  sqlite::Statement purge_acknowledged;
  sqlite::Statement oldest_seq;
  sqlite::Statement count_thin_candidates;
  sqlite::Statement oldest_candidate_ts;
  sqlite::Statement select_thin_candidates;
  sqlite::Statement delete_record;
  sqlite::Statement stream_depth;
  sqlite::Statement get_cursor;
  sqlite::Statement set_cursor;
  sqlite::Statement get_state;
  sqlite::Statement set_state;
};

class SqliteOutbox final : public Outbox {
 public:
  SqliteOutbox(sqlite::Database db, bool read_only, uint64_t max_bytes,
               uint64_t alert_reserve_bytes)
      : db_(std::move(db)),
        read_only_(read_only),
        max_bytes_(max_bytes),
        alert_reserve_bytes_(alert_reserve_bytes) {}

  // Migrates (writer only), prepares the statements and loads the per-stream state.
  Status Init();

  uint64_t epoch() const override { return epoch_; }

  Status Append(std::string_view stream, std::span<const NewRecord> records) override {
    return AppendImpl(stream, records, nullptr, {});
  }
  Status AppendWithCursor(std::string_view stream, std::span<const NewRecord> records,
                          std::string_view cursor_key, std::string_view cursor_value) override {
    return AppendImpl(stream, records, &cursor_key, cursor_value);
  }
  Result<std::optional<std::string>> Cursor(std::string_view cursor_key) override {
    return GetValue(statements_.get_cursor, cursor_key);
  }

  Result<std::optional<PendingBatch>> NextBatch(std::string_view stream, size_t max_records,
                                                size_t max_bytes) override;
  void Rewind() override;
  Status Acknowledge(std::string_view stream, uint64_t range_hi, int64_t now_ms) override;
  Result<bool> PurgeAcknowledged(size_t max_rows) override;
  uint64_t BacklogUpperBound() const override {
    uint64_t backlog = 0;
    for (const auto& [name, state] : streams_) backlog += state.next_seq - 1 - state.acked_seq;
    return backlog;
  }
  bool HasAcknowledgedRows() const override {
    return std::any_of(streams_.begin(), streams_.end(), [](const auto& entry) {
      return entry.second.purged_seq < entry.second.acked_seq;
    });
  }

  Result<std::vector<std::string>> Streams() override;
  Result<OutboxStats> Stats() override;

  Status SetState(std::string_view key, std::string_view value) override;
  Result<std::optional<std::string>> State(std::string_view key) override {
    return GetValue(statements_.get_state, key);
  }

 private:
  // Every SQLite failure except a full disk means the outbox can no longer be trusted.
  Status Check(const Status& status) const;
  Status CheckWritable() const;
  Status Migrate();
  Status Prepare();
  Status LoadMeta();
  Status LoadStreams(StreamMap& streams);

  // Measures the stored rows of `name` in (lo, hi]: bytes as counted against the bound.
  Status MeasureRange(std::string_view name, uint64_t lo, uint64_t hi, uint64_t& bytes);
  // Finds the acknowledged rows left by an earlier run (writer, on open).
  Status LoadAcknowledgedRows();

  Status AppendImpl(std::string_view stream, std::span<const NewRecord> records,
                    const std::string_view* cursor_key, std::string_view cursor_value);
  // Thins thinnable streams in `staged` until `need` more bytes fit under `limit` or nothing
  // thinnable is left. Runs inside the caller's transaction; adds thinned streams to
  // `touched`.
  Status Thin(StreamMap& staged, uint64_t& staged_total, uint64_t limit, uint64_t need,
              std::set<std::string, std::less<>>& touched);
  // One pass over one stream: deletes every second row of the oldest half of its rows after
  // the handed-out mark, starting with the oldest. Sets `deleted` to the rows removed.
  Status ThinOnce(std::string_view name, StreamState& state, uint64_t& freed, uint64_t& deleted);
  Status SaveStream(std::string_view name, const StreamState& state);
  Status SetValue(sqlite::Statement& statement, std::string_view key, std::string_view value);
  Result<std::optional<std::string>> GetValue(sqlite::Statement& statement, std::string_view key);

  sqlite::Database db_;
  bool read_only_;
  uint64_t max_bytes_;
  uint64_t alert_reserve_bytes_;
  uint64_t epoch_ = 0;
  StreamMap streams_;
  // Invariant: equals the sum of streams_[*].bytes and of streams.bytes on disk.
  uint64_t total_bytes_ = 0;
  // Bytes (as counted against the bound) of acknowledged rows not yet purged.
  uint64_t acknowledged_rows_bytes_ = 0;
  Statements statements_;
};

Status SqliteOutbox::Check(const Status& status) const {
  if (status.ok() || status.code() == StatusCode::kResourceExhausted) return status;
  const std::string& path = db_.path();
  if (status.message().find(path) != std::string::npos) return DataLoss(status.message());
  return DataLoss("outbox " + path + ": " + status.message());
}

Status SqliteOutbox::CheckWritable() const {
  if (!read_only_) return Status::Ok();
  return InvalidArgument("outbox " + db_.path() + " is open read-only");
}

Status SqliteOutbox::Init() {
  if (!read_only_) CCC_RETURN_IF_ERROR(Migrate());
  {
    Result<sqlite::Statement> version = db_.Prepare(sql::kUserVersion);
    if (!version.ok()) return Check(version.status());
    Result<bool> row = version->Step();
    if (!row.ok()) return Check(row.status());
    const int64_t found = *row ? version->ColumnInt(0) : 0;
    if (found == 0) return NotFound("outbox " + db_.path() + " holds no outbox yet");
    if (found > sql::kSchemaVersion) {
      return Unsupported("outbox " + db_.path() + " has schema version " + std::to_string(found) +
                         "; this agent knows up to " + std::to_string(sql::kSchemaVersion));
    }
  }
  CCC_RETURN_IF_ERROR(Prepare());
  CCC_RETURN_IF_ERROR(LoadMeta());
  if (!read_only_) {
    // A WAL grown by a burst is truncated back after checkpoints instead of keeping its size.
    CCC_RETURN_IF_ERROR(Check(db_.Exec("PRAGMA journal_size_limit = 4194304")));
    sqlite::Statement& set = statements_.set_meta;
    ResetOnExit reset(set);
    set.Bind(1, kMetaMaxBytes).Bind(2, ToSql(max_bytes_));
    CCC_RETURN_IF_ERROR(Check(set.Run()));
  }
  StreamMap loaded;
  CCC_RETURN_IF_ERROR(LoadStreams(loaded));
  streams_ = std::move(loaded);
  total_bytes_ = 0;
  for (auto& [name, state] : streams_) {
    state.handed_out = state.acked_seq;
    state.purged_seq = state.acked_seq;
    total_bytes_ += state.bytes;
  }
  if (!read_only_) CCC_RETURN_IF_ERROR(LoadAcknowledgedRows());
  return Status::Ok();
}

Status SqliteOutbox::MeasureRange(std::string_view name, uint64_t lo, uint64_t hi,
                                  uint64_t& bytes) {
  sqlite::Statement& measure = statements_.measure_range;
  ResetOnExit reset(measure);
  measure.Bind(1, name).Bind(2, ToSql(lo)).Bind(3, ToSql(hi));
  Result<bool> row = measure.Step();
  if (!row.ok()) return Check(row.status());
  bytes = 0;
  if (*row) {
    bytes = FromSql(measure.ColumnInt(0)) * kRowOverheadBytes + FromSql(measure.ColumnInt(1));
  }
  return Status::Ok();
}

Status SqliteOutbox::LoadAcknowledgedRows() {
  acknowledged_rows_bytes_ = 0;
  for (auto& [name, state] : streams_) {
    if (state.acked_seq == 0) continue;
    std::optional<uint64_t> oldest;
    {
      sqlite::Statement& select = statements_.oldest_seq;
      ResetOnExit reset(select);
      select.Bind(1, name);
      Result<bool> row = select.Step();
      if (!row.ok()) return Check(row.status());
      if (*row) oldest = FromSql(select.ColumnInt(0));
    }
    if (!oldest || *oldest > state.acked_seq) continue;
    state.purged_seq = *oldest - 1;
    uint64_t bytes = 0;
    CCC_RETURN_IF_ERROR(MeasureRange(name, state.purged_seq, state.acked_seq, bytes));
    acknowledged_rows_bytes_ += bytes;
  }
  return Status::Ok();
}

Status SqliteOutbox::Migrate() {
  // The epoch is created exactly once with the file: the relay keys de-duplication on it.
  auto create_epoch = [this]() -> Status {
    Result<sqlite::Statement> insert = db_.Prepare(sql::kSetMeta);
    if (!insert.ok()) return insert.status();
    insert->Bind(1, kMetaEpoch).Bind(2, ToSql(NewEpoch()));
    return insert->Run();
  };
  Status status = sqlite::ApplyMigrations(db_, kMigrations, "outbox", create_epoch).status();
  // A newer schema is not a disk failure: say so as it is.
  if (status.code() == StatusCode::kUnsupported) return status;
  return Check(status);
}

Status SqliteOutbox::Prepare() {
  const std::pair<sqlite::Statement*, std::string_view> all[] = {
      {&statements_.get_meta, sql::kGetMeta},
      {&statements_.set_meta, sql::kSetMeta},
      {&statements_.load_streams, sql::kLoadStreams},
      {&statements_.save_stream, sql::kSaveStream},
      {&statements_.insert_record, sql::kInsertRecord},
      {&statements_.select_batch, sql::kSelectBatch},
      {&statements_.measure_range, sql::kMeasureRange},
      {&statements_.purge_acknowledged, sql::kPurgeAcknowledged},
      {&statements_.oldest_seq, sql::kOldestSeq},
      {&statements_.count_thin_candidates, sql::kCountThinCandidates},
      {&statements_.oldest_candidate_ts, sql::kOldestCandidateTs},
      {&statements_.select_thin_candidates, sql::kSelectThinCandidates},
      {&statements_.delete_record, sql::kDeleteRecord},
      {&statements_.stream_depth, sql::kStreamDepth},
      {&statements_.get_cursor, sql::kGetCursor},
      {&statements_.set_cursor, sql::kSetCursor},
      {&statements_.get_state, sql::kGetState},
      {&statements_.set_state, sql::kSetState},
  };
  for (const auto& [statement, text] : all) {
    Result<sqlite::Statement> prepared = db_.Prepare(text);
    if (!prepared.ok()) return Check(prepared.status());
    *statement = std::move(prepared).value();
  }
  return Status::Ok();
}

Status SqliteOutbox::LoadMeta() {
  sqlite::Statement& get = statements_.get_meta;
  {
    ResetOnExit reset(get);
    get.Bind(1, kMetaEpoch);
    Result<bool> row = get.Step();
    if (!row.ok()) return Check(row.status());
    if (!*row) return DataLoss("outbox " + db_.path() + " has no epoch");
    epoch_ = FromSql(get.ColumnInt(0));
  }
  if (read_only_) {
    // The status view reports the bound the running agent opened the file with.
    ResetOnExit reset(get);
    get.Bind(1, kMetaMaxBytes);
    Result<bool> row = get.Step();
    if (!row.ok()) return Check(row.status());
    max_bytes_ = *row ? FromSql(get.ColumnInt(0)) : 0;
  }
  return Status::Ok();
}

Status SqliteOutbox::LoadStreams(StreamMap& streams) {
  sqlite::Statement& load = statements_.load_streams;
  ResetOnExit reset(load);
  for (;;) {
    Result<bool> row = load.Step();
    if (!row.ok()) return Check(row.status());
    if (!*row) return Status::Ok();
    StreamState state;
    state.next_seq = FromSql(load.ColumnInt(1));
    state.acked_seq = FromSql(load.ColumnInt(2));
    if (!load.ColumnIsNull(3)) state.last_acked_at_ms = load.ColumnInt(3);
    state.dropped = FromSql(load.ColumnInt(4));
    state.bytes = FromSql(load.ColumnInt(5));
    state.handed_out = state.acked_seq;
    streams.emplace(load.ColumnText(0), state);
  }
}

Status SqliteOutbox::SaveStream(std::string_view name, const StreamState& state) {
  sqlite::Statement& save = statements_.save_stream;
  ResetOnExit reset(save);
  save.Bind(1, name)
      .Bind(2, ToSql(state.next_seq))
      .Bind(3, ToSql(state.acked_seq))
      .Bind(5, ToSql(state.dropped))
      .Bind(6, ToSql(state.bytes));
  if (state.last_acked_at_ms) {
    save.Bind(4, *state.last_acked_at_ms);
  } else {
    save.BindNull(4);
  }
  return Check(save.Run());
}

Status SqliteOutbox::SetValue(sqlite::Statement& statement, std::string_view key,
                              std::string_view value) {
  ResetOnExit reset(statement);
  statement.Bind(1, key).Bind(2, value);
  return Check(statement.Run());
}

Result<std::optional<std::string>> SqliteOutbox::GetValue(sqlite::Statement& statement,
                                                          std::string_view key) {
  ResetOnExit reset(statement);
  statement.Bind(1, key);
  Result<bool> row = statement.Step();
  if (!row.ok()) return Check(row.status());
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(statement.ColumnText(0));
}

Status SqliteOutbox::AppendImpl(std::string_view stream, std::span<const NewRecord> records,
                                const std::string_view* cursor_key, std::string_view cursor_value) {
  CCC_RETURN_IF_ERROR(CheckWritable());
  if (stream.empty()) return InvalidArgument("outbox append: stream name is empty");
  if (records.empty() && cursor_key == nullptr) return Status::Ok();

  for (size_t i = 0; i < records.size(); ++i) {
    const Status valid = protocol::ValidateBody(records[i].body);
    if (!valid.ok()) {
      return InvalidArgument("outbox append to stream " + std::string(stream) + ": record " +
                             std::to_string(i) + ": body " + valid.message());
    }
  }

  uint64_t need = 0;
  for (const NewRecord& record : records) need += RowBytes(record.body.size());
  const bool thinnable = protocol::IsThinnable(stream);
  const uint64_t limit =
      max_bytes_ + (stream == protocol::kStreamEvents ? alert_reserve_bytes_ : 0);

  // Acknowledged rows no longer count against the bound, but the file should not grow past
  // it because of them: delete them before the stored rows would exceed it. Committed on its
  // own, so that a failing append does not undo it.
  if (acknowledged_rows_bytes_ > 0 && total_bytes_ + acknowledged_rows_bytes_ + need > limit) {
    Result<bool> more = PurgeAcknowledged(0);
    if (!more.ok()) return more.status();
  }

  // All changes are made on copies and published only after COMMIT succeeded, so a failed
  // transaction leaves memory and disk in agreement.
  StreamMap staged = streams_;
  uint64_t staged_total = total_bytes_;
  std::set<std::string, std::less<>> touched;
  touched.emplace(stream);
  StreamState& target = staged[std::string(stream)];

  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(db_);
  if (!txn.ok()) return Check(txn.status());

  bool store = true;
  if (staged_total + need > limit) {
    uint64_t durable_bytes = staged_total;
    for (const auto& [name, state] : staged) {
      if (protocol::IsThinnable(name)) durable_bytes -= state.bytes;
    }
    // Thinning only helps if the records fit once every thinnable row is gone.
    if (durable_bytes + need <= limit) {
      CCC_RETURN_IF_ERROR(Thin(staged, staged_total, limit, need, touched));
    }
    if (staged_total + need > limit) {
      if (!thinnable) {
        // The transaction rolls back: no thinning, no records, no cursor move.
        return ResourceExhausted("outbox " + db_.path() +
                                 " is full: " + std::to_string(staged_total) + " of " +
                                 std::to_string(limit) + " bytes used, " + std::to_string(need) +
                                 " more needed for stream " + std::string(stream));
      }
      target.dropped += records.size();
      store = false;
    }
  }

  if (store) {
    sqlite::Statement& insert = statements_.insert_record;
    for (const NewRecord& record : records) {
      ResetOnExit reset(insert);
      insert.Bind(1, stream)
          .Bind(2, ToSql(target.next_seq))
          .Bind(3, record.ts_ms)
          .BindBlob(4, record.body);
      CCC_RETURN_IF_ERROR(Check(insert.Run()));
      ++target.next_seq;
      target.bytes += RowBytes(record.body.size());
    }
    staged_total += need;
  }
  if (cursor_key != nullptr) {
    CCC_RETURN_IF_ERROR(SetValue(statements_.set_cursor, *cursor_key, cursor_value));
  }
  for (const std::string& name : touched) {
    CCC_RETURN_IF_ERROR(SaveStream(name, staged.find(name)->second));
  }
  CCC_RETURN_IF_ERROR(Check(txn->Commit()));
  streams_ = std::move(staged);
  total_bytes_ = staged_total;
  return Status::Ok();
}

Status SqliteOutbox::Thin(StreamMap& staged, uint64_t& staged_total, uint64_t limit, uint64_t need,
                          std::set<std::string, std::less<>>& touched) {
  for (;;) {
    // Streams with thinnable rows, the one holding the oldest such row first.
    std::vector<std::pair<int64_t, std::string>> order;
    for (const auto& [name, state] : staged) {
      if (!protocol::IsThinnable(name) || state.handed_out + 1 >= state.next_seq) continue;
      sqlite::Statement& oldest = statements_.oldest_candidate_ts;
      ResetOnExit reset(oldest);
      oldest.Bind(1, name).Bind(2, ToSql(state.handed_out));
      Result<bool> row = oldest.Step();
      if (!row.ok()) return Check(row.status());
      if (*row) order.emplace_back(oldest.ColumnInt(0), name);
    }
    std::sort(order.begin(), order.end());
    bool progress = false;
    for (const auto& [ts, name] : order) {
      StreamState& state = staged.find(name)->second;
      uint64_t freed = 0;
      uint64_t deleted = 0;
      CCC_RETURN_IF_ERROR(ThinOnce(name, state, freed, deleted));
      if (deleted == 0) continue;
      progress = true;
      touched.insert(name);
      staged_total -= freed;
      if (staged_total + need <= limit) return Status::Ok();
    }
    if (!progress) return Status::Ok();
  }
}

Status SqliteOutbox::ThinOnce(std::string_view name, StreamState& state, uint64_t& freed,
                              uint64_t& deleted) {
  int64_t candidates = 0;
  {
    sqlite::Statement& count = statements_.count_thin_candidates;
    ResetOnExit reset(count);
    count.Bind(1, name).Bind(2, ToSql(state.handed_out));
    Result<bool> row = count.Step();
    if (!row.ok()) return Check(row.status());
    candidates = *row ? count.ColumnInt(0) : 0;
  }
  // Rounding the half up and starting with the oldest row guarantees progress even when a
  // single candidate is left.
  const int64_t oldest_half = (candidates + 1) / 2;
  std::vector<std::pair<int64_t, int64_t>> victims;  // seq, body bytes
  {
    sqlite::Statement& select = statements_.select_thin_candidates;
    ResetOnExit reset(select);
    select.Bind(1, name).Bind(2, ToSql(state.handed_out)).Bind(3, oldest_half);
    for (int64_t position = 0;; ++position) {
      Result<bool> row = select.Step();
      if (!row.ok()) return Check(row.status());
      if (!*row) break;
      if (position % 2 == 0) victims.emplace_back(select.ColumnInt(0), select.ColumnInt(1));
    }
  }
  // Deleted after the scan: SQLite does not define what a running SELECT sees of rows
  // deleted under it.
  sqlite::Statement& remove = statements_.delete_record;
  for (const auto& [seq, body_bytes] : victims) {
    ResetOnExit reset(remove);
    remove.Bind(1, name).Bind(2, seq);
    CCC_RETURN_IF_ERROR(Check(remove.Run()));
    freed += RowBytes(static_cast<size_t>(body_bytes));
  }
  deleted = victims.size();
  state.bytes -= std::min(state.bytes, freed);
  state.dropped += deleted;
  return Status::Ok();
}

Result<std::optional<PendingBatch>> SqliteOutbox::NextBatch(std::string_view stream,
                                                            size_t max_records, size_t max_bytes) {
  const auto it = streams_.find(stream);
  if (it == streams_.end()) return std::optional<PendingBatch>();
  StreamState& state = it->second;
  if (state.handed_out + 1 >= state.next_seq) return std::optional<PendingBatch>();

  sqlite::Statement& select = statements_.select_batch;
  ResetOnExit reset(select);
  select.Bind(1, stream)
      .Bind(2, ToSql(state.handed_out))
      .Bind(3, static_cast<int64_t>(std::max<size_t>(max_records, 1)));
  PendingBatch batch;
  batch.stream = std::string(stream);
  batch.range_lo = state.handed_out + 1;
  batch.records.reserve(
      std::min<uint64_t>(std::max<size_t>(max_records, 1), state.next_seq - 1 - state.handed_out));
  for (;;) {
    Result<bool> row = select.Step();
    if (!row.ok()) return Check(row.status());
    if (!*row) break;
    const std::string_view body = select.ColumnTextView(2);
    if (!batch.records.empty() && batch.body_bytes + body.size() > max_bytes) break;
    batch.records.push_back(protocol::Record{.seq = FromSql(select.ColumnInt(0)),
                                             .ts_ms = select.ColumnInt(1),
                                             .body = std::string(body)});
    batch.body_bytes += body.size();
  }
  if (batch.records.empty()) return std::optional<PendingBatch>();
  batch.range_hi = batch.records.back().seq;
  state.handed_out = batch.range_hi;
  state.handed_out_bytes.emplace_back(batch.range_hi,
                                      batch.body_bytes + batch.records.size() * kRowOverheadBytes);
  return std::optional<PendingBatch>(std::move(batch));
}

void SqliteOutbox::Rewind() {
  for (auto& [name, state] : streams_) {
    state.handed_out = state.acked_seq;
    state.handed_out_bytes.clear();
  }
}

Status SqliteOutbox::Acknowledge(std::string_view stream, uint64_t range_hi, int64_t now_ms) {
  CCC_RETURN_IF_ERROR(CheckWritable());
  const auto it = streams_.find(stream);
  if (it == streams_.end()) {
    return InvalidArgument("outbox " + db_.path() + ": acknowledge of unknown stream " +
                           std::string(stream));
  }
  StreamState& current = it->second;
  if (range_hi >= current.next_seq) {
    return InvalidArgument("outbox " + db_.path() + ": acknowledge of seq " +
                           std::to_string(range_hi) + " on stream " + std::string(stream) +
                           ", which has only assigned seqs up to " +
                           std::to_string(current.next_seq - 1));
  }
  if (range_hi <= current.acked_seq) return Status::Ok();

  StreamState staged = current;
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(db_);
  if (!txn.ok()) return Check(txn.status());
  // Logical: the rows stay until PurgeAcknowledged. What they free is known when whole
  // handed-out batches are acknowledged; otherwise measured (reads only row headers).
  uint64_t freed = 0;
  size_t covered = 0;
  for (const auto& [hi, bytes] : staged.handed_out_bytes) {
    if (hi > range_hi) break;
    freed += bytes;
    ++covered;
  }
  if (covered > 0 && staged.handed_out_bytes[covered - 1].first == range_hi) {
    staged.handed_out_bytes.erase(staged.handed_out_bytes.begin(),
                                  staged.handed_out_bytes.begin() + static_cast<long>(covered));
  } else {
    staged.handed_out_bytes.clear();
    CCC_RETURN_IF_ERROR(MeasureRange(stream, staged.acked_seq, range_hi, freed));
  }
  freed = std::min(freed, staged.bytes);
  staged.bytes -= freed;
  staged.acked_seq = range_hi;
  staged.last_acked_at_ms = now_ms;
  staged.handed_out = std::max(staged.handed_out, range_hi);
  CCC_RETURN_IF_ERROR(SaveStream(stream, staged));
  CCC_RETURN_IF_ERROR(Check(txn->Commit()));
  current = staged;
  total_bytes_ -= freed;
  acknowledged_rows_bytes_ += freed;
  return Status::Ok();
}

Result<bool> SqliteOutbox::PurgeAcknowledged(size_t max_rows) {
  CCC_RETURN_IF_ERROR(CheckWritable());
  if (!HasAcknowledgedRows()) return false;
  uint64_t budget = max_rows == 0 ? std::numeric_limits<uint64_t>::max() : max_rows;
  std::map<std::string, uint64_t, std::less<>> purged;  // stream -> new purged_seq
  uint64_t freed = 0;
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(db_);
  if (!txn.ok()) return Check(txn.status());
  for (const auto& [name, state] : streams_) {
    if (budget == 0) break;
    if (state.purged_seq >= state.acked_seq) continue;
    // Chunks are seq ranges: thinning gaps only make a chunk smaller.
    const uint64_t hi =
        state.acked_seq - state.purged_seq > budget ? state.purged_seq + budget : state.acked_seq;
    sqlite::Statement& remove = statements_.purge_acknowledged;
    ResetOnExit reset(remove);
    remove.Bind(1, name).Bind(2, ToSql(state.purged_seq)).Bind(3, ToSql(hi));
    for (;;) {
      Result<bool> row = remove.Step();
      if (!row.ok()) return Check(row.status());
      if (!*row) break;
      freed += RowBytes(static_cast<size_t>(remove.ColumnInt(0)));
    }
    budget -= hi - state.purged_seq;
    purged.emplace(name, hi);
  }
  CCC_RETURN_IF_ERROR(Check(txn->Commit()));
  for (const auto& [name, seq] : purged) streams_.find(name)->second.purged_seq = seq;
  acknowledged_rows_bytes_ -= std::min(freed, acknowledged_rows_bytes_);
  return HasAcknowledgedRows();
}

Result<std::vector<std::string>> SqliteOutbox::Streams() {
  // Read from disk, not memory: a read-only view must see what the writer added since.
  StreamMap streams;
  CCC_RETURN_IF_ERROR(LoadStreams(streams));
  std::vector<std::string> names;
  names.reserve(streams.size());
  for (const auto& [name, state] : streams) names.push_back(name);
  return names;
}

Result<OutboxStats> SqliteOutbox::Stats() {
  // One read transaction so that the figures are a consistent snapshot.
  CCC_RETURN_IF_ERROR(Check(db_.Exec("BEGIN")));
  struct EndRead {
    sqlite::Database& db;
    ~EndRead() { (void)db.Exec("COMMIT"); }
  } end_read{db_};

  StreamMap streams;
  CCC_RETURN_IF_ERROR(LoadStreams(streams));
  OutboxStats stats;
  stats.epoch = epoch_;
  stats.max_bytes = max_bytes_;
  for (const auto& [name, state] : streams) {
    StreamStats s;
    s.stream = name;
    s.bytes = state.bytes;
    s.last_acked_seq = state.acked_seq;
    s.last_acked_at_ms = state.last_acked_at_ms;
    s.dropped = state.dropped;
    s.next_seq = state.next_seq;
    sqlite::Statement& depth = statements_.stream_depth;
    ResetOnExit reset(depth);
    depth.Bind(1, name).Bind(2, ToSql(state.acked_seq));
    Result<bool> row = depth.Step();
    if (!row.ok()) return Check(row.status());
    if (*row) {
      s.depth = FromSql(depth.ColumnInt(0));
      if (!depth.ColumnIsNull(1)) s.oldest_ts_ms = depth.ColumnInt(1);
    }
    stats.total_bytes += s.bytes;
    stats.streams.push_back(std::move(s));
  }
  return stats;
}

Status SqliteOutbox::SetState(std::string_view key, std::string_view value) {
  CCC_RETURN_IF_ERROR(CheckWritable());
  return SetValue(statements_.set_state, key, value);
}

}  // namespace

Result<std::unique_ptr<Outbox>> Outbox::Open(const OutboxOptions& options) {
  if (options.path.empty()) return InvalidArgument("outbox path is empty");
  const std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      return DataLoss("cannot create folder " + parent.string() + " for outbox " + options.path +
                      ": " + error.message());
    }
  }
  sqlite::OpenOptions open_options;
  open_options.synchronous_full = options.synchronous_full;
  open_options.cache_kib = kCacheKib;
  Result<sqlite::Database> db = sqlite::Database::Open(options.path, open_options);
  if (!db.ok()) {
    if (db.status().code() == StatusCode::kResourceExhausted) return db.status();
    return DataLoss("cannot open outbox " + options.path + ": " + db.status().message());
  }
  auto outbox = std::make_unique<SqliteOutbox>(std::move(db).value(), /*read_only=*/false,
                                               options.max_bytes, options.alert_reserve_bytes);
  CCC_RETURN_IF_ERROR(outbox->Init());
  return std::unique_ptr<Outbox>(std::move(outbox));
}

Result<std::unique_ptr<Outbox>> Outbox::OpenReadOnly(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return NotFound("outbox " + path + " does not exist");
  }
  sqlite::OpenOptions open_options;
  open_options.read_only = true;
  open_options.create = false;
  open_options.cache_kib = kCacheKib;
  Result<sqlite::Database> db = sqlite::Database::Open(path, open_options);
  if (!db.ok()) {
    if (db.status().code() == StatusCode::kNotFound) return db.status();
    return DataLoss("cannot open outbox " + path + " read-only: " + db.status().message());
  }
  auto outbox = std::make_unique<SqliteOutbox>(std::move(db).value(), /*read_only=*/true,
                                               /*max_bytes=*/0, /*alert_reserve_bytes=*/0);
  CCC_RETURN_IF_ERROR(outbox->Init());
  return std::unique_ptr<Outbox>(std::move(outbox));
}

}  // namespace ccc::agent::outbox
