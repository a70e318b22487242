#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/sqlite/sqlite_db.h"
#include "common/status/status.h"
#include "relay/directory/directory.h"
#include "relay/directory/system_list_index.h"

// Internals shared by the directory's .cc files (directory.cc, directory_accounts.cc,
// directory_systems.cc, directory_access.cc). Not for other modules: include directory.h.
//
// Connections: ONE writer (read-write, WAL, foreign_keys=ON) guarded by a mutex, and a pool
// of read-only readers on the same file. Each reader has relay.db ATTACHed read-only AS
// "ingest". When relay.db does not exist yet (or has no devices table), the reader attaches
// a private in-memory database with an empty `devices` table of the same shape instead, so
// joins still work and report "nothing reported yet"; the next lease of that reader retries
// the real file, so a relay.db created later is picked up without a restart.
namespace ccc::relay::directory::detail {

Ms NowMs();

// One SQLite connection with a per-connection cache of prepared statements.
// Used by one thread at a time (the holder of its lease, or the writer mutex).
class Connection {
 public:
  explicit Connection(sqlite::Database db) : db_(std::move(db)) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite::Database& db() { return db_; }

  // The statement for `sql`, prepared on first use and kept for the connection's lifetime;
  // returned reset with bindings cleared. The pointer stays valid while the connection
  // lives. The text must not embed request data (bind it), so the cache stays small. Do not hold
  // two statements of the same text at once (the second call resets the first): use db().Prepare()
  // for such nesting.
  Result<sqlite::Statement*> Cached(std::string_view sql);

  // Resets every cached statement, ending any read transaction they hold open (an open
  // read keeps the WAL from being checkpointed). Called when a lease ends.
  void ResetStatements();

  // True while "ingest" is the in-memory stand-in (relay.db missing when last tried).
  bool ingest_fallback = false;

 private:
  sqlite::Database db_;
  std::unordered_map<std::string, sqlite::Statement> statements_;
};

// ATTACHes `ingest_path` read-only AS ingest on `connection` (detaching a previous one),
// or the in-memory stand-in when the file or its devices table does not exist (also when
// ingest_path is empty). Sets connection.ingest_fallback accordingly.
Status AttachIngest(Connection& connection, const std::string& ingest_path);

// The single integer `sql` (a count) answers with the bindings `bind` sets; 0 without a row.
Result<int64_t> CountRows(Connection& c, const std::string& sql,
                          const std::function<void(sqlite::Statement&)>& bind);

// Writes one audit_log row. Call it inside a Storage::Write body, on that body's database, so
// the row commits or rolls back with the change it describes. `details_json` must be a JSON
// object ("{}" when there is nothing to add) and must never hold secrets or hashes.
Status AppendAuditRow(sqlite::Database& db, const Actor& actor, std::string_view action,
                      std::string_view target_type, std::string_view target_id,
                      std::string_view details_json, Ms ts);

// `q` as a substring LIKE pattern ("%q%") with '\', '%' and '_' escaped; use it as
// `column LIKE ?n ESCAPE '\'`. SQLite's LIKE ignores case for ASCII letters only.
std::string LikePattern(std::string_view q);

// One accepted sort key of a list and the SQL expression it orders by. Expressions are
// written by us (never taken from the request), so the ORDER BY text is safe to splice.
struct SortKey {
  std::string_view key;
  std::string_view expression;
};

// " ORDER BY <expression> ASC|DESC, <tiebreak> ASC|DESC" for query.sort ("" = keys[0]).
// The tiebreak (e.g. "u.id") makes paging stable; it follows the same direction.
// `default_descending` applies when query.sort is "" (e.g. the audit log's newest first);
// otherwise query.descending decides. Unknown key: kInvalidArgument.
Result<std::string> OrderBy(const ListQuery& query, std::span<const SortKey> keys,
                            std::string_view tiebreak, bool default_descending = false);

// limit 1..1000, offset >= 0, else kInvalidArgument.
Status ValidatePaging(const ListQuery& query);

// The compact JSON text of an audit row's details.
inline std::string Json(const boost::json::object& object) {
  return boost::json::serialize(object);
}

// The audit row of a change belongs to the company it concerns; the operator's Actor
// (admin CLI) has no company of its own, so it gets `company_id`.
inline Actor InCompany(const Actor& actor, int64_t company_id) {
  Actor scoped = actor;
  if (!scoped.company_id.has_value()) scoped.company_id = company_id;
  return scoped;
}

// Steps `stmt` once: the row read with `read`, nullopt when there is none.
template <typename T>
Result<std::optional<T>> ReadOne(sqlite::Statement& stmt, T (*read)(const sqlite::Statement&)) {
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<T>();
  return std::optional<T>(read(stmt));
}

// Steps `stmt` to the end, reading every row with `read`.
template <typename T>
Result<std::vector<T>> ReadAll(sqlite::Statement& stmt, T (*read)(const sqlite::Statement&)) {
  std::vector<T> rows;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return rows;
    rows.push_back(read(stmt));
  }
}

// Reads a page whose statement ends in "count(*) OVER ()" as column `total_col`; when the
// page is past the end, `count` (same bindings) supplies the total.
template <typename T>
Result<Page<T>> ReadPage(sqlite::Statement& stmt, int total_col,
                         T (*read)(const sqlite::Statement&), const ListQuery& query,
                         const std::function<Result<int64_t>()>& count) {
  Page<T> page;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    page.items.push_back(read(stmt));
    page.total = stmt.ColumnInt(total_col);
  }
  if (page.items.empty() && query.offset > 0) {
    Result<int64_t> total = count();
    if (!total.ok()) return total.status();
    page.total = *total;
  }
  return page;
}

