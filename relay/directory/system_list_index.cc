#include "relay/directory/system_list_index.h"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <utility>

namespace ccc::relay::directory {
namespace {

std::atomic<bool> index_enabled{true};

enum class SortBy { kName, kSerial, kCreated, kFirstRegistration, kLastSeen, kState };

Result<SortBy> ParseSort(const std::string& sort) {
  if (sort.empty() || sort == "name") return SortBy::kName;
  if (sort == "serial") return SortBy::kSerial;
  if (sort == "created") return SortBy::kCreated;
  if (sort == "first_registration") return SortBy::kFirstRegistration;
  if (sort == "last_seen") return SortBy::kLastSeen;
  if (sort == "state") return SortBy::kState;
  return InvalidArgument("unknown sort key \"" + sort + "\"");
}

// SQLite's NOCASE and LIKE fold ASCII letters only.
std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Every system of the company with its sort keys; the current code's expiry is the one
// the A7 state order uses (latest unused, unvoided code by created_ms, code).
constexpr std::string_view kSystemsSql = R"sql(
SELECT s.id, s.owner_user_id, s.name, s.serial, s.created_ms, s.first_registration_ms,
       s.paired,
       (SELECT c.expires_ms FROM pairing_codes c
        WHERE c.system_id = s.id AND c.used_ms IS NULL AND c.voided_ms IS NULL
        ORDER BY c.created_ms DESC, c.code DESC LIMIT 1),
       d.last_seen_ms
FROM systems s LEFT JOIN ingest.devices d ON d.id = s.serial
WHERE s.company_id = ?1
)sql";

// (user, system) for every path other than ownership, as in the SQL path's visibility.
constexpr std::string_view kPathsSql = R"sql(
SELECT a.user_id, a.system_id FROM authorisations a
JOIN systems s ON s.id = a.system_id AND s.company_id = ?1
WHERE a.roles & 30 != 0
UNION
SELECT gm.user_id, gs.system_id FROM group_members gm
JOIN groups g ON g.id = gm.group_id AND g.company_id = ?1
JOIN group_systems gs ON gs.group_id = gm.group_id
JOIN systems s ON s.id = gs.system_id AND s.company_id = ?1
WHERE coalesce(gm.role, g.default_role) BETWEEN 1 AND 4
)sql";

constexpr std::string_view kUsersSql = "SELECT id FROM users WHERE company_id = ?1";

constexpr std::string_view kLastSeenSql = R"sql(
SELECT s.id, d.last_seen_ms FROM systems s JOIN ingest.devices d ON d.id = s.serial
WHERE s.company_id = ?1
)sql";

// Visible-index caches per snapshot stay bounded.
constexpr size_t kMaxCachedUsers = 4096;

}  // namespace

void SetSystemListIndexEnabled(bool enabled) { index_enabled.store(enabled); }
bool SystemListIndexEnabled() { return index_enabled.load(); }

namespace detail {

// Immutable after Build, except the per-user cache (own mutex).
struct SystemListIndex::Snapshot {
  uint64_t epoch = 0;
  std::vector<int64_t> id;
  std::vector<std::string> name_lower;
  std::vector<std::string> serial;
  std::vector<std::string> serial_lower;
  std::vector<int64_t> created_ms;
  std::vector<std::optional<int64_t>> first_registration_ms;
  std::vector<bool> paired;
  std::vector<std::optional<int64_t>> code_expires_ms;
  std::unordered_map<int64_t, uint32_t> index_of;  // system id -> row
  // (user, row) for owners and every authorisation/group path, sorted by user.
  std::vector<std::pair<int64_t, uint32_t>> paths;
  std::vector<int64_t> users;  // the company's users, sorted

  mutable std::mutex visible_mu;
  mutable std::unordered_map<int64_t, std::shared_ptr<const std::vector<uint32_t>>> visible;

