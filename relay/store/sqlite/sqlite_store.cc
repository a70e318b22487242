#include "relay/store/sqlite/sqlite_store.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "common/protocol/streams.h"
#include "common/sqlite/migrations.h"
#include "relay/store/rollup.h"
#include "relay/store/seq_ranges.h"
#include "relay/store/sqlite/pbx_ingest.h"
#include "relay/store/sqlite/scoped_reset.h"
#include "relay/store/sqlite/sqlite_schema.h"

namespace ccc::relay::store {

namespace sqlite_detail {

// Prepared once per connection and reused for every call.
struct WriterStatements {
  sqlite::Statement touch_device, range_before, ranges_within, range_delete, range_insert;
  sqlite::Statement insert_sample, upsert_minute, upsert_hour, update_sysinfo, insert_record;
  sqlite::Statement set_presence, register_device, remove_device;
  sqlite::Statement next_sample_device[3], delete_old_samples[3];
};

struct ReaderStatements {
  sqlite::Statement health, find_device, list_devices, samples_raw, samples_minute, samples_hour;
  sqlite::Statement records, count_records, count_samples;
};

struct Reader {
  sqlite::Database db;
  ReaderStatements statements;
};

}  // namespace sqlite_detail

namespace {

using sqlite_detail::ReaderStatements;
using sqlite_detail::WriterStatements;

constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();
constexpr int64_t kRetentionChunkRows = 5000;

// SQLite's INTEGER is signed: uint64_t values are stored bit-cast (see sqlite_schema.h).
int64_t AsInt(uint64_t v) { return static_cast<int64_t>(v); }

using sqlite_detail::ScopedReset;

Status PrepareInto(sqlite::Database& db, std::string_view sql, sqlite::Statement& out) {
  Result<sqlite::Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  out = std::move(*stmt);
  return Status::Ok();
}

Status PrepareWriter(sqlite::Database& db, WriterStatements& w) {
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kTouchDevice, w.touch_device));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kRangeBefore, w.range_before));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kRangesWithin, w.ranges_within));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kRangeDelete, w.range_delete));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kRangeInsert, w.range_insert));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kInsertSample, w.insert_sample));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kUpsertMinute, w.upsert_minute));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kUpsertHour, w.upsert_hour));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kUpdateSysinfo, w.update_sysinfo));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kInsertRecord, w.insert_record));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kSetPresence, w.set_presence));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kRegisterDevice, w.register_device));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kRemoveDevice, w.remove_device));
  for (size_t t = 0; t < 3; ++t) {
    CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kNextSampleDevice[t], w.next_sample_device[t]));
    CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kDeleteOldSamples[t], w.delete_old_samples[t]));
  }
  return Status::Ok();
}

Status PrepareReader(sqlite::Database& db, ReaderStatements& r) {
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kHealth, r.health));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kFindDevice, r.find_device));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kListDevices, r.list_devices));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kSamplesRaw, r.samples_raw));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kSamplesMinute, r.samples_minute));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kSamplesHour, r.samples_hour));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kRecords, r.records));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kCountRecords, r.count_records));
  CCC_RETURN_IF_ERROR(PrepareInto(db, sql::kCountSamples, r.count_samples));
  return Status::Ok();
}

struct Telemetry {
  double cpu_pct = 0;
  int64_t mem_used = 0;
  int64_t mem_total = 0;
};

std::optional<double> AsNumber(const boost::json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}

// A byte count: an integer in [0, 2^63) so that it fits SQLite's INTEGER.
std::optional<int64_t> AsByteCount(const boost::json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_int64() && v->get_int64() >= 0) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= uint64_t{std::numeric_limits<int64_t>::max()}) {
    return static_cast<int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

// Parses a telemetry body; nullopt when it does not fit the schema.
std::optional<Telemetry> ParseTelemetry(std::string_view body) {
  // Bodies are small: parse into a stack buffer instead of the heap.
  unsigned char buffer[2048];
  boost::json::monotonic_resource resource(buffer, sizeof(buffer));
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec, &resource);
  if (ec || !value.is_object()) return std::nullopt;
  const boost::json::object& object = value.get_object();
  std::optional<double> cpu = AsNumber(object.if_contains("cpu_pct"));
  std::optional<int64_t> used = AsByteCount(object.if_contains("mem_used_bytes"));
  std::optional<int64_t> total = AsByteCount(object.if_contains("mem_total_bytes"));
  if (!cpu || !used || !total) return std::nullopt;
  if (!std::isfinite(*cpu) || *cpu < 0 || *cpu > 100) return std::nullopt;
  return Telemetry{*cpu, *used, *total};
}

