#include <sqlite3.h>
#include <string.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "relay/store/pbx_records.h"
#include "relay/store/sqlite/pbx_ingest.h"
#include "relay/store/sqlite/scoped_reset.h"
#include "relay/store/sqlite/sqlite_store.h"

// The read side of the PBX data tables (schema version 2 in sqlite_schema.h) and the
// retention of calls.
namespace ccc::relay::store {

namespace sqlite_detail {

// Where a call sits in a sort order; with the device's position it orders calls totally.
struct CallKey {
  int64_t duration_s = 0;
  int64_t start_ms = 0;
  uint64_t call_id = 0;
};

}  // namespace sqlite_detail

namespace {

using sqlite_detail::CallKey;

constexpr int64_t kDeleteChunkRows = 5000;
// Rows one device contributes to a merged (fleet) page or cursor per query.
constexpr size_t kMergeChunkRows = 500;

using sqlite_detail::ScopedReset;

// A read transaction on the reader connection, so that a page and its total agree.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(sqlite::Database& db) : db_(db), ok_(db.Exec("BEGIN").ok()) {}
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  ~ReadSnapshot() {
    if (ok_) (void)db_.Exec("COMMIT");
  }

 private:
  sqlite::Database& db_;
  bool ok_;
};

void FoldFunction(sqlite3_context* context, int argc, sqlite3_value** argv) {
  if (argc != 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const int bytes = sqlite3_value_bytes(argv[0]);
  std::string folded = FoldForSearch(std::string_view(text, static_cast<size_t>(bytes)));
  sqlite3_result_text(context, folded.data(), static_cast<int>(folded.size()), SQLITE_TRANSIENT);
}

// ccc_contains(haystack, needle): 1 when needle occurs in haystack (bytes), else 0. The q
// filter of calls scans up to every row of a time range: memmem is several times faster
// than SQLite's instr.
void ContainsFunction(sqlite3_context* context, int argc, sqlite3_value** argv) {
  if (argc != 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL ||
      sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  const void* haystack = sqlite3_value_text(argv[0]);
  const int haystack_bytes = sqlite3_value_bytes(argv[0]);
  const void* needle = sqlite3_value_text(argv[1]);
  const int needle_bytes = sqlite3_value_bytes(argv[1]);
  const bool found =
      needle_bytes == 0 || memmem(haystack, static_cast<size_t>(haystack_bytes), needle,
                                  static_cast<size_t>(needle_bytes)) != nullptr;
  sqlite3_result_int(context, found ? 1 : 0);
}

// The devices without repeats, in first-seen order (a device's position is its index).
std::vector<std::string> UniqueDevices(const std::vector<std::string>& devices) {
  std::vector<std::string> unique;
  std::unordered_set<std::string> seen;
  for (const std::string& d : devices) {
    if (seen.insert(d).second) unique.push_back(d);
  }
  return unique;
}

std::string DevicesJson(const std::vector<std::string>& devices) {
  boost::json::array array;
  array.reserve(devices.size());
  for (const std::string& d : devices) array.emplace_back(d);
  return boost::json::serialize(array);
}

int64_t SqlLimit(size_t n) {
  return static_cast<int64_t>(std::min<size_t>(n, std::numeric_limits<int64_t>::max()));
}

Result<sqlite::Statement> Prepare(sqlite::Database& db, const std::string& sql) {
  return db.Prepare(sql);
}

Result<uint64_t> StepCount(sqlite::Statement& s) {
  Result<bool> row = s.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Internal("count query returned no row");
  return static_cast<uint64_t>(s.ColumnInt(0));
}

// --- telephones and accounts: one query over all devices (json_each keeps their order) ---

// Filter parameters: ?1 devices (JSON array), ?2 folded q, ?3 status, ?4 kind.
struct RegistrationSql {
  std::string from_where;  // "FROM ... WHERE ..." without ORDER BY
  std::string order_by;
};

std::string Direction(bool descending) { return descending ? " DESC" : " ASC"; }

RegistrationSql TelephoneSql(const TelephoneQuery& q) {
  RegistrationSql sql;
  sql.from_where =
      "FROM json_each(?1) AS d CROSS JOIN telephones AS t ON t.device = d.value WHERE 1";
  if (!q.q.empty()) {
    sql.from_where +=
        " AND ccc_contains(ccc_fold(t.name || char(31) || t.extension || char(31) || t.mac || "
        "char(31) || t.model), ?2)";
  }
  if (q.status) sql.from_where += " AND t.status = ?3";
  if (q.kind) sql.from_where += " AND t.kind = ?4";
  const std::string dir = Direction(q.descending);
  switch (q.sort) {
    case TelephoneSort::kName:
      sql.order_by = "t.name COLLATE NOCASE" + dir;
      break;
    case TelephoneSort::kExtension:
      sql.order_by = "length(t.extension)" + dir + ", t.extension" + dir;
      break;
    case TelephoneSort::kKind:
      sql.order_by = "t.kind" + dir;
      break;
    case TelephoneSort::kStatus:
      sql.order_by = "t.status" + dir;
      break;
    case TelephoneSort::kSince:
      sql.order_by = "t.since_ms" + dir;
      break;
    case TelephoneSort::kSystem:
      sql.order_by = "d.key" + dir;
      break;
  }
  sql.order_by += ", d.key" + dir + ", t.id" + dir;
  return sql;
}

RegistrationSql AccountSql(const AccountQuery& q) {
  RegistrationSql sql;
  sql.from_where = "FROM json_each(?1) AS d CROSS JOIN accounts AS t ON t.device = d.value WHERE 1";
  if (!q.q.empty()) {
    sql.from_where +=
        " AND ccc_contains(ccc_fold(t.name || char(31) || t.provider || char(31) || t.number), ?2)";
  }
  if (q.status) sql.from_where += " AND t.status = ?3";
  const std::string dir = Direction(q.descending);
  switch (q.sort) {
    case AccountSort::kName:
      sql.order_by = "t.name COLLATE NOCASE" + dir;
      break;
    case AccountSort::kProvider:
      sql.order_by = "t.provider COLLATE NOCASE" + dir;
      break;
    case AccountSort::kStatus:
      sql.order_by = "t.status" + dir;
      break;
    case AccountSort::kSince:
      sql.order_by = "t.since_ms" + dir;
      break;
    case AccountSort::kSystem:
      sql.order_by = "d.key" + dir;
      break;
  }
  sql.order_by += ", d.key" + dir + ", t.id" + dir;
  return sql;
}

void BindRegistrationFilter(sqlite::Statement& s, const std::string& devices_json,
                            const std::string& q, const std::optional<std::string>& status,
                            const std::optional<std::string>& kind) {
  s.Bind(1, devices_json);
  if (!q.empty()) s.Bind(2, FoldForSearch(q));
  if (status) s.Bind(3, *status);
  if (kind) s.Bind(4, *kind);
}

// Runs the page, count and updated_ms queries of a registration list. read_row turns the
// page statement's current row (columns from `columns`) into a Row.
template <typename Row, typename ReadRow>
Result<RegistrationPage<Row>> RegistrationList(sqlite::Database& db, std::string_view columns,
                                               const RegistrationSql& sql,
                                               const std::vector<std::string>& devices,
                                               const std::string& q,
                                               const std::optional<std::string>& status,
                                               const std::optional<std::string>& kind, size_t limit,
                                               size_t offset, ReadRow read_row) {
  RegistrationPage<Row> page;
  const std::vector<std::string> unique = UniqueDevices(devices);
  if (unique.empty()) return page;
  const std::string devices_json = DevicesJson(unique);
  ReadSnapshot snapshot(db);
  {
    Result<sqlite::Statement> s =
        Prepare(db, "SELECT " + std::string(columns) + " " + sql.from_where + " ORDER BY " +
                        sql.order_by + " LIMIT ?5 OFFSET ?6");
    if (!s.ok()) return s.status();
    BindRegistrationFilter(*s, devices_json, q, status, kind);
    s->Bind(5, SqlLimit(limit)).Bind(6, SqlLimit(offset));
    for (;;) {
      Result<bool> row = s->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      page.items.push_back(read_row(*s));
    }
  }
  {
    Result<sqlite::Statement> s = Prepare(db, "SELECT count(*) " + sql.from_where);
    if (!s.ok()) return s.status();
    BindRegistrationFilter(*s, devices_json, q, status, kind);
    Result<uint64_t> total = StepCount(*s);
    if (!total.ok()) return total.status();
    page.total = *total;
  }
  Result<sqlite::Statement> s =
      Prepare(db,
              "SELECT max(r.updated_ms) FROM json_each(?1) AS d CROSS JOIN registration_state "
              "AS r ON r.device = d.value");
  if (!s.ok()) return s.status();
  s->Bind(1, devices_json);
  Result<bool> row = s->Step();
  if (!row.ok()) return row.status();
  if (*row && !s->ColumnIsNull(0)) page.updated_ms = s->ColumnInt(0);
  return page;
}

// --- calls ---

// The filter's conditions but the device, on columns of `table` (an alias or name).
// Positions: ?2 lowest start_ms (inclusive), ?3 highest (exclusive), ?4 folded q, ?5
// result, ?6 direction, ?7 call_type.
std::string CallConditions(const CallFilter& f, std::string_view table) {
  const std::string t(table);
  std::string where = " AND " + t + ".start_ms >= ?2 AND " + t + ".start_ms < ?3";
  if (!f.q.empty()) where += " AND ccc_contains(" + t + ".search, ?4)";
  if (f.result) where += " AND " + t + ".result = ?5";
  if (f.direction) where += " AND " + t + ".direction = ?6";
  if (f.call_type) where += " AND " + t + ".call_type = ?7";
  return where;
}

// Which B-tree a query of one device walks.
enum class CallIndex {
  kTable,  // the rows themselves in (start_ms, call_id) order: dense reads
  // Every filtered column (and the keys) at a fraction of the table's row size, in the
  // table's order: counts, filters, pages by time.
  kByTime,
  kByDuration,  // (duration_s, start_ms, call_id) order with the equality filters
};

// Positions: ?1 device, ?2..?7 as CallConditions, ?8..?10 keyset (duration_s, start_ms,
// call_id), ?11 limit, ?12 offset.
std::string CallWhere(const CallFilter& f, CallIndex index) {
  std::string where = index == CallIndex::kByTime       ? " FROM calls INDEXED BY calls_by_time"
                      : index == CallIndex::kByDuration ? " FROM calls INDEXED BY calls_by_duration"
                                                        : " FROM calls";
  where += " WHERE calls.device = ?1" + CallConditions(f, "calls");
  return where;
}

// The start_ms range to read: the filter's, narrowed to the keyset when reading on by time
// (so that the range scan starts at the key instead of filtering from the range's start).
std::pair<int64_t, int64_t> StartRange(const CallFilter& f, CallSort sort, bool descending,
                                       const CallKey* after) {
  int64_t lo = f.from_ms.value_or(std::numeric_limits<int64_t>::min());
  int64_t hi = f.to_ms.value_or(std::numeric_limits<int64_t>::max());
  if (after != nullptr && sort == CallSort::kTime) {
    if (descending) {
      // after->start_ms < hi, so + 1 cannot overflow.
      hi = std::min(hi, after->start_ms + 1);
    } else {
      lo = std::max(lo, after->start_ms);
    }
  }
  return {lo, hi};
}

// devices: ?1, the device or (for the trigram path) the JSON array of devices.
void BindCallFilter(sqlite::Statement& s, const std::string& devices, const CallFilter& f,
                    std::pair<int64_t, int64_t> range) {
  s.Bind(1, devices).Bind(2, range.first).Bind(3, range.second);
  if (!f.q.empty()) s.Bind(4, FoldForSearch(f.q));
  if (f.result) s.Bind(5, *f.result);
  if (f.direction) s.Bind(6, *f.direction);
  if (f.call_type) s.Bind(7, *f.call_type);
}

constexpr std::string_view kCallColumns =
    "SELECT call_id, start_ms, duration_s, direction, result, external_number, external_name, "
    "billing_number, billing_name, real_name, own_number, call_type";

CallRow ReadCall(const sqlite::Statement& s, const std::string& device) {
  CallRow c;
  c.device = device;
  c.call_id = static_cast<uint64_t>(s.ColumnInt(0));
  c.start_ms = s.ColumnInt(1);
  c.duration_s = s.ColumnInt(2);
  c.direction = s.ColumnText(3);
  c.result = s.ColumnText(4);
  c.external_number = s.ColumnText(5);
  c.external_name = s.ColumnText(6);
  c.billing_number = s.ColumnText(7);
  c.billing_name = s.ColumnText(8);
  c.real_name = s.ColumnText(9);
  c.own_number = s.ColumnText(10);
  c.call_type = s.ColumnText(11);
  return c;
}

CallKey KeyOf(const CallRow& c) { return CallKey{c.duration_s, c.start_ms, c.call_id}; }

// A range of one device with at most this many calls is sorted by duration in memory.
constexpr uint64_t kSortInMemoryRows = 10'000;
// The q filter reads its candidates from the trigram index when at most this many rows
// hold its trigrams (each costs two B-tree lookups and a substring test).
constexpr uint64_t kTrigramCandidateLimit = 5'000;
// Rarest trigrams intersected for the candidates; trigrams probed for their frequency, and
// how far their rows are counted (a trigram in more rows is not worth intersecting).
constexpr size_t kTrigramsPerMatch = 4;
constexpr uint64_t kTrigramRankLimit = 16'384;
constexpr size_t kTrigramsProbed = 8;

// The distinct trigrams (three code points, as calls_fts's tokenizer cuts them) of a
// folded q, at most kTrigramsProbed spread over it; nullopt when q is shorter than three
// code points or not UTF-8 (then only the scan answers it exactly).
std::optional<std::vector<std::string>> Trigrams(std::string_view q) {
  std::vector<size_t> starts;  // byte offset of each code point
  for (size_t i = 0; i < q.size();) {
    const auto b = static_cast<unsigned char>(q[i]);
    const size_t len = b < 0x80           ? 1
                       : (b >> 5) == 0x6  ? 2
                       : (b >> 4) == 0xE  ? 3
                       : (b >> 3) == 0x1E ? 4
                                          : 0;
    if (len == 0 || i + len > q.size()) return std::nullopt;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(q[i + k]) & 0xC0) != 0x80) return std::nullopt;
    }
    starts.push_back(i);
    i += len;
  }
  if (starts.size() < 3) return std::nullopt;
  starts.push_back(q.size());
  const size_t count = starts.size() - 3;  // trigram t spans code points t .. t + 2
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  const size_t wanted = std::min(count, kTrigramsProbed);
  for (size_t j = 0; j < wanted; ++j) {
    // Spread evenly so that the first and the last trigram are always among them.
    const size_t t = wanted == 1 ? 0 : j * (count - 1) / (wanted - 1);
    std::string trigram(q.substr(starts[t], starts[t + 3] - starts[t]));
    if (seen.insert(trigram).second) out.push_back(std::move(trigram));
  }
  return out;
}

