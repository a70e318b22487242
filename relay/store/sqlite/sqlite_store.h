#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sqlite/sqlite_db.h"
#include "relay/store/store.h"

namespace ccc::relay::store {

namespace sqlite_detail {
struct WriterStatements;
struct ReaderStatements;
struct Reader;
class PbxIngest;
class SqliteCallCursor;
struct CallKey;
}  // namespace sqlite_detail

// The embedded SQLite backend of Store (one file, WAL).
//
// Threads: every method may be called from any thread. Writes (IngestBatches,
// SetPresence, RegisterDevice, RemoveDevice, ApplyRetention, DeleteCallsBefore) go through
// one writer connection under writer_mu_. Reads take one of kReaders read-only connections
// from a pool for the duration of one query (a CallCursor per Next), waiting only when all
// are busy: two slow pages run side by side instead of queueing, and in WAL mode a reader
// sees the last committed state and never waits for a long ingest transaction. A
// connection is used by one thread at a time (SQLite's serialized mode is not relied on).
//
// Storage notes: telemetry bodies must be {"cpu_pct": 0..100, "mem_used_bytes": uint,
// "mem_total_bytes": uint} (extra keys ignored, byte counts below 2^63); anything else is
// counted in invalid_records and skipped, its seq still covered. Record seqs and epochs below
// 2^63 order correctly in Records(); the dedup bookkeeping is exact over all of uint64_t.
class SqliteStore final : public Store {
 public:
  // Read connections in the pool: 2 cores serve at most two queries at once; the others
  // keep a third and fourth request from queueing behind two slow ones.
  static constexpr size_t kReaders = 4;

  static Result<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& options);
  ~SqliteStore() override;

  // records_stored counts every record newly accepted (of any stream, valid sysinfo included);
  // samples_stored the telemetry subset of them. A batch whose range_lo > range_hi covers only
  // its records' seqs; records outside [range_lo, range_hi] widen the covered range.
  Result<IngestOutcome> IngestBatches(const std::vector<protocol::Batch>& batches,
                                      int64_t now_ms) override;

  // kNotFound when the device is not registered. Also sets last_seen_ms to now_ms.
  Status SetPresence(const std::string& device, bool online, int64_t now_ms) override;
  // Idempotent: registering a known device keeps its registered_ms and data.
  Status RegisterDevice(const std::string& device, int64_t now_ms) override;
  // kNotFound when unknown. Stored data and dedup state stay; later batches are refused.
  Status RemoveDevice(const std::string& device) override;
  Result<std::optional<Device>> FindDevice(const std::string& device) override;
  Result<std::vector<Device>> ListDevices() override;

  // Points with from_ms <= bucket_ms < to_ms, ascending. Raw points have count 1.
  Result<std::vector<RollupPoint>> Samples(const std::string& device, Resolution res,
                                           int64_t from_ms, int64_t to_ms) override;
  // Records with seq > after_seq (in any epoch), ordered by epoch then seq, at most limit.
  Result<std::vector<StoredRecord>> Records(const std::string& device, const std::string& stream,
                                            uint64_t after_seq, size_t limit) override;
  // Rows in the records table; for "telemetry" the raw samples.
  Result<uint64_t> CountRecords(const std::string& device, const std::string& stream) override;
  Result<uint64_t> CountSamples(const std::string& device) override;

  // Deletes raw samples with ts_ms < now - raw_ms, minute and hour buckets starting before
  // now - minute_ms / hour_ms, per device in chunks of its own transactions, so ingest can
  // interleave.
  Result<uint64_t> ApplyRetention(const RetentionPolicy& policy, int64_t now_ms) override;
  bool Healthy() override;

  // PBX data (issue 5; sqlite/call_queries.cc). Telephones and Accounts answer with one
  // query over all devices. Calls and the cursor query each device by its (device,
  // start_ms, call_id) key range and merge the devices' answers in memory: a page of a
  // fleet costs devices x (offset + limit) rows at most, a cursor holds at most one chunk
  // per device. Calls with a q of 3 or more characters whose rarest trigrams are held by
  // at most 5,000 rows (calls_fts) check only those rows, for all devices in one query,
  // and count them exactly; a page sorted by duration over more than 10,000 calls walks
  // calls_by_duration.
  Result<TelephonePage> Telephones(const TelephoneQuery& query) override;
  Result<AccountPage> Accounts(const AccountQuery& query) override;
  Result<CallPage> Calls(const CallQuery& query) override;
  Result<std::unique_ptr<CallCursor>> OpenCallCursor(const CallFilter& filter, bool descending,
                                                     size_t chunk_rows) override;
  // Chunks of 5,000 rows, each its own transaction under the writer lock.
  Result<uint64_t> DeleteCallsBefore(const std::string& device, int64_t cutoff_ms) override;

 private:
  friend class sqlite_detail::SqliteCallCursor;

  // Exclusive use of one pooled read connection until destroyed. Code holding a lease never
  // waits for a second one (it passes its connection down instead), so the pool cannot
  // deadlock.
  class ReaderLease {
   public:
    ReaderLease(SqliteStore& store, sqlite_detail::Reader& reader)
        : store_(store), reader_(reader) {}
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    ~ReaderLease();
    sqlite::Database& db();
    sqlite_detail::ReaderStatements& statements();

   private:
    SqliteStore& store_;
    sqlite_detail::Reader& reader_;
  };

  SqliteStore();
  // Waits until a read connection is free.
  ReaderLease AcquireReader();
  Result<uint64_t> DeleteOlderThan(size_t table, int64_t cutoff_ms);
  // Up to limit rows of one device matching filter, in the order of sort/descending,
  // skipping offset rows, or (when after is set) only rows after that key. by_index: select
  // the keys from the narrow calls_by_time index and read only those rows (pages, rare
  // matches); else walk the table (dense reads such as an unfiltered export).
  Result<std::vector<CallRow>> ReadDeviceCalls(const std::string& device, const CallFilter& filter,
                                               CallSort sort, bool descending,
                                               const sqlite_detail::CallKey* after, size_t offset,
                                               size_t limit, bool by_index);
  // Matches of filter for one device, counting stops after limit (0: no limit).
  Result<uint64_t> CountDeviceCalls(sqlite::Database& db, const std::string& device,
                                    const CallFilter& filter, uint64_t limit);
  // Calls for one device sorted by time: the page and the total from one scan.
  Result<CallPage> PageAndCountInOnePass(const std::string& device, const CallQuery& query);
  // The calls_fts MATCH expression whose rows include every call containing folded_q, when
  // at most 5,000 rows satisfy it; nullopt when q is too short for trigrams or too common
  // (then the scan answers).
  Result<std::optional<std::string>> TrigramMatch(sqlite::Database& db, std::string_view folded_q);
  // The page and exact total of query from the rows matching `match` (each checked
  // against the whole filter).
  Result<CallPage> PageFromCandidates(sqlite::Database& db, const std::string& match,
                                      const CallQuery& query,
                                      const std::vector<std::string>& devices);

  std::mutex writer_mu_;
  sqlite::Database writer_;
  std::unique_ptr<sqlite_detail::WriterStatements> w_;
  std::unique_ptr<sqlite_detail::PbxIngest> pbx_;

  std::mutex readers_mu_;
  std::condition_variable reader_freed_;
  std::vector<std::unique_ptr<sqlite_detail::Reader>> readers_;  // fixed after Open
  std::vector<sqlite_detail::Reader*> free_readers_;             // under readers_mu_
};

}  // namespace ccc::relay::store