// The seqs a batch makes covered: [range_lo, range_hi] widened to every record's seq, so a
// record that is stored is always covered. nullopt for an empty range without records.
std::optional<SeqInterval> CoveredRange(const protocol::Batch& batch) {
  std::optional<SeqInterval> range;
  if (batch.range_lo <= batch.range_hi) range = SeqInterval{batch.range_lo, batch.range_hi};
  for (const protocol::Record& record : batch.records) {
    if (!range) {
      range = SeqInterval{record.seq, record.seq};
    } else {
      range->lo = std::min(range->lo, record.seq);
      range->hi = std::max(range->hi, record.seq);
    }
  }
  return range;
}

// One IngestBatches call: everything runs inside the caller's transaction.
class IngestRun {
 public:
  IngestRun(sqlite::Database& db, WriterStatements& w, sqlite_detail::PbxIngest& pbx,
            int64_t now_ms)
      : db_(db), w_(w), pbx_(pbx), now_ms_(now_ms) {}

  Status Add(const protocol::Batch& batch) {
    Result<bool> known = TouchDevice(batch.device);
    if (!known.ok()) return known.status();
    if (!*known) {
      ++outcome_.unknown_device;
      return Status::Ok();
    }
    const std::optional<SeqInterval> range = CoveredRange(batch);
    if (!range) return Status::Ok();
    Result<std::vector<SeqInterval>> covered = LoadCovered(batch, *range);
    if (!covered.ok()) return covered.status();
    for (const protocol::Record& record : batch.records) {
      if (Covers(*covered, record.seq)) {
        ++outcome_.duplicates_dropped;
        continue;
      }
      CCC_RETURN_IF_ERROR(StoreRecord(batch, record));
    }
    return SaveCovered(batch, MergeRange(*covered, *range));
  }

  // Writes the roll-ups gathered over all batches: one upsert per (device, bucket).
  Status Finish() {
    CCC_RETURN_IF_ERROR(pbx_.Finish());
    CCC_RETURN_IF_ERROR(Upsert(w_.upsert_minute, minute_));
    return Upsert(w_.upsert_hour, hour_);
  }

  const IngestOutcome& outcome() const { return outcome_; }

 private:
  Result<bool> TouchDevice(const std::string& device) {
    ScopedReset reset(w_.touch_device);
    w_.touch_device.Bind(1, device).Bind(2, now_ms_);
    CCC_RETURN_IF_ERROR(w_.touch_device.Run());
    return db_.Changes() > 0;
  }

  // The stored intervals that overlap or touch range, sorted by lo.
  Result<std::vector<SeqInterval>> LoadCovered(const protocol::Batch& batch, SeqInterval range) {
    const SeqInterval window = MergeWindow(range);
    std::vector<SeqInterval> covered;
    {
      // Stored intervals are disjoint: of those starting before the window, only the last
      // can reach into it.
      sqlite::Statement& s = w_.range_before;
      ScopedReset reset(s);
      s.Bind(1, batch.device).Bind(2, batch.stream).Bind(3, AsInt(batch.epoch));
      s.Bind(4, sql::EncodeOrderedU64(window.lo));
      Result<bool> row = s.Step();
      if (!row.ok()) return row.status();
      if (*row) {
        SeqInterval before{sql::DecodeOrderedU64(s.ColumnInt(0)),
                           sql::DecodeOrderedU64(s.ColumnInt(1))};
        if (before.hi >= window.lo) covered.push_back(before);
      }
    }
    sqlite::Statement& s = w_.ranges_within;
    ScopedReset reset(s);
    s.Bind(1, batch.device).Bind(2, batch.stream).Bind(3, AsInt(batch.epoch));
    s.Bind(4, sql::EncodeOrderedU64(window.lo)).Bind(5, sql::EncodeOrderedU64(window.hi));
    for (;;) {
      Result<bool> row = s.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      covered.push_back(
          {sql::DecodeOrderedU64(s.ColumnInt(0)), sql::DecodeOrderedU64(s.ColumnInt(1))});
    }
    return covered;
  }