// An FTS5 string: one trigram, so one token.
std::string FtsTerm(std::string_view trigram) {
  std::string term = "\"";
  for (char c : trigram) {
    term += c;
    if (c == '"') term += '"';
  }
  return term + "\"";
}

// The total order of calls across devices: (duration if sorted by it), start_ms, device
// position, call_id.
auto OrderTuple(CallSort sort, const CallKey& k, size_t pos) {
  return std::make_tuple(sort == CallSort::kDuration ? k.duration_s : 0, k.start_ms, pos,
                         k.call_id);
}

}  // namespace

namespace sqlite_detail {

Status RegisterSearchFunctions(sqlite::Database& db) {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int rc = sqlite3_create_function_v2(db.get(), "ccc_fold", 1, kFlags, nullptr, FoldFunction,
                                      nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return db.Error(rc, "registering ccc_fold");
  rc = sqlite3_create_function_v2(db.get(), "ccc_contains", 2, kFlags, nullptr, ContainsFunction,
                                  nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return db.Error(rc, "registering ccc_contains");
  return Status::Ok();
}

// Merges the devices' calls by keyset: each device is read per_device rows at a time, a
// heap picks the next row over all devices.
class SqliteCallCursor final : public CallCursor {
 public:
  SqliteCallCursor(SqliteStore& store, CallFilter filter, CallSort sort, bool descending,
                   size_t chunk_rows, size_t per_device, bool by_index)
      : store_(store),
        filter_(std::move(filter)),
        sort_(sort),
        descending_(descending),
        chunk_rows_(std::max<size_t>(chunk_rows, 1)),
        per_device_(std::max<size_t>(per_device, 1)),
        by_index_(by_index) {
    std::vector<std::string> devices = UniqueDevices(filter_.devices);
    sources_.resize(devices.size());
    for (size_t i = 0; i < devices.size(); ++i) sources_[i].device = std::move(devices[i]);
  }

  Result<bool> Next(std::vector<CallRow>* out) override {
    out->clear();
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < sources_.size(); ++i) {
        CCC_RETURN_IF_ERROR(Refill(i));
        if (!sources_[i].rows.empty()) PushHeap(i);
      }
    }
    while (out->size() < chunk_rows_ && !heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), HeapLess());
      const size_t i = heap_.back();
      heap_.pop_back();
      Source& src = sources_[i];
      out->push_back(std::move(src.rows.front()));
      src.rows.pop_front();
      if (src.rows.empty()) CCC_RETURN_IF_ERROR(Refill(i));
      if (!src.rows.empty()) PushHeap(i);
    }
    return !out->empty();
  }

  // Drops the next n rows (for offset paging of a merged page).
  Status Skip(size_t n) {
    std::vector<CallRow> chunk;
    const size_t saved = chunk_rows_;
    while (n > 0) {
      chunk_rows_ = std::min(n, saved);
      Result<bool> more = Next(&chunk);
      if (!more.ok()) {
        chunk_rows_ = saved;
        return more.status();
      }
      if (!*more) break;
      n -= chunk.size();
    }
    chunk_rows_ = saved;
    return Status::Ok();
  }

  void set_chunk_rows(size_t n) { chunk_rows_ = std::max<size_t>(n, 1); }

 private:
  struct Source {
    std::string device;
    std::deque<CallRow> rows;
    std::optional<CallKey> last;  // key of the last row read from the database
    bool exhausted = false;
  };

  Status Refill(size_t i) {
    Source& src = sources_[i];
    if (src.exhausted) return Status::Ok();
    Result<std::vector<CallRow>> rows =
        store_.ReadDeviceCalls(src.device, filter_, sort_, descending_,
                               src.last ? &*src.last : nullptr, 0, per_device_, by_index_);
    if (!rows.ok()) return rows.status();
    if (rows->size() < per_device_) src.exhausted = true;
    if (!rows->empty()) src.last = KeyOf(rows->back());
    for (CallRow& row : *rows) src.rows.push_back(std::move(row));
    return Status::Ok();
  }

  // std heap functions keep the greatest element on top; "greater" is "comes first".
  struct HeapLessFn {
    const SqliteCallCursor* self;
    bool operator()(size_t a, size_t b) const {
      const auto ka = OrderTuple(self->sort_, KeyOf(self->sources_[a].rows.front()), a);
      const auto kb = OrderTuple(self->sort_, KeyOf(self->sources_[b].rows.front()), b);
      return self->descending_ ? ka < kb : kb < ka;
    }
  };
  HeapLessFn HeapLess() const { return HeapLessFn{this}; }

  void PushHeap(size_t i) {
    heap_.push_back(i);
    std::push_heap(heap_.begin(), heap_.end(), HeapLess());
  }

  SqliteStore& store_;
  const CallFilter filter_;
  const CallSort sort_;
  const bool descending_;
  size_t chunk_rows_;
  const size_t per_device_;
  const bool by_index_;
  std::vector<Source> sources_;
  std::vector<size_t> heap_;
  bool started_ = false;
};

}  // namespace sqlite_detail