  // Sorted distinct rows user_id reaches; empty when the user is not in the company.
  std::shared_ptr<const std::vector<uint32_t>> VisibleTo(int64_t user_id) const {
    {
      std::lock_guard<std::mutex> lock(visible_mu);
      auto it = visible.find(user_id);
      if (it != visible.end()) return it->second;
    }
    auto rows = std::make_shared<std::vector<uint32_t>>();
    if (std::binary_search(users.begin(), users.end(), user_id)) {
      auto range =
          std::equal_range(paths.begin(), paths.end(), std::pair<int64_t, uint32_t>(user_id, 0),
                           [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto it = range.first; it != range.second; ++it) rows->push_back(it->second);
      std::sort(rows->begin(), rows->end());
      rows->erase(std::unique(rows->begin(), rows->end()), rows->end());
    }
    std::lock_guard<std::mutex> lock(visible_mu);
    if (visible.size() >= kMaxCachedUsers) visible.clear();
    visible.emplace(user_id, rows);
    return rows;
  }
};

// last_seen_ms per snapshot row.
struct SystemListIndex::LastSeen {
  std::vector<std::optional<int64_t>> ms;
  int64_t read_at_steady_ms = 0;
};

struct SystemListIndex::Company {
  std::mutex build_mu;  // one rebuild / ingest refresh at a time
  std::mutex mu;        // guards the two pointers
  std::shared_ptr<const Snapshot> snapshot;
  std::shared_ptr<const LastSeen> last_seen;
};

namespace {

// Runs `sql` (one parameter: the company id) and calls on_row for every row.
template <typename OnRow>
Status ForEachRow(sqlite::Database& db, std::string_view sql, int64_t company_id, OnRow on_row) {
  Result<sqlite::Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, company_id);
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    on_row(*stmt);
  }
}

Result<std::shared_ptr<SystemListIndex::Snapshot>> Build(sqlite::Database& db, int64_t company_id,
                                                         uint64_t epoch,
                                                         SystemListIndex::LastSeen& last_seen) {
  auto snap = std::make_shared<SystemListIndex::Snapshot>();
  snap->epoch = epoch;
  std::vector<int64_t> owners;
  Status systems = ForEachRow(db, kSystemsSql, company_id, [&](const sqlite::Statement& row) {
    const auto opt = [&](int col) -> std::optional<int64_t> {
      if (row.ColumnIsNull(col)) return std::nullopt;
      return row.ColumnInt(col);
    };
    snap->index_of.emplace(row.ColumnInt(0), static_cast<uint32_t>(snap->id.size()));
    snap->id.push_back(row.ColumnInt(0));
    owners.push_back(row.ColumnInt(1));
    snap->name_lower.push_back(AsciiLower(row.ColumnTextView(2)));
    snap->serial.push_back(row.ColumnText(3));
    snap->serial_lower.push_back(AsciiLower(snap->serial.back()));
    snap->created_ms.push_back(row.ColumnInt(4));
    snap->first_registration_ms.push_back(opt(5));
    snap->paired.push_back(row.ColumnInt(6) != 0);
    snap->code_expires_ms.push_back(opt(7));
    last_seen.ms.push_back(opt(8));
  });
  if (!systems.ok()) return systems;
  for (uint32_t row = 0; row < owners.size(); ++row) snap->paths.emplace_back(owners[row], row);
  Status paths = ForEachRow(db, kPathsSql, company_id, [&](const sqlite::Statement& row) {
    auto it = snap->index_of.find(row.ColumnInt(1));
    if (it != snap->index_of.end()) snap->paths.emplace_back(row.ColumnInt(0), it->second);
  });
  if (!paths.ok()) return paths;
  std::sort(snap->paths.begin(), snap->paths.end());
  Status users = ForEachRow(db, kUsersSql, company_id, [&](const sqlite::Statement& row) {
    snap->users.push_back(row.ColumnInt(0));
  });
  if (!users.ok()) return users;
  std::sort(snap->users.begin(), snap->users.end());
  return snap;
}

Result<std::shared_ptr<SystemListIndex::LastSeen>> ReadLastSeen(
    sqlite::Database& db, int64_t company_id, const SystemListIndex::Snapshot& snap) {
  auto last_seen = std::make_shared<SystemListIndex::LastSeen>();
  last_seen->ms.resize(snap.id.size());
  Status read = ForEachRow(db, kLastSeenSql, company_id, [&](const sqlite::Statement& row) {
    auto it = snap.index_of.find(row.ColumnInt(0));
    if (it == snap.index_of.end() || row.ColumnIsNull(1)) return;
    last_seen->ms[it->second] = row.ColumnInt(1);
  });
  if (!read.ok()) return read;
  last_seen->read_at_steady_ms = SteadyMs();
  return last_seen;
}

// -1, 0, 1.
template <typename T>
int Compare(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

SystemListIndex::SystemListIndex(std::string directory_path)
    : directory_path_(std::move(directory_path)) {}

SystemListIndex::~SystemListIndex() = default;

Result<uint64_t> SystemListIndex::CurrentEpoch() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!version_db_.has_value()) {
    sqlite::OpenOptions options;
    options.read_only = true;
    Result<sqlite::Database> db = sqlite::Database::Open(directory_path_, options);
    if (!db.ok()) return db.status();
    version_db_.emplace(std::move(db).value());
  }
  // Bumped by triggers (directory_schema.h, version 4) in the transaction of every change
  // that can alter a list, by any writer; read outside a transaction, so it is the latest
  // committed value.
  Result<sqlite::Statement> stmt = version_db_->Prepare(
      "SELECT CAST(value AS INTEGER) FROM operator_settings WHERE key = 'list_generation'");
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  const int64_t generation = *row ? stmt->ColumnInt(0) : 0;
  if (generation != last_list_generation_) {
    ++epoch_;
    last_list_generation_ = generation;
  }
  return epoch_;
}