  Status SaveCovered(const protocol::Batch& batch, const RangeMerge& merge) {
    // A resend inside one interval changes nothing: the common duplicate case stays read-only.
    if (merge.absorbed.size() == 1 && merge.absorbed.front() == merge.merged) {
      return Status::Ok();
    }
    for (const SeqInterval& old : merge.absorbed) {
      ScopedReset reset(w_.range_delete);
      w_.range_delete.Bind(1, batch.device).Bind(2, batch.stream).Bind(3, AsInt(batch.epoch));
      w_.range_delete.Bind(4, sql::EncodeOrderedU64(old.lo));
      CCC_RETURN_IF_ERROR(w_.range_delete.Run());
    }
    ScopedReset reset(w_.range_insert);
    w_.range_insert.Bind(1, batch.device).Bind(2, batch.stream).Bind(3, AsInt(batch.epoch));
    w_.range_insert.Bind(4, sql::EncodeOrderedU64(merge.merged.lo));
    w_.range_insert.Bind(5, sql::EncodeOrderedU64(merge.merged.hi));
    return w_.range_insert.Run();
  }

  Status StoreRecord(const protocol::Batch& batch, const protocol::Record& record) {
    if (batch.stream == protocol::kStreamTelemetry) return StoreSample(batch, record);
    if (batch.stream == protocol::kStreamRegistrations) {
      return pbx_.ApplyRegistrations(batch.device, record, outcome_);
    }
    if (batch.stream == protocol::kStreamCalls) {
      return pbx_.ApplyCall(batch.device, record, now_ms_, outcome_);
    }
    if (batch.stream == protocol::kStreamSystemInfo) {
      ScopedReset reset(w_.update_sysinfo);
      w_.update_sysinfo.Bind(1, batch.device).Bind(2, record.body).Bind(3, record.ts_ms);
      CCC_RETURN_IF_ERROR(w_.update_sysinfo.Run());
      ++outcome_.records_stored;
      return Status::Ok();
    }
    ScopedReset reset(w_.insert_record);
    w_.insert_record.Bind(1, batch.device).Bind(2, batch.stream).Bind(3, AsInt(batch.epoch));
    w_.insert_record.Bind(4, AsInt(record.seq)).Bind(5, record.ts_ms).Bind(6, record.body);
    w_.insert_record.Bind(7, now_ms_);
    CCC_RETURN_IF_ERROR(w_.insert_record.Run());
    // Belt and braces: a seq repeated inside one batch hits the primary key, not an error.
    if (db_.Changes() == 0) {
      ++outcome_.duplicates_dropped;
    } else {
      ++outcome_.records_stored;
    }
    return Status::Ok();
  }

  Status StoreSample(const protocol::Batch& batch, const protocol::Record& record) {
    const std::optional<Telemetry> t = ParseTelemetry(record.body);
    if (!t) {
      ++outcome_.invalid_records;
      return Status::Ok();
    }
    sqlite::Statement& s = w_.insert_sample;
    ScopedReset reset(s);
    s.Bind(1, batch.device).Bind(2, AsInt(batch.epoch)).Bind(3, AsInt(record.seq));
    s.Bind(4, record.ts_ms).Bind(5, t->cpu_pct).Bind(6, t->mem_used).Bind(7, t->mem_total);
    CCC_RETURN_IF_ERROR(s.Run());
    if (db_.Changes() == 0) {
      ++outcome_.duplicates_dropped;
      return Status::Ok();
    }
    ++outcome_.records_stored;
    ++outcome_.samples_stored;
    minute_.Add(batch.device, record.ts_ms, t->cpu_pct, static_cast<uint64_t>(t->mem_used));
    hour_.Add(batch.device, record.ts_ms, t->cpu_pct, static_cast<uint64_t>(t->mem_used));
    return Status::Ok();
  }

