#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/sqlite/sqlite_db.h"
#include "common/status/status.h"
#include "relay/directory/directory.h"

// In-memory index behind Directory::ListVisibleSystems: which systems of a company a user
// reaches, and the sort keys of the list, so that a list request orders ids in memory and
// reads only the page's rows from SQLite.
//
// Freshness contract:
//  - Directory data (systems, codes, users, authorisations, groups): a company's snapshot
//    is rebuilt lazily when a list could have changed since it was built: the stored
//    list_generation, bumped by triggers on every change to systems, codes,
//    authorisations and groups by any writer (this process, the admin CLI, another relay),
//    differs. A list never shows access older than the last committed write; session
//    touches and audit rows do not cause rebuilds.
//  - Ingest facts (last_seen_ms, used only by sort=last_seen): read with the snapshot and
//    refreshed at most once per `kIngestRefreshMs` for companies with at least
//    `kIngestCachedFrom` systems (so the last_seen order may lag by up to 1 s there);
//    smaller companies read them fresh on every last_seen request.
// The page rows themselves are read by the caller, fresh, in its own read transaction.
namespace ccc::relay::directory {

// Process-wide switch (default on): off makes ListVisibleSystems use its SQL path. For
// tests comparing both paths and as an operational fallback.
void SetSystemListIndexEnabled(bool enabled);
bool SystemListIndexEnabled();

namespace detail {

class SystemListIndex {
 public:
  static constexpr int64_t kIngestRefreshMs = 1000;
  static constexpr size_t kIngestCachedFrom = 512;

  // The ids of one page in list order, and how many systems match in all.
  struct PageIds {
    std::vector<int64_t> ids;
    int64_t total = 0;
  };

  // `directory_path`: directory.db, opened read-only on first use for list_generation checks.
  explicit SystemListIndex(std::string directory_path);
  ~SystemListIndex();
  SystemListIndex(const SystemListIndex&) = delete;
  SystemListIndex& operator=(const SystemListIndex&) = delete;

  // The page of systems `user_id` (who must belong to `company_id`) sees, with the SQL
  // path's semantics (see directory_systems.cc): q = case-insensitive (ASCII) substring of
  // name or serial, sort/order/tie-break by id, nulls last. `query` must be validated
  // (paging, sort key) by the caller. Call it first thing inside a read transaction on
  // `db` (a reader with relay.db attached as "ingest"): a rebuild reads through `db`, and
  // the change check happens before that transaction's snapshot starts.
  // Thread-safe.
  Result<PageIds> Query(sqlite::Database& db, int64_t user_id, int64_t company_id,
                        const ListQuery& query, Ms now);

  // How many snapshot builds happened (tests).
  int64_t builds() const { return builds_.load(); }

  struct Snapshot;
  struct LastSeen;

 private:
  struct Company;

  // The epoch of the directory's lists now: bumps whenever the stored list_generation
  // differs from the previous check.
  Result<uint64_t> CurrentEpoch();
  std::shared_ptr<Company> CompanyFor(int64_t company_id);

  const std::string directory_path_;
  std::atomic<int64_t> builds_{0};

  std::mutex mu_;  // guards the members below
  std::optional<sqlite::Database> version_db_;
  uint64_t epoch_ = 0;
  int64_t last_list_generation_ = -1;
  std::unordered_map<int64_t, std::shared_ptr<Company>> companies_;
};

}  // namespace detail
}  // namespace ccc::relay::directory