inline std::optional<int64_t> OptionalInt(const sqlite::Statement& stmt, int col) {
  if (stmt.ColumnIsNull(col)) return std::nullopt;
  return stmt.ColumnInt(col);
}

inline std::optional<std::string> OptionalText(const sqlite::Statement& stmt, int col) {
  if (stmt.ColumnIsNull(col)) return std::nullopt;
  return stmt.ColumnText(col);
}

inline void BindOptional(sqlite::Statement& stmt, int index, const std::optional<int64_t>& v) {
  if (v) {
    stmt.Bind(index, *v);
  } else {
    stmt.BindNull(index);
  }
}

// The audit log's rows, for the audit list and the event hub's feed alike.
inline constexpr std::string_view kAuditSelect =
    "SELECT id, ts_ms, company_id, actor_user_id, actor, address, action, target_type,"
    " target_id, details_json FROM audit_log";

inline AuditEntry ReadAuditEntry(const sqlite::Statement& stmt) {
  AuditEntry entry;
  entry.id = stmt.ColumnInt(0);
  entry.ts_ms = stmt.ColumnInt(1);
  entry.company_id = OptionalInt(stmt, 2);
  entry.actor_user_id = OptionalInt(stmt, 3);
  entry.actor = stmt.ColumnText(4);
  entry.address = stmt.ColumnText(5);
  entry.action = stmt.ColumnText(6);
  entry.target_type = stmt.ColumnText(7);
  entry.target_id = stmt.ColumnText(8);
  entry.details_json = stmt.ColumnText(9);
  return entry;
}

inline void BindOptional(sqlite::Statement& stmt, int index, const std::optional<std::string>& v) {
  if (v) {
    stmt.Bind(index, std::string_view(*v));
  } else {
    stmt.BindNull(index);
  }
}

// The connections and transaction helpers. A public type (Directory::Impl, which is
// private to Directory, derives from it) so that free helper functions in the .cc files
// can take a `Storage&`; inside Directory methods pass `*impl_`.
struct Storage {
  // Exclusive use of one reader connection; returns it to the pool when destroyed (after
  // resetting its cached statements). Must not outlive the Storage.
  class ReaderLease {
   public:
    ReaderLease(Storage* storage, Connection* connection)
        : storage_(storage), connection_(connection) {}
    ReaderLease(ReaderLease&& other) noexcept
        : storage_(std::exchange(other.storage_, nullptr)),
          connection_(std::exchange(other.connection_, nullptr)) {}
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    ReaderLease& operator=(ReaderLease&&) = delete;
    ~ReaderLease();

    Connection& connection() { return *connection_; }
    Connection* operator->() { return connection_; }
    sqlite::Database& db() { return connection_->db(); }

   private:
    Storage* storage_;
    Connection* connection_;
  };

  Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  // Opens the writer (creating and migrating directory.db) and the readers.
  Status Init(const DirectoryOptions& directory_options);

  // Blocks until a reader is free (readers are held only for the duration of one query
  // method, so the wait is short). Never take a second lease while holding one: with the
  // pool exhausted by such holders, nobody returns a reader.
  ReaderLease Reader();

  // Runs `body` on a reader inside one read transaction, so several statements (e.g. a
  // page and its total) see the same snapshot.
  template <typename T>
  Result<T> Read(const std::function<Result<T>(Connection&)>& body) {
    ReaderLease lease = Reader();
    Status begin = lease.db().Exec("BEGIN");
    if (!begin.ok()) return begin;
    Result<T> result = body(lease.connection());
    lease->ResetStatements();
    Status end = lease.db().Exec(result.ok() ? "COMMIT" : "ROLLBACK");
    if (!result.ok()) return result;
    if (!end.ok()) return end;
    return result;
  }

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT on the writer, holding the writer mutex.
  // Commits only when body returns OK; otherwise everything it did (audit rows included)
  // is rolled back and body's Status returned. Bodies use only the database they are given:
  // calling a Directory method that writes from inside one deadlocks (the mutex is not
  // recursive), and readers do not see the uncommitted change.
  Status Write(const std::function<Status(sqlite::Database&)>& body);

  // The same, for bodies that produce a value (e.g. a new row id): Write<int64_t>(...).
  template <typename T>
  Result<T> Write(const std::function<Result<T>(sqlite::Database&)>& body) {
    std::lock_guard<std::mutex> lock(writer_mu);
    Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(writer);
    if (!txn.ok()) return txn.status();
    Result<T> result = body(writer);
    if (!result.ok()) return result;
    Status commit = txn->Commit();
    if (!commit.ok()) return commit;
    return result;
  }

  DirectoryOptions options;

  std::mutex writer_mu;
  sqlite::Database writer;  // guarded by writer_mu

  std::mutex readers_mu;
  std::condition_variable readers_cv;
  std::vector<std::unique_ptr<Connection>> readers;  // all, owned
  std::vector<Connection*> free_readers;             // guarded by readers_mu

  // ListVisibleSystems' in-memory index (created by Init).
  std::unique_ptr<SystemListIndex> list_index;
};

}  // namespace ccc::relay::directory::detail

namespace ccc::relay::directory {

struct Directory::Impl : detail::Storage {};

}  // namespace ccc::relay::directory