  static Status Upsert(sqlite::Statement& s, const RollupAccumulator& acc) {
    for (const auto& [key, bucket] : acc.buckets()) {
      ScopedReset reset(s);
      s.Bind(1, key.first).Bind(2, key.second).Bind(3, int64_t{bucket.count});
      s.Bind(4, bucket.cpu_sum).Bind(5, bucket.cpu_max).Bind(6, bucket.mem_sum);
      s.Bind(7, AsInt(bucket.mem_max));
      CCC_RETURN_IF_ERROR(s.Run());
    }
    return Status::Ok();
  }

  sqlite::Database& db_;
  WriterStatements& w_;
  sqlite_detail::PbxIngest& pbx_;
  int64_t now_ms_;
  IngestOutcome outcome_;
  RollupAccumulator minute_{kMinuteMs};
  RollupAccumulator hour_{kHourMs};
};

Device ReadDevice(const sqlite::Statement& s) {
  Device d;
  d.id = s.ColumnText(0);
  d.registered_ms = s.ColumnInt(1);
  d.online = s.ColumnInt(2) != 0;
  if (!s.ColumnIsNull(3)) d.last_seen_ms = s.ColumnInt(3);
  d.sysinfo_json = s.ColumnText(4);
  return d;
}

Result<uint64_t> ReadCount(sqlite::Statement& s) {
  Result<bool> row = s.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Internal("count query returned no row");
  return static_cast<uint64_t>(s.ColumnInt(0));
}

}  // namespace

SqliteStore::SqliteStore() : w_(std::make_unique<WriterStatements>()) {}

SqliteStore::~SqliteStore() = default;

SqliteStore::ReaderLease::~ReaderLease() {
  {
    std::lock_guard lock(store_.readers_mu_);
    store_.free_readers_.push_back(&reader_);
  }
  store_.reader_freed_.notify_one();
}

sqlite::Database& SqliteStore::ReaderLease::db() { return reader_.db; }

sqlite_detail::ReaderStatements& SqliteStore::ReaderLease::statements() {
  return reader_.statements;
}

SqliteStore::ReaderLease SqliteStore::AcquireReader() {
  std::unique_lock lock(readers_mu_);
  reader_freed_.wait(lock, [this] { return !free_readers_.empty(); });
  sqlite_detail::Reader* reader = free_readers_.back();
  free_readers_.pop_back();
  return ReaderLease(*this, *reader);
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& options) {
  std::unique_ptr<SqliteStore> store(new SqliteStore());
  sqlite::OpenOptions writer_options;
  writer_options.synchronous_full = options.synchronous_full;
  writer_options.cache_kib = 16 * 1024;
  Result<sqlite::Database> writer = sqlite::Database::Open(options.path, writer_options);
  if (!writer.ok()) return writer.status();
  store->writer_ = std::move(*writer);
  CCC_RETURN_IF_ERROR(
      sqlite::ApplyMigrations(store->writer_, sql::kMigrations, "relay database").status());
  CCC_RETURN_IF_ERROR(PrepareWriter(store->writer_, *store->w_));
  Result<std::unique_ptr<sqlite_detail::PbxIngest>> pbx =
      sqlite_detail::PbxIngest::Prepare(store->writer_);
  if (!pbx.ok()) return pbx.status();
  store->pbx_ = std::move(*pbx);

  sqlite::OpenOptions reader_options;
  reader_options.read_only = true;
  reader_options.create = false;
  reader_options.cache_kib = 8 * 1024;
  for (size_t i = 0; i < kReaders; ++i) {
    auto reader = std::make_unique<sqlite_detail::Reader>();
    Result<sqlite::Database> db = sqlite::Database::Open(options.path, reader_options);
    if (!db.ok()) return db.status();
    reader->db = std::move(*db);
    CCC_RETURN_IF_ERROR(PrepareReader(reader->db, reader->statements));
    CCC_RETURN_IF_ERROR(sqlite_detail::RegisterSearchFunctions(reader->db));
    store->free_readers_.push_back(reader.get());
    store->readers_.push_back(std::move(reader));
  }
  return store;
}