Result<TelephonePage> SqliteStore::Telephones(const TelephoneQuery& query) {
  ReaderLease reader = AcquireReader();
  return RegistrationList<TelephoneRow>(
      reader.db(),
      "t.device, t.id, t.name, t.extension, t.kind, t.dect_base_id, t.mac, t.model, t.status, "
      "t.since_ms, t.updated_ms",
      TelephoneSql(query), query.devices, query.q, query.status, query.kind, query.limit,
      query.offset, [](const sqlite::Statement& s) {
        TelephoneRow t;
        t.device = s.ColumnText(0);
        t.id = s.ColumnText(1);
        t.name = s.ColumnText(2);
        t.extension = s.ColumnText(3);
        t.kind = s.ColumnText(4);
        t.dect_base_id = s.ColumnText(5);
        t.mac = s.ColumnText(6);
        t.model = s.ColumnText(7);
        t.status = s.ColumnText(8);
        t.since_ms = s.ColumnInt(9);
        t.updated_ms = s.ColumnInt(10);
        return t;
      });
}

Result<AccountPage> SqliteStore::Accounts(const AccountQuery& query) {
  ReaderLease reader = AcquireReader();
  return RegistrationList<AccountRow>(
      reader.db(),
      "t.device, t.id, t.name, t.provider, t.number, t.stun_server, t.status, t.since_ms, "
      "t.updated_ms",
      AccountSql(query), query.devices, query.q, query.status, std::nullopt, query.limit,
      query.offset, [](const sqlite::Statement& s) {
        AccountRow a;
        a.device = s.ColumnText(0);
        a.id = s.ColumnText(1);
        a.name = s.ColumnText(2);
        a.provider = s.ColumnText(3);
        a.number = s.ColumnText(4);
        a.stun_server = s.ColumnText(5);
        a.status = s.ColumnText(6);
        a.since_ms = s.ColumnInt(7);
        a.updated_ms = s.ColumnInt(8);
        return a;
      });
}

