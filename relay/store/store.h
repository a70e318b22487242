#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/protocol/batch.h"
#include "common/status/status.h"

namespace ccc::relay::store {

// What one IngestBatches call did, counted for metrics and ingest lag.
struct IngestOutcome {
  uint64_t records_stored = 0;      // records newly stored, any stream (samples included)
  uint64_t samples_stored = 0;      // telemetry records turned into monitoring samples
  uint64_t duplicates_dropped = 0;  // records whose seq was already covered
  uint64_t unknown_device = 0;      // batches refused because the device is not registered
  uint64_t invalid_records = 0;     // records whose body did not fit the stream's schema
};

struct Device {
  std::string id;  // certificate CN / serial
  int64_t registered_ms = 0;
  bool online = false;
  std::optional<int64_t> last_seen_ms;
  std::string sysinfo_json;  // last "sysinfo" body, "{}" if none yet
};

struct Sample {
  int64_t ts_ms = 0;
  double cpu_pct = 0;  // 0..100, whole host
  uint64_t mem_used_bytes = 0;
  uint64_t mem_total_bytes = 0;
};

enum class Resolution { kRaw, kMinute, kHour };

struct RollupPoint {
  int64_t bucket_ms = 0;  // start of the bucket (== ts for raw)
  uint32_t count = 0;
  double cpu_avg = 0, cpu_max = 0;
  double mem_used_avg = 0, mem_used_max = 0;
};

struct StoredRecord {  // for tests and later API use: events, calls, ...
  std::string device;
  std::string stream;
  uint64_t epoch = 0;
  uint64_t seq = 0;
  int64_t ts_ms = 0;
  std::string body;
};

struct RetentionPolicy {
  int64_t raw_ms = 48ll * 3600 * 1000;
  int64_t minute_ms = 14ll * 24 * 3600 * 1000;
  int64_t hour_ms = 400ll * 24 * 3600 * 1000;
};

// ---- PBX data (issue 5): registration status (E1/E2) and call data records (H1) ----
//
// Every query names its devices (serials = systems' device ids): one for a system's page,
// the caller's visible devices for a fleet view (the API decides visibility; the store
// only filters). Enum-like fields hold the agent's wire names
// (common/protocol/pbx_wire.h); filters compare them exactly. Text searches (q)
// are case-insensitive substring matches (ASCII and Latin-1 letters). Times are Unix epoch
// milliseconds (UTC).
//
// Cost of a calls q (SQLite): a q of 3 or more characters is looked up in a trigram index
// (a few ms with millions of calls when few rows hold its trigrams); shorter or very
// common ones scan the time range, which finds a page after a few rows because such
// strings match densely. Any length is accepted; the answer is the same substring match.

struct TelephoneRow {
  std::string device;
  std::string id, name, extension, kind, dect_base_id, mac, model, status;
  int64_t since_ms = 0;    // ts of the record that first reported the current status
  int64_t updated_ms = 0;  // ts of the record that last changed this row
};

struct AccountRow {
  std::string device;
  std::string id, name, provider, number, stun_server, status;
  int64_t since_ms = 0;
  int64_t updated_ms = 0;
};

// kSystem orders by the position of the row's device in the query's `devices` (the API
// passes them ordered by system name). Ties are broken by that position, then by id.
// kExtension orders numerically for digit-only extensions (by length, then text).
enum class TelephoneSort { kName, kExtension, kKind, kStatus, kSince, kSystem };
enum class AccountSort { kName, kProvider, kStatus, kSince, kSystem };

struct TelephoneQuery {
  std::vector<std::string> devices;   // empty = no rows
  std::string q;                      // in name, extension, mac or model; empty = all
  std::optional<std::string> status;  // wire name
  std::optional<std::string> kind;    // wire name
  TelephoneSort sort = TelephoneSort::kName;
  bool descending = false;
  size_t limit = 50;
  size_t offset = 0;
};

struct AccountQuery {
  std::vector<std::string> devices;   // empty = no rows
  std::string q;                      // in name, provider or number; empty = all
  std::optional<std::string> status;  // wire name
  AccountSort sort = AccountSort::kName;
  bool descending = false;
  size_t limit = 50;
  size_t offset = 0;
};

template <typename Row>
struct RegistrationPage {
  std::vector<Row> items;  // the requested page
  uint64_t total = 0;      // rows matching the filters
  // Newest ts of a registration record applied for any of the devices; nullopt when none
  // of them ever sent one (the API's updated_at).
  std::optional<int64_t> updated_ms;
};
using TelephonePage = RegistrationPage<TelephoneRow>;
using AccountPage = RegistrationPage<AccountRow>;

struct CallRow {
  std::string device;
  uint64_t call_id = 0;  // the PBX's record number (< 2^53)
  int64_t start_ms = 0;
  int64_t duration_s = 0;
  std::string direction, result;  // wire names
  std::string external_number, external_name, billing_number, billing_name, real_name, own_number,
      call_type;
};

struct CallFilter {
  std::vector<std::string> devices;  // empty = no rows
  std::optional<int64_t> from_ms;    // start_ms >= from_ms
  std::optional<int64_t> to_ms;      // start_ms < to_ms
  // In any of external_number, external_name, billing_number, billing_name, real_name,
  // own_number; empty = all.
  std::string q;
  std::optional<std::string> result;     // wire name
  std::optional<std::string> direction;  // wire name
  std::optional<std::string> call_type;  // exact text
};

// Ties of either sort are broken by start_ms, then device position, then call_id, all in
// the same direction, so paging is stable.
enum class CallSort { kTime, kDuration };

struct CallQuery {
  CallFilter filter;
  CallSort sort = CallSort::kTime;
  bool descending = true;
  size_t limit = 50;
  size_t offset = 0;
  // 0: `total` is exact. Otherwise counting may stop after count_limit matches; then total
  // = count_limit and total_capped = true. When the exact total costs nothing more (a q
  // answered from the trigram index) it is returned, also past count_limit, with
  // total_capped = false.
  uint64_t count_limit = 0;
};

struct CallPage {
  std::vector<CallRow> items;
  uint64_t total = 0;
  bool total_capped = false;
};

// Reads every call matching a filter in start_ms order (ties: device position, call_id)
// in chunks, by keyset, so memory stays at one chunk however many rows match (CSV export).
// Rows ingested while reading may or may not appear; none appears twice. Thread: one
// thread at a time; the Store must outlive the cursor. Each Next takes the store's read
// lock only for its own query, so a slow consumer never blocks other readers.
class CallCursor {
 public:
  virtual ~CallCursor() = default;
  // Replaces *out with the next rows (at most the cursor's chunk size); false (and *out
  // empty) once every row was returned.
  virtual Result<bool> Next(std::vector<CallRow>* out) = 0;
};

// The relay's storage. SQLite is the embedded backend; PostgreSQL implements the same
// interface later. Implementations are safe to call from several threads; IngestBatches
// is expected to be called by one writer thread at a time.
class Store {
 public:
  virtual ~Store() = default;