Result<IngestOutcome> SqliteStore::IngestBatches(const std::vector<protocol::Batch>& batches,
                                                 int64_t now_ms) {
  std::lock_guard lock(writer_mu_);
  Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(writer_);
  if (!tx.ok()) return tx.status();
  pbx_->Discard();  // left over from a run that failed before its Finish
  IngestRun run(writer_, *w_, *pbx_, now_ms);
  for (const protocol::Batch& batch : batches) CCC_RETURN_IF_ERROR(run.Add(batch));
  CCC_RETURN_IF_ERROR(run.Finish());
  CCC_RETURN_IF_ERROR(tx->Commit());
  return run.outcome();
}

Status SqliteStore::SetPresence(const std::string& device, bool online, int64_t now_ms) {
  std::lock_guard lock(writer_mu_);
  ScopedReset reset(w_->set_presence);
  w_->set_presence.Bind(1, device).Bind(2, int64_t{online ? 1 : 0}).Bind(3, now_ms);
  CCC_RETURN_IF_ERROR(w_->set_presence.Run());
  if (writer_.Changes() == 0) return NotFound("device " + device + " is not registered");
  return Status::Ok();
}

Status SqliteStore::RegisterDevice(const std::string& device, int64_t now_ms) {
  if (device.empty()) return InvalidArgument("device id must not be empty");
  std::lock_guard lock(writer_mu_);
  ScopedReset reset(w_->register_device);
  w_->register_device.Bind(1, device).Bind(2, now_ms);
  return w_->register_device.Run();
}

Status SqliteStore::RemoveDevice(const std::string& device) {
  std::lock_guard lock(writer_mu_);
  ScopedReset reset(w_->remove_device);
  w_->remove_device.Bind(1, device);
  CCC_RETURN_IF_ERROR(w_->remove_device.Run());
  if (writer_.Changes() == 0) return NotFound("device " + device + " is not registered");
  return Status::Ok();
}

Result<std::optional<Device>> SqliteStore::FindDevice(const std::string& device) {
  ReaderLease reader = AcquireReader();
  sqlite::Statement& s = reader.statements().find_device;
  ScopedReset reset(s);
  s.Bind(1, device);
  Result<bool> row = s.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Device>();
  return std::optional<Device>(ReadDevice(s));
}

Result<std::vector<Device>> SqliteStore::ListDevices() {
  ReaderLease reader = AcquireReader();
  sqlite::Statement& s = reader.statements().list_devices;
  ScopedReset reset(s);
  std::vector<Device> devices;
  for (;;) {
    Result<bool> row = s.Step();
    if (!row.ok()) return row.status();
    if (!*row) return devices;
    devices.push_back(ReadDevice(s));
  }
}

Result<std::vector<RollupPoint>> SqliteStore::Samples(const std::string& device, Resolution res,
                                                      int64_t from_ms, int64_t to_ms) {
  ReaderLease reader = AcquireReader();
  sqlite::Statement& s = res == Resolution::kRaw      ? reader.statements().samples_raw
                         : res == Resolution::kMinute ? reader.statements().samples_minute
                                                      : reader.statements().samples_hour;
  ScopedReset reset(s);
  s.Bind(1, device).Bind(2, from_ms).Bind(3, to_ms);
  std::vector<RollupPoint> points;
  for (;;) {
    Result<bool> row = s.Step();
    if (!row.ok()) return row.status();
    if (!*row) return points;
    if (res == Resolution::kRaw) {
      RollupBucket one;
      one.Add(s.ColumnDouble(1), static_cast<uint64_t>(s.ColumnInt(2)));
      points.push_back(ToPoint(s.ColumnInt(0), one));
    } else {
      RollupBucket bucket;
      bucket.count = static_cast<uint32_t>(s.ColumnInt(1));
      bucket.cpu_sum = s.ColumnDouble(2);
      bucket.cpu_max = s.ColumnDouble(3);
      bucket.mem_sum = s.ColumnDouble(4);
      bucket.mem_max = static_cast<uint64_t>(s.ColumnInt(5));
      points.push_back(ToPoint(s.ColumnInt(0), bucket));
    }
  }
}