Result<std::vector<CallRow>> SqliteStore::ReadDeviceCalls(
    const std::string& device, const CallFilter& filter, CallSort sort, bool descending,
    const sqlite_detail::CallKey* after, size_t offset, size_t limit, bool by_index) {
  ReaderLease reader = AcquireReader();
  CallIndex index = by_index ? CallIndex::kByTime : CallIndex::kTable;
  if (sort == CallSort::kDuration && by_index && filter.q.empty()) {
    // Few calls in the range: sorting them is cheapest. Many: walk the duration index and
    // stop after the page (its range check rejects about (all calls / calls in range)
    // entries per row returned, with more than kSortInMemoryRows in the range at most
    // that many times the page).
    CallFilter range;
    range.from_ms = filter.from_ms;
    range.to_ms = filter.to_ms;
    Result<uint64_t> in_range = CountDeviceCalls(reader.db(), device, range, kSortInMemoryRows + 1);
    if (!in_range.ok()) return in_range.status();
    if (*in_range > kSortInMemoryRows) index = CallIndex::kByDuration;
  }
  const char* cmp = descending ? " < " : " > ";
  const std::string dir = Direction(descending);
  std::string keyset, order;
  if (sort == CallSort::kDuration) {
    if (after) keyset = std::string(" AND (duration_s, start_ms, call_id)") + cmp + "(?8, ?9, ?10)";
    order = " ORDER BY duration_s" + dir + ", start_ms" + dir + ", call_id" + dir;
  } else {
    if (after) keyset = std::string(" AND (start_ms, call_id)") + cmp + "(?9, ?10)";
    order = " ORDER BY start_ms" + dir + ", call_id" + dir;
  }
  std::string sql;
  if (index != CallIndex::kTable) {
    // Find the page's keys in a narrow index, then read only those rows.
    sql =
        "SELECT c.call_id, c.start_ms, c.duration_s, c.direction, c.result, "
        "c.external_number, c.external_name, c.billing_number, c.billing_name, "
        "c.real_name, c.own_number, c.call_type FROM (SELECT start_ms, call_id, duration_s" +
        CallWhere(filter, index) + keyset + order +
        " LIMIT ?11 OFFSET ?12) AS k CROSS JOIN calls AS c ON c.device = ?1 AND "
        "c.start_ms = k.start_ms AND c.call_id = k.call_id";
    sql += sort == CallSort::kDuration
               ? " ORDER BY k.duration_s" + dir + ", k.start_ms" + dir + ", k.call_id" + dir
               : " ORDER BY k.start_ms" + dir + ", k.call_id" + dir;
  } else {
    sql = std::string(kCallColumns) + CallWhere(filter, index) + keyset + order +
          " LIMIT ?11 OFFSET ?12";
  }
  Result<sqlite::Statement> s = reader.db().Prepare(sql);
  if (!s.ok()) return s.status();
  BindCallFilter(*s, device, filter, StartRange(filter, sort, descending, after));
  if (after) {
    if (sort == CallSort::kDuration) s->Bind(8, after->duration_s);
    s->Bind(9, after->start_ms).Bind(10, static_cast<int64_t>(after->call_id));
  }
  s->Bind(11, SqlLimit(limit)).Bind(12, SqlLimit(offset));
  std::vector<CallRow> rows;
  rows.reserve(std::min<size_t>(limit, kMergeChunkRows));
  for (;;) {
    Result<bool> row = s->Step();
    if (!row.ok()) return row.status();
    if (!*row) return rows;
    rows.push_back(ReadCall(*s, device));
  }
}