  // Writes all batches in ONE transaction: for each batch, checks that batch.device is a
  // registered device, drops records whose seq is already covered for (device, stream,
  // epoch), stores the rest (telemetry -> samples + minute/hour roll-ups, sysinfo -> device,
  // every other stream -> records table) and records the covered range. Either everything
  // is committed or nothing is (then a non-OK status; the caller must not acknowledge).
  virtual Result<IngestOutcome> IngestBatches(const std::vector<protocol::Batch>& batches,
                                              int64_t now_ms) = 0;

  virtual Status SetPresence(const std::string& device, bool online, int64_t now_ms) = 0;

  virtual Status RegisterDevice(const std::string& device, int64_t now_ms) = 0;
  virtual Status RemoveDevice(const std::string& device) = 0;
  virtual Result<std::optional<Device>> FindDevice(const std::string& device) = 0;
  virtual Result<std::vector<Device>> ListDevices() = 0;

  // Points with from_ms <= bucket_ms < to_ms, ascending; raw points have count 1.
  virtual Result<std::vector<RollupPoint>> Samples(const std::string& device, Resolution res,
                                                   int64_t from_ms, int64_t to_ms) = 0;
  // Records with seq > after_seq, ordered by epoch then seq, at most limit of them.
  virtual Result<std::vector<StoredRecord>> Records(const std::string& device,
                                                    const std::string& stream, uint64_t after_seq,
                                                    size_t limit) = 0;
  virtual Result<uint64_t> CountRecords(const std::string& device, const std::string& stream) = 0;
  virtual Result<uint64_t> CountSamples(const std::string& device) = 0;

  // Deletes data past retention; returns rows removed.
  virtual Result<uint64_t> ApplyRetention(const RetentionPolicy& policy, int64_t now_ms) = 0;

  // True when the database answers a trivial query (for /readyz).
  virtual bool Healthy() = 0;

  // ---- PBX data (issue 5). IngestBatches applies "registrations" records (snapshot:
  // replaces the device's telephones and accounts; changes: upsert/delete; records older
  // than the last applied snapshot are ignored) and stores "calls" records once per
  // (device, call id). The defaults answer kUnsupported (backends without PBX data).

  virtual Result<TelephonePage> Telephones(const TelephoneQuery& query) {
    (void)query;
    return Unsupported("this store keeps no registration status");
  }
  virtual Result<AccountPage> Accounts(const AccountQuery& query) {
    (void)query;
    return Unsupported("this store keeps no registration status");
  }
  // One page of calls and the number matching the filter.
  virtual Result<CallPage> Calls(const CallQuery& query) {
    (void)query;
    return Unsupported("this store keeps no call data");
  }
  // All calls matching filter, ascending or descending by start_ms, chunk_rows (>= 1) per
  // Next.
  virtual Result<std::unique_ptr<CallCursor>> OpenCallCursor(const CallFilter& filter,
                                                             bool descending, size_t chunk_rows) {
    (void)filter, (void)descending, (void)chunk_rows;
    return Unsupported("this store keeps no call data");
  }
  // Deletes the device's calls with start_ms < cutoff_ms, in transactions of a few
  // thousand rows so ingest is never blocked for long; returns the rows removed.
  virtual Result<uint64_t> DeleteCallsBefore(const std::string& device, int64_t cutoff_ms) {
    (void)device, (void)cutoff_ms;
    return Unsupported("this store keeps no call data");
  }
};

struct SqliteOptions {
  std::string path;
  bool synchronous_full = true;
};

// Opens (creating and migrating as needed) the SQLite backend.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace ccc::relay::store