Result<std::vector<StoredRecord>> SqliteStore::Records(const std::string& device,
                                                       const std::string& stream,
                                                       uint64_t after_seq, size_t limit) {
  ReaderLease reader = AcquireReader();
  sqlite::Statement& s = reader.statements().records;
  ScopedReset reset(s);
  const int64_t sql_limit =
      static_cast<int64_t>(std::min<size_t>(limit, std::numeric_limits<int64_t>::max()));
  s.Bind(1, device).Bind(2, stream).Bind(3, AsInt(after_seq)).Bind(4, sql_limit);
  std::vector<StoredRecord> records;
  for (;;) {
    Result<bool> row = s.Step();
    if (!row.ok()) return row.status();
    if (!*row) return records;
    StoredRecord r;
    r.device = device;
    r.stream = stream;
    r.epoch = static_cast<uint64_t>(s.ColumnInt(0));
    r.seq = static_cast<uint64_t>(s.ColumnInt(1));
    r.ts_ms = s.ColumnInt(2);
    r.body = s.ColumnText(3);
    records.push_back(std::move(r));
  }
}

Result<uint64_t> SqliteStore::CountRecords(const std::string& device, const std::string& stream) {
  if (stream == protocol::kStreamTelemetry) return CountSamples(device);
  ReaderLease reader = AcquireReader();
  ScopedReset reset(reader.statements().count_records);
  reader.statements().count_records.Bind(1, device).Bind(2, stream);
  return ReadCount(reader.statements().count_records);
}

Result<uint64_t> SqliteStore::CountSamples(const std::string& device) {
  ReaderLease reader = AcquireReader();
  ScopedReset reset(reader.statements().count_samples);
  reader.statements().count_samples.Bind(1, device);
  return ReadCount(reader.statements().count_samples);
}

Result<uint64_t> SqliteStore::DeleteOlderThan(size_t table, int64_t cutoff_ms) {
  uint64_t removed = 0;
  std::string device;
  for (;;) {
    // The writer lock is taken per step so that ingest interleaves with a long cleanup.
    std::unique_lock lock(writer_mu_);
    {
      sqlite::Statement& next = w_->next_sample_device[table];
      ScopedReset reset(next);
      next.Bind(1, device);
      Result<bool> row = next.Step();
      if (!row.ok()) return row.status();
      if (!*row) return removed;
      device = next.ColumnText(0);
    }
    for (;;) {
      Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(writer_);
      if (!tx.ok()) return tx.status();
      sqlite::Statement& del = w_->delete_old_samples[table];
      {
        ScopedReset reset(del);
        del.Bind(1, device).Bind(2, cutoff_ms).Bind(3, kRetentionChunkRows);
        CCC_RETURN_IF_ERROR(del.Run());
      }
      const int changes = writer_.Changes();
      CCC_RETURN_IF_ERROR(tx->Commit());
      removed += static_cast<uint64_t>(changes);
      if (changes < kRetentionChunkRows) break;
      lock.unlock();
      lock.lock();
    }
  }
}

Result<uint64_t> SqliteStore::ApplyRetention(const RetentionPolicy& policy, int64_t now_ms) {
  const int64_t cutoffs[3] = {now_ms - policy.raw_ms, now_ms - policy.minute_ms,
                              now_ms - policy.hour_ms};
  uint64_t removed = 0;
  for (size_t table = 0; table < 3; ++table) {
    Result<uint64_t> n = DeleteOlderThan(table, cutoffs[table]);
    if (!n.ok()) return n.status();
    removed += *n;
  }
  return removed;
}

bool SqliteStore::Healthy() {
  ReaderLease reader = AcquireReader();
  ScopedReset reset(reader.statements().health);
  Result<bool> row = reader.statements().health.Step();
  return row.ok() && *row;
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace ccc::relay::store