Result<uint64_t> SqliteStore::CountDeviceCalls(sqlite::Database& db, const std::string& device,
                                               const CallFilter& filter, uint64_t limit) {
  // LIMIT inside: counting stops at the cap instead of walking the whole range.
  const std::string sql =
      "SELECT count(*) FROM (SELECT 1" + CallWhere(filter, CallIndex::kByTime) + " LIMIT ?11)";
  Result<sqlite::Statement> s = db.Prepare(sql);
  if (!s.ok()) return s.status();
  BindCallFilter(*s, device, filter, StartRange(filter, CallSort::kTime, false, nullptr));
  s->Bind(11, limit == 0 ? int64_t{-1} : SqlLimit(limit));
  return StepCount(*s);
}

Result<CallPage> SqliteStore::PageAndCountInOnePass(const std::string& device,
                                                    const CallQuery& query) {
  const std::string dir = Direction(query.descending);
  const std::string scan_sql = "SELECT start_ms, call_id" +
                               CallWhere(query.filter, CallIndex::kByTime) + " ORDER BY start_ms" +
                               dir + ", call_id" + dir;
  ReaderLease reader = AcquireReader();
  Result<sqlite::Statement> scan = reader.db().Prepare(scan_sql);
  if (!scan.ok()) return scan.status();
  BindCallFilter(*scan, device, query.filter,
                 StartRange(query.filter, CallSort::kTime, query.descending, nullptr));
  CallPage page;
  std::vector<std::pair<int64_t, int64_t>> keys;
  const uint64_t page_end = static_cast<uint64_t>(query.offset) + query.limit;
  const uint64_t cap = query.count_limit;
  uint64_t n = 0;
  for (;; ++n) {
    if (cap != 0 && n > cap && n >= page_end) break;
    Result<bool> row = scan->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (n >= query.offset && n < page_end)
      keys.emplace_back(scan->ColumnInt(0), scan->ColumnInt(1));
  }
  scan->Reset();
  page.total_capped = cap != 0 && n > cap;
  page.total = page.total_capped ? cap : n;
  Result<sqlite::Statement> read =
      reader.db().Prepare(std::string(kCallColumns) +
                          " FROM calls WHERE device = ?1 AND start_ms = ?2 AND call_id = ?3");
  if (!read.ok()) return read.status();
  for (const auto& [start_ms, call_id] : keys) {
    ScopedReset reset(*read);
    read->Bind(1, device).Bind(2, start_ms).Bind(3, call_id);
    Result<bool> row = read->Step();
    if (!row.ok()) return row.status();
    if (*row) page.items.push_back(ReadCall(*read, device));
  }
  return page;
}

