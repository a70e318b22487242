#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status/status.h"

namespace ccc::sqlite {

// A prepared statement. Bind indexes start at 1, column indexes at 0 (as in SQLite).
// Not thread-safe; belongs to the connection's thread.
class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);  // copied by SQLite
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);

  // SQLITE_ROW -> true, SQLITE_DONE -> false, anything else -> error.
  Result<bool> Step();
  // Runs to completion, ignoring rows.
  Status Run();
  // Resets for re-use and clears bindings.
  void Reset();

  int64_t ColumnInt(int col) const;
  double ColumnDouble(int col) const;
  std::string ColumnText(int col) const;
  std::string_view ColumnTextView(int col) const;  // valid until the next Step/Reset
  bool ColumnIsNull(int col) const;

  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

struct OpenOptions {
  bool read_only = false;
  bool create = true;
  bool wal = true;
  bool synchronous_full = true;  // FULL: every commit is durable across power loss
  int busy_timeout_ms = 5000;
  int cache_kib = 2048;  // page cache per connection; the agent keeps this small
};

// One SQLite connection. Errors carry the file name and SQLite's message. Codes:
// kAlreadyExists for UNIQUE/PRIMARY KEY violations; kInvalidArgument for SQL mistakes and
// other constraint failures; kResourceExhausted for a full disk; kUnavailable for
// busy/locked; kNotFound for opening a missing file without create (or read-only);
// kInternal for API misuse; kDataLoss for I/O errors and corruption.
class Database {
 public:
  static Result<Database> Open(const std::string& path, const OpenOptions& options = {});
  Database() = default;
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Status Exec(std::string_view sql);  // one or more statements, no results
  Result<Statement> Prepare(std::string_view sql);
  int64_t LastInsertRowId() const;
  int Changes() const;
  const std::string& path() const { return path_; }
  sqlite3* get() const { return db_; }

  // Maps a SQLite result code to a Status naming the file and the operation.
  Status Error(int rc, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;
};

}  // namespace ccc::sqlite
