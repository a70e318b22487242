#include "relay/events/registration_watch.h"

#include <utility>

namespace ccc::relay::events {
namespace {

// data_version moves whenever another connection commits to the file; this connection only
// reads, so it never moves it itself.
constexpr std::string_view kDataVersion = "PRAGMA data_version";
constexpr std::string_view kReadAll =
    "SELECT device, changed_ms FROM registration_state WHERE changed_ms IS NOT NULL";

// Resets a statement when leaving the scope, so that no read transaction stays open on the
// WAL (it would keep the store's checkpoints from finishing).
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite::Statement& stmt) : stmt_(stmt) {}
  ~ResetOnExit() { stmt_.Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite::Statement& stmt_;
};

}  // namespace

RegistrationWatch::RegistrationWatch(std::string ingest_path) : path_(std::move(ingest_path)) {}

Status RegistrationWatch::Open() {
  if (db_) return Status::Ok();
  sqlite::OpenOptions options;
  options.read_only = true;
  options.create = false;
  options.cache_kib = 256;  // reads one small table
  Result<sqlite::Database> db = sqlite::Database::Open(path_, options);
  if (!db.ok()) return db.status();
  Result<sqlite::Statement> data_version = db->Prepare(kDataVersion);
  if (!data_version.ok()) return data_version.status();
  Result<sqlite::Statement> read_all = db->Prepare(kReadAll);
  if (!read_all.ok()) return read_all.status();
  data_version_ = std::move(*data_version);
  read_all_ = std::move(*read_all);
  db_ = std::move(*db);
  last_data_version_.reset();
  return Status::Ok();
}

void RegistrationWatch::Close() {
  // Statements first: they belong to the connection.
  data_version_ = sqlite::Statement();
  read_all_ = sqlite::Statement();
  db_.reset();
  last_data_version_.reset();
}

Result<bool> RegistrationWatch::Committed() {
  ResetOnExit reset(data_version_);
  Result<bool> row = data_version_.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Internal("PRAGMA data_version returned no row");
  const int64_t version = data_version_.ColumnInt(0);
  return std::exchange(last_data_version_, version) != version;
}

Result<std::unordered_map<std::string, int64_t>> RegistrationWatch::ReadAll() {
  ResetOnExit reset(read_all_);
  std::unordered_map<std::string, int64_t> rows;
  for (;;) {
    Result<bool> row = read_all_.Step();
    if (!row.ok()) return row.status();
    if (!*row) return rows;
    rows.emplace(read_all_.ColumnText(0), read_all_.ColumnInt(1));
  }
}

Status RegistrationWatch::Baseline() {
  if (Status opened = Open(); !opened.ok()) return opened;
  // Moves data_version on, so the next Changed() reads only after a later commit.
  Result<bool> committed = Committed();
  if (!committed.ok()) {
    Close();
    return committed.status();
  }
  Result<std::unordered_map<std::string, int64_t>> rows = ReadAll();
  if (!rows.ok()) {
    Close();
    return rows.status();
  }
  seen_ = std::move(*rows);
  return Status::Ok();
}

Result<std::vector<std::string>> RegistrationWatch::Changed() {
  if (!seen_) {
    if (Status status = Baseline(); !status.ok()) return status;
    return std::vector<std::string>();
  }
  if (Status opened = Open(); !opened.ok()) return opened;
  Result<bool> committed = Committed();
  if (!committed.ok()) {
    Close();
    return committed.status();
  }
  if (!*committed) return std::vector<std::string>();
  Result<std::unordered_map<std::string, int64_t>> rows = ReadAll();
  if (!rows.ok()) {
    // data_version already moved on: read again next time instead of trusting it.
    Close();
    return rows.status();
  }
  std::vector<std::string> changed;
  for (const auto& [device, changed_ms] : *rows) {
    auto before = seen_->find(device);
    if (before == seen_->end() || before->second != changed_ms) changed.push_back(device);
  }
  // Rows that vanished (device removed) are forgotten with the rest of the old map.
  seen_ = std::move(*rows);
  return changed;
}

}  // namespace ccc::relay::events