Result<std::optional<std::string>> SqliteStore::TrigramMatch(sqlite::Database& db,
                                                             std::string_view folded_q) {
  std::optional<std::vector<std::string>> trigrams = Trigrams(folded_q);
  if (!trigrams) return std::optional<std::string>();
  Result<sqlite::Statement> probe = db.Prepare(
      "SELECT count(*) FROM (SELECT 1 FROM calls_fts WHERE calls_fts MATCH ?1 LIMIT ?2)");
  if (!probe.ok()) return probe.status();
  const auto count = [&](const std::string& match, uint64_t limit) -> Result<uint64_t> {
    ScopedReset reset(*probe);
    probe->Bind(1, match).Bind(2, SqlLimit(limit));
    return StepCount(*probe);
  };
  // How many rows hold each trigram, counted up to kTrigramRankLimit (reading the start of
  // its row list only).
  std::vector<std::pair<uint64_t, std::string>> counted;
  for (const std::string& t : *trigrams) {
    std::string term = FtsTerm(t);
    Result<uint64_t> n = count(term, kTrigramRankLimit);
    if (!n.ok()) return n.status();
    if (*n == 0) return std::optional<std::string>(std::move(term));  // no row can match
    counted.emplace_back(*n, std::move(term));
  }
  std::sort(counted.begin(), counted.end());
  // Intersect the rarest few: a trigram held by a large share of the rows (an own number's
  // digits, "sal" of a department) costs reading its whole row list and prunes little.
  std::string match;
  for (size_t i = 0; i < counted.size() && i < kTrigramsPerMatch; ++i) {
    if (counted[i].first >= kTrigramRankLimit) break;
    if (!match.empty()) match += " AND ";
    match += counted[i].second;
  }
  // Every trigram is that common: so, most likely, is q, and the scan finds a page soon.
  if (match.empty()) return std::optional<std::string>();
  if (counted.front().first > kTrigramCandidateLimit) {
    Result<uint64_t> n = count(match, kTrigramCandidateLimit + 1);
    if (!n.ok()) return n.status();
    if (*n > kTrigramCandidateLimit) return std::optional<std::string>();
  }
  return std::optional<std::string>(std::move(match));
}

