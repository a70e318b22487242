#include "common/sqlite/sqlite_db.h"

#include <utility>

namespace ccc::sqlite {
namespace {

// One mapping for every failure path, so that a unique-key violation is kAlreadyExists
// whether it came from Exec or from a prepared statement. Only UNIQUE/PRIMARY KEY are
// kAlreadyExists: callers treat that code as "duplicate, already stored", which would be
// wrong for NOT NULL, CHECK or FOREIGN KEY failures.
Status StatusFor(int rc, std::string message) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return Status(StatusCode::kAlreadyExists, std::move(message));
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_ERROR:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
      return InvalidArgument(std::move(message));
    case SQLITE_FULL:
      return ResourceExhausted(std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(std::move(message));
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      return Internal(std::move(message));
    default:
      return DataLoss(std::move(message));
  }
}

// sqlite3_db_filename may return NULL for temporary and in-memory databases.
std::string FileNameOf(sqlite3* db) {
  const char* name = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  return name != nullptr && *name != '\0' ? name : ":memory:";
}

}  // namespace

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::Step() {
  if (stmt_ == nullptr) return Internal("sqlite step on an empty statement");
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  return StatusFor(
      rc, std::string("sqlite step failed: ") + sqlite3_errmsg(db) + " (" + FileNameOf(db) + ")");
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::ColumnDouble(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::ColumnText(int col) const { return std::string(ColumnTextView(col)); }
std::string_view Statement::ColumnTextView(int col) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  const int size = sqlite3_column_bytes(stmt_, col);
  if (data == nullptr) return {};
  return {data, static_cast<size_t>(size)};
}
bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

Result<Database> Database::Open(const std::string& path, const OpenOptions& options) {
  Database db;
  db.path_ = path;
  int flags = SQLITE_OPEN_NOMUTEX;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (options.create) flags |= SQLITE_OPEN_CREATE;
  }
  const int rc = sqlite3_open_v2(path.c_str(), &db.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    if ((options.read_only || !options.create) && (rc & 0xff) == SQLITE_CANTOPEN) {
      return NotFound("cannot open database " + path);
    }
    return db.Error(rc, "open");
  }
  sqlite3_extended_result_codes(db.db_, 1);
  sqlite3_busy_timeout(db.db_, options.busy_timeout_ms);
  std::string pragmas =
      "PRAGMA foreign_keys=ON; PRAGMA cache_size=-" + std::to_string(options.cache_kib) + ";";
  if (!options.read_only) {
    if (options.wal) pragmas += "PRAGMA journal_mode=WAL;";
    pragmas += options.synchronous_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
  }
  CCC_RETURN_IF_ERROR(db.Exec(pragmas));
  return db;
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

Database::~Database() { sqlite3_close_v2(db_); }

Status Database::Exec(std::string_view sql) {
  char* error = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  sqlite3_free(error);
  return Error(rc, "exec");
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return InvalidArgument("cannot prepare SQL on " + path_ + ": " + sqlite3_errmsg(db_));
  }
  // SQLite returns no statement (and SQLITE_OK) for text that is only whitespace/comments.
  if (stmt == nullptr) return InvalidArgument("cannot prepare SQL on " + path_ + ": no statement");
  return Statement(stmt);
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }

Status Database::Error(int rc, std::string_view what) const {
  std::string message = "sqlite " + std::string(what) + " failed on " + path_ + ": " +
                        (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  return StatusFor(rc, std::move(message));
}

Result<Transaction> Transaction::Begin(Database& db) {
  CCC_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (db_ == nullptr) return Internal("transaction already committed");
  Status status = db_->Exec("COMMIT");
  if (status.ok()) db_ = nullptr;
  return status;
}

}  // namespace ccc::sqlite
