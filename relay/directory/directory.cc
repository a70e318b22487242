#include "relay/directory/directory.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>

#include "common/sqlite/migrations.h"
#include "relay/directory/directory_impl.h"
#include "relay/directory/directory_schema.h"

namespace ccc::relay::directory {
namespace detail {
namespace {

constexpr int64_t kMaxLimit = 1000;

// The stand-in has the columns of the ingest store's devices table (relay/store/sqlite),
// so every join the directory writes against relay.db also prepares against it.
constexpr std::string_view kIngestFallbackSchema = R"sql(
CREATE TABLE ingest.devices(
  id TEXT PRIMARY KEY NOT NULL,
  registered_ms INTEGER NOT NULL,
  online INTEGER NOT NULL DEFAULT 0,
  last_seen_ms INTEGER,
  sysinfo_json TEXT NOT NULL DEFAULT '{}',
  sysinfo_ts_ms INTEGER
);
)sql";

// A file name as an SQLite URI ("file:" + percent-encoded path), so that '?', '#' and '%'
// in a data directory cannot be read as URI syntax.
std::string FileUri(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file:";
  for (const unsigned char c : path) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      uri.push_back(static_cast<char>(c));
    } else {
      uri.push_back('%');
      uri.push_back(kHex[c >> 4]);
      uri.push_back(kHex[c & 0x0f]);
    }
  }
  return uri;
}

// SQL string literal: single quotes doubled.
std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  out.push_back('\'');
  return out;
}

Result<bool> IngestHasDevices(sqlite::Database& db) {
  Result<sqlite::Statement> stmt =
      db.Prepare("SELECT 1 FROM ingest.sqlite_master WHERE type = 'table' AND name = 'devices'");
  if (!stmt.ok()) return stmt.status();
  return stmt->Step();
}

}  // namespace

Ms NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<sqlite::Statement*> Connection::Cached(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it == statements_.end()) {
    Result<sqlite::Statement> stmt = db_.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    it = statements_.emplace(std::string(sql), std::move(stmt).value()).first;
  } else {
    it->second.Reset();
  }
  return &it->second;
}

void Connection::ResetStatements() {
  for (auto& [sql, stmt] : statements_) stmt.Reset();
}

Status AttachIngest(Connection& connection, const std::string& ingest_path) {
  sqlite::Database& db = connection.db();
  Result<sqlite::Statement> attached =
      db.Prepare("SELECT 1 FROM pragma_database_list WHERE name = 'ingest'");
  if (!attached.ok()) return attached.status();
  Result<bool> is_attached = attached->Step();
  if (!is_attached.ok()) return is_attached.status();
  attached->Reset();
  if (*is_attached) {
    connection.ResetStatements();
    CCC_RETURN_IF_ERROR(db.Exec("DETACH DATABASE ingest"));
  }

  std::error_code ec;
  if (!ingest_path.empty() && std::filesystem::exists(ingest_path, ec)) {
    Status status =
        db.Exec("ATTACH DATABASE " + Quoted(FileUri(ingest_path) + "?mode=ro") + " AS ingest");
    if (status.ok()) {
      Result<bool> has_devices = IngestHasDevices(db);
      if (has_devices.ok() && *has_devices) {
        connection.ingest_fallback = false;
        return Status::Ok();
      }
      // relay.db exists but the store has not created its schema yet.
      CCC_RETURN_IF_ERROR(db.Exec("DETACH DATABASE ingest"));
    } else {
      spdlog::warn("directory: cannot attach ingest database {}: {}", ingest_path,
                   status.ToString());
    }
  }
  // mode=memory: a private, writable in-memory database even on a read-only connection.
  CCC_RETURN_IF_ERROR(db.Exec("ATTACH DATABASE 'file:ccc-ingest-standin?mode=memory' AS ingest"));
  CCC_RETURN_IF_ERROR(db.Exec(kIngestFallbackSchema));
  connection.ingest_fallback = true;
  return Status::Ok();
}