Result<CallPage> SqliteStore::PageFromCandidates(sqlite::Database& db, const std::string& match,
                                                 const CallQuery& query,
                                                 const std::vector<std::string>& devices) {
  const std::string sql =
      "SELECT k.device, k.start_ms, k.call_id, k.duration_s FROM calls_fts AS f CROSS JOIN "
      "calls AS k INDEXED BY calls_by_search_id ON k.search_id = f.rowid WHERE f.calls_fts "
      "MATCH ?8 AND k.device IN (SELECT value FROM json_each(?1))" +
      CallConditions(query.filter, "k");
  Result<sqlite::Statement> scan = db.Prepare(sql);
  if (!scan.ok()) return scan.status();
  BindCallFilter(*scan, DevicesJson(devices), query.filter,
                 StartRange(query.filter, query.sort, query.descending, nullptr));
  scan->Bind(8, match);
  std::unordered_map<std::string, size_t> position;
  for (size_t i = 0; i < devices.size(); ++i) position.emplace(devices[i], i);
  struct Match {
    size_t pos;
    CallKey key;
  };
  std::vector<Match> matches;
  for (;;) {
    Result<bool> row = scan->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const auto it = position.find(scan->ColumnText(0));
    if (it == position.end()) continue;
    matches.push_back(Match{it->second, CallKey{scan->ColumnInt(3), scan->ColumnInt(1),
                                                static_cast<uint64_t>(scan->ColumnInt(2))}});
  }
  const auto first = [&](const Match& a, const Match& b) {
    const auto ka = OrderTuple(query.sort, a.key, a.pos);
    const auto kb = OrderTuple(query.sort, b.key, b.pos);
    return query.descending ? kb < ka : ka < kb;
  };
  CallPage page;
  page.total = matches.size();
  const size_t begin = std::min(query.offset, matches.size());
  const size_t end = begin + std::min(query.limit, matches.size() - begin);
  std::partial_sort(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(end),
                    matches.end(), first);
  Result<sqlite::Statement> read =
      db.Prepare(std::string(kCallColumns) +
                 " FROM calls WHERE device = ?1 AND start_ms = ?2 AND call_id = ?3");
  if (!read.ok()) return read.status();
  for (size_t i = begin; i < end; ++i) {
    const Match& m = matches[i];
    ScopedReset reset(*read);
    read->Bind(1, devices[m.pos]).Bind(2, m.key.start_ms);
    read->Bind(3, static_cast<int64_t>(m.key.call_id));
    Result<bool> row = read->Step();
    if (!row.ok()) return row.status();
    if (*row) page.items.push_back(ReadCall(*read, devices[m.pos]));
  }
  return page;
}