std::shared_ptr<SystemListIndex::Company> SystemListIndex::CompanyFor(int64_t company_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::shared_ptr<Company>& company = companies_[company_id];
  if (!company) company = std::make_shared<Company>();
  return company;
}

Result<SystemListIndex::PageIds> SystemListIndex::Query(sqlite::Database& db, int64_t user_id,
                                                        int64_t company_id, const ListQuery& query,
                                                        Ms now) {
  Result<SortBy> sort = ParseSort(query.sort);
  if (!sort.ok()) return sort.status();
  const bool descending = !query.sort.empty() && query.descending;
  Result<uint64_t> epoch = CurrentEpoch();
  if (!epoch.ok()) return epoch.status();
  std::shared_ptr<Company> company = CompanyFor(company_id);

  std::shared_ptr<const Snapshot> snap;
  std::shared_ptr<const LastSeen> last_seen;
  {
    std::lock_guard<std::mutex> lock(company->mu);
    snap = company->snapshot;
    last_seen = company->last_seen;
  }
  if (!snap || snap->epoch < *epoch) {
    std::lock_guard<std::mutex> build(company->build_mu);
    {
      std::lock_guard<std::mutex> lock(company->mu);
      snap = company->snapshot;
      last_seen = company->last_seen;
    }
    // Someone else may have rebuilt while this thread waited.
    if (!snap || snap->epoch < *epoch) {
      auto fresh_last_seen = std::make_shared<LastSeen>();
      Result<std::shared_ptr<Snapshot>> built = Build(db, company_id, *epoch, *fresh_last_seen);
      if (!built.ok()) return built.status();
      fresh_last_seen->read_at_steady_ms = SteadyMs();
      builds_.fetch_add(1);
      snap = std::move(built).value();
      last_seen = std::move(fresh_last_seen);
      std::lock_guard<std::mutex> lock(company->mu);
      if (!company->snapshot || company->snapshot->epoch < snap->epoch) {
        company->snapshot = snap;
        company->last_seen = last_seen;
      }
    }
  }
  if (*sort == SortBy::kLastSeen) {
    const bool cached = snap->id.size() >= kIngestCachedFrom;
    if (!cached || SteadyMs() - last_seen->read_at_steady_ms >= kIngestRefreshMs) {
      std::unique_lock<std::mutex> build(company->build_mu, std::defer_lock);
      if (cached) build.lock();
      std::shared_ptr<const LastSeen> current;
      {
        std::lock_guard<std::mutex> lock(company->mu);
        current = company->snapshot == snap ? company->last_seen : nullptr;
      }
      if (!cached || !current || SteadyMs() - current->read_at_steady_ms >= kIngestRefreshMs) {
        Result<std::shared_ptr<LastSeen>> read = ReadLastSeen(db, company_id, *snap);
        if (!read.ok()) return read.status();
        last_seen = std::move(read).value();
        std::lock_guard<std::mutex> lock(company->mu);
        if (company->snapshot == snap) company->last_seen = last_seen;
      } else {
        last_seen = current;
      }
    }
  }

  std::shared_ptr<const std::vector<uint32_t>> visible = snap->VisibleTo(user_id);
  std::vector<uint32_t> rows;
  if (query.q.empty()) {
    rows = *visible;
  } else {
    const std::string q = AsciiLower(query.q);
    rows.reserve(visible->size());
    for (uint32_t row : *visible) {
      if (snap->name_lower[row].find(q) != std::string::npos ||
          snap->serial_lower[row].find(q) != std::string::npos) {
        rows.push_back(row);
      }
    }
  }

  const Snapshot& s = *snap;
  const LastSeen& seen = *last_seen;
  // State order (A7): waiting for pairing (current code still valid) 0, paired 1, else 2.
  auto state = [&](uint32_t r) {
    if (s.paired[r]) return 1;
    return s.code_expires_ms[r].has_value() && *s.code_expires_ms[r] > now ? 0 : 2;
  };
  // Rows without a value last in either direction; the key and then the id follow the
  // direction.
  auto nullable = [&](const std::optional<int64_t>& a, const std::optional<int64_t>& b) {
    if (a.has_value() != b.has_value()) return a.has_value() ? -2 : 2;
    return a.has_value() ? Compare(*a, *b) : 0;
  };
  auto primary = [&](uint32_t a, uint32_t b) -> int {
    switch (*sort) {
      case SortBy::kName:
        return Compare(s.name_lower[a], s.name_lower[b]);
      case SortBy::kSerial:
        return Compare(s.serial[a], s.serial[b]);
      case SortBy::kCreated:
        return Compare(s.created_ms[a], s.created_ms[b]);
      case SortBy::kFirstRegistration:
        return nullable(s.first_registration_ms[a], s.first_registration_ms[b]);
      case SortBy::kLastSeen:
        return nullable(seen.ms[a], seen.ms[b]);
      case SortBy::kState:
        return Compare(state(a), state(b));
    }
    return 0;
  };
  auto less = [&](uint32_t a, uint32_t b) {
    int c = primary(a, b);
    if (c == -2 || c == 2) return c < 0;  // the null rule ignores the direction
    if (descending) c = -c;
    if (c != 0) return c < 0;
    return descending ? s.id[a] > s.id[b] : s.id[a] < s.id[b];
  };

  PageIds page;
  page.total = static_cast<int64_t>(rows.size());
  const size_t offset = static_cast<size_t>(query.offset);
  if (offset >= rows.size()) return page;
  const size_t end = std::min(rows.size(), offset + static_cast<size_t>(query.limit));
  if (offset > 0) {
    std::nth_element(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(offset), rows.end(),
                     less);
  }
  std::partial_sort(rows.begin() + static_cast<std::ptrdiff_t>(offset),
                    rows.begin() + static_cast<std::ptrdiff_t>(end), rows.end(), less);
  page.ids.reserve(end - offset);
  for (size_t i = offset; i < end; ++i) page.ids.push_back(s.id[rows[i]]);
  return page;
}

}  // namespace detail
}  // namespace ccc::relay::directory