Status AppendAuditRow(sqlite::Database& db, const Actor& actor, std::string_view action,
                      std::string_view target_type, std::string_view target_id,
                      std::string_view details_json, Ms ts) {
  Result<sqlite::Statement> stmt = db.Prepare(
      "INSERT INTO audit_log(ts_ms, company_id, actor_user_id, actor, address, action,"
      " target_type, target_id, details_json) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, ts);
  BindOptional(*stmt, 2, actor.company_id);
  BindOptional(*stmt, 3, actor.user_id);
  stmt->Bind(4, std::string_view(actor.label));
  stmt->Bind(5, std::string_view(actor.address));
  stmt->Bind(6, action);
  stmt->Bind(7, target_type);
  stmt->Bind(8, target_id);
  stmt->Bind(9, details_json.empty() ? std::string_view("{}") : details_json);
  return stmt->Run();
}

std::string LikePattern(std::string_view q) {
  std::string pattern = "%";
  for (const char c : q) {
    if (c == '\\' || c == '%' || c == '_') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

Result<std::string> OrderBy(const ListQuery& query, std::span<const SortKey> keys,
                            std::string_view tiebreak, bool default_descending) {
  if (keys.empty()) return Internal("list without sort keys");
  const SortKey* key = &keys.front();
  bool descending = query.descending;
  if (query.sort.empty()) {
    descending = default_descending;
  } else {
    auto it = std::find_if(keys.begin(), keys.end(),
                           [&](const SortKey& k) { return k.key == query.sort; });
    if (it == keys.end()) return InvalidArgument("unknown sort key \"" + query.sort + "\"");
    key = &*it;
  }
  const std::string_view direction = descending ? " DESC" : " ASC";
  std::string clause = " ORDER BY ";
  clause.append(key->expression).append(direction);
  if (!tiebreak.empty()) clause.append(", ").append(tiebreak).append(direction);
  return clause;
}

Status ValidatePaging(const ListQuery& query) {
  if (query.limit < 1 || query.limit > kMaxLimit) {
    return InvalidArgument("limit must be 1.." + std::to_string(kMaxLimit));
  }
  if (query.offset < 0) return InvalidArgument("offset must not be negative");
  return Status::Ok();
}

Result<int64_t> CountRows(Connection& c, const std::string& sql,
                          const std::function<void(sqlite::Statement&)>& bind) {
  Result<sqlite::Statement*> stmt = c.Cached(sql);
  if (!stmt.ok()) return stmt.status();
  bind(**stmt);
  Result<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  return *row ? (*stmt)->ColumnInt(0) : int64_t{0};
}

Storage::ReaderLease::~ReaderLease() {
  if (storage_ == nullptr || connection_ == nullptr) return;
  connection_->ResetStatements();
  // A read transaction left open (a failed COMMIT) would make the next BEGIN fail forever.
  if (sqlite3_get_autocommit(connection_->db().get()) == 0) {
    (void)connection_->db().Exec("ROLLBACK");
  }
  {
    std::lock_guard<std::mutex> lock(storage_->readers_mu);
    storage_->free_readers.push_back(connection_);
  }
  storage_->readers_cv.notify_one();
}

Status Storage::Init(const DirectoryOptions& directory_options) {
  options = directory_options;
  sqlite::OpenOptions writer_options;
  writer_options.synchronous_full = options.synchronous_full;
  Result<sqlite::Database> opened = sqlite::Database::Open(options.path, writer_options);
  if (!opened.ok()) return opened.status();
  writer = std::move(opened).value();
  Result<int64_t> migrated =
      sqlite::ApplyMigrations(writer, sql::kMigrations, "directory database");
  if (!migrated.ok()) return migrated.status();

  list_index = std::make_unique<SystemListIndex>(options.path);

  const int reader_count = std::max(1, options.reader_connections);
  sqlite::OpenOptions reader_options;
  reader_options.read_only = true;
  for (int i = 0; i < reader_count; ++i) {
    Result<sqlite::Database> db = sqlite::Database::Open(options.path, reader_options);
    if (!db.ok()) return db.status();
    auto connection = std::make_unique<Connection>(std::move(db).value());
    CCC_RETURN_IF_ERROR(AttachIngest(*connection, options.ingest_path));
    free_readers.push_back(connection.get());
    readers.push_back(std::move(connection));
  }
  return Status::Ok();
}

Storage::ReaderLease Storage::Reader() {
  Connection* connection = nullptr;
  {
    std::unique_lock<std::mutex> lock(readers_mu);
    readers_cv.wait(lock, [this] { return !free_readers.empty(); });
    connection = free_readers.back();
    free_readers.pop_back();
  }
  if (connection->ingest_fallback && !options.ingest_path.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(options.ingest_path, ec)) {
      Status status = AttachIngest(*connection, options.ingest_path);
      if (!status.ok()) {
        spdlog::warn("directory: re-attaching ingest database failed: {}", status.ToString());
      }
    }
  }
  return ReaderLease(this, connection);
}

Status Storage::Write(const std::function<Status(sqlite::Database&)>& body) {
  std::lock_guard<std::mutex> lock(writer_mu);
  Result<sqlite::Transaction> txn = sqlite::Transaction::Begin(writer);
  if (!txn.ok()) return txn.status();
  CCC_RETURN_IF_ERROR(body(writer));
  CCC_RETURN_IF_ERROR(txn->Commit());
  return Status::Ok();
}

}  // namespace detail

Directory::Directory(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Directory::~Directory() = default;

Result<std::unique_ptr<Directory>> Directory::Open(const DirectoryOptions& options) {
  auto impl = std::make_unique<Impl>();
  CCC_RETURN_IF_ERROR(impl->Init(options));
  return std::unique_ptr<Directory>(new Directory(std::move(impl)));
}

bool Directory::Healthy() {
  Result<bool> answered = impl_->Read<bool>([](detail::Connection& c) -> Result<bool> {
    Result<sqlite::Statement*> stmt = c.Cached("SELECT count(*) FROM ingest.devices WHERE 0");
    if (!stmt.ok()) return stmt.status();
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    Result<sqlite::Statement*> own = c.Cached("SELECT 1 FROM companies LIMIT 1");
    if (!own.ok()) return own.status();
    Result<bool> own_row = (*own)->Step();
    if (!own_row.ok()) return own_row.status();
    return true;
  });
  if (!answered.ok()) {
    spdlog::warn("directory: health check failed: {}", answered.status().ToString());
    return false;
  }
  return true;
}

}  // namespace ccc::relay::directory