Result<CallPage> SqliteStore::Calls(const CallQuery& query) {
  CallPage page;
  const std::vector<std::string> devices = UniqueDevices(query.filter.devices);
  if (devices.empty()) return page;
  if (!query.filter.q.empty()) {
    // The trigram index narrows the rows to check to a few thousand at most; page, order
    // and exact total come from them. When it cannot (q under 3 characters, or common
    // enough that more rows hold its trigrams), matches are dense: the scans below find a
    // page soon and call_page.h bounds the count.
    ReaderLease reader = AcquireReader();
    ReadSnapshot snapshot(reader.db());  // the trigram counts and the page agree
    Result<std::optional<std::string>> match =
        TrigramMatch(reader.db(), FoldForSearch(query.filter.q));
    if (!match.ok()) return match.status();
    if (*match) return PageFromCandidates(reader.db(), **match, query, devices);
  }
  // With q every row of the range is read anyway (no index helps a substring): one pass
  // yields the page and the total instead of two scans.
  if (devices.size() == 1 && !query.filter.q.empty() && query.sort == CallSort::kTime) {
    return PageAndCountInOnePass(devices.front(), query);
  }
  if (devices.size() == 1) {
    Result<std::vector<CallRow>> rows =
        ReadDeviceCalls(devices.front(), query.filter, query.sort, query.descending, nullptr,
                        query.offset, query.limit, true);
    if (!rows.ok()) return rows.status();
    page.items = std::move(*rows);
  } else if (query.limit > 0) {
    sqlite_detail::SqliteCallCursor cursor(
        *this, query.filter, query.sort, query.descending, kMergeChunkRows,
        std::min(kMergeChunkRows, query.offset + query.limit), true);
    CCC_RETURN_IF_ERROR(cursor.Skip(query.offset));
    cursor.set_chunk_rows(query.limit);
    Result<bool> more = cursor.Next(&page.items);
    if (!more.ok()) return more.status();
  }
  // A capped count looks for one match more than the cap: finding it means "capped".
  const uint64_t cap = query.count_limit;
  ReaderLease reader = AcquireReader();
  for (const std::string& device : devices) {
    Result<uint64_t> n =
        CountDeviceCalls(reader.db(), device, query.filter, cap == 0 ? 0 : cap + 1 - page.total);
    if (!n.ok()) return n.status();
    page.total += *n;
    if (cap != 0 && page.total > cap) {
      page.total = cap;
      page.total_capped = true;
      break;
    }
  }
  return page;
}

Result<std::unique_ptr<CallCursor>> SqliteStore::OpenCallCursor(const CallFilter& filter,
                                                                bool descending,
                                                                size_t chunk_rows) {
  const size_t devices = std::max<size_t>(UniqueDevices(filter.devices).size(), 1);
  // One device reads whole chunks; a fleet keeps at most about two chunks in memory.
  const size_t per_device =
      devices == 1 ? chunk_rows : std::clamp<size_t>(chunk_rows / devices, 16, kMergeChunkRows);
  // A substring filter reads the narrow index and only the matching rows; otherwise the
  // table itself is walked in key order (cheaper than a lookup per row).
  return std::unique_ptr<CallCursor>(std::make_unique<sqlite_detail::SqliteCallCursor>(
      *this, filter, CallSort::kTime, descending, chunk_rows, per_device, !filter.q.empty()));
}

Result<uint64_t> SqliteStore::DeleteCallsBefore(const std::string& device, int64_t cutoff_ms) {
  uint64_t removed = 0;
  for (;;) {
    // The writer lock is held per chunk so that ingest interleaves with a long cleanup.
    std::lock_guard lock(writer_mu_);
    Result<sqlite::Transaction> tx = sqlite::Transaction::Begin(writer_);
    if (!tx.ok()) return tx.status();
    // The last key of the chunk bounds one key-range delete.
    Result<sqlite::Statement> last = writer_.Prepare(
        "SELECT start_ms, call_id FROM calls WHERE device = ?1 AND start_ms < ?2 "
        "ORDER BY start_ms, call_id LIMIT 1 OFFSET ?3");
    if (!last.ok()) return last.status();
    last->Bind(1, device).Bind(2, cutoff_ms).Bind(3, kDeleteChunkRows - 1);
    Result<bool> row = last->Step();
    if (!row.ok()) return row.status();
    const bool full_chunk = *row;
    const int64_t last_start_ms = full_chunk ? last->ColumnInt(0) : 0;
    const int64_t last_call_id = full_chunk ? last->ColumnInt(1) : 0;
    last->Reset();
    Result<sqlite::Statement> del = writer_.Prepare(
        full_chunk ? "DELETE FROM calls WHERE device = ?1 AND (start_ms, call_id) <= (?2, ?3)"
                   : "DELETE FROM calls WHERE device = ?1 AND start_ms < ?2");
    if (!del.ok()) return del.status();
    if (full_chunk) {
      del->Bind(1, device).Bind(2, last_start_ms).Bind(3, last_call_id);
    } else {
      del->Bind(1, device).Bind(2, cutoff_ms);
    }
    CCC_RETURN_IF_ERROR(del->Run());
    removed += static_cast<uint64_t>(writer_.Changes());
    CCC_RETURN_IF_ERROR(tx->Commit());
    if (!full_chunk) return removed;
  }
}

}  // namespace ccc::relay::store
