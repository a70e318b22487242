#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/protocol/batch.h"
#include "common/sqlite/sqlite_db.h"
#include "common/status/status.h"
#include "relay/store/store.h"

namespace ccc::relay::store::sqlite_detail {

// Applies records of the PBX data streams ("registrations", "calls") to their tables on the
// SQLite writer connection, inside the caller's transaction (the one that also covers the
// batch's seqs, so each record takes effect exactly once). Counts into the caller's
// IngestOutcome: stored -> records_stored; a call already stored, or a registration record
// older than the device's last snapshot (or than the rows it would change) ->
// duplicates_dropped; a body that does not fit the schema (pbx_records.h) ->
// invalid_records, logged at most once a second.
// Thread: the writer's (under the store's writer lock).
class PbxIngest {
 public:
  static Result<std::unique_ptr<PbxIngest>> Prepare(sqlite::Database& db);
  ~PbxIngest();

  Status ApplyRegistrations(const std::string& device, const protocol::Record& record,
                            IngestOutcome& outcome);
  Status ApplyCall(const std::string& device, const protocol::Record& record, int64_t now_ms,
                   IngestOutcome& outcome);
  // Adds the calls stored since the last Finish to the trigram index (calls_fts), in one
  // statement: FTS5 writes its pending terms out at every statement that touches it, so a
  // row at a time would cost a segment (and merges) per call. Call before committing.
  Status Finish();
  // Forgets calls not yet indexed (their transaction was rolled back).
  void Discard();

 private:
  struct Statements;
  explicit PbxIngest(sqlite::Database& db);
  void LogInvalid(const std::string& device, std::string_view stream, const Status& why);

  sqlite::Database& db_;
  std::unique_ptr<Statements> s_;
  boost::json::array unindexed_calls_;  // [search_id, search] of each call stored
  std::chrono::steady_clock::time_point last_log_{};
  uint64_t suppressed_logs_ = 0;
};

// Adds the SQL functions of the q filters to a connection: ccc_fold(text) (FoldForSearch of
// pbx_records.h) and ccc_contains(haystack, needle) (byte substring test, 1 or 0).
Status RegisterSearchFunctions(sqlite::Database& db);

}  // namespace ccc::relay::store::sqlite_detail
