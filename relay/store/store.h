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
};

struct SqliteOptions {
  std::string path;
  bool synchronous_full = true;
};

// Opens (creating and migrating as needed) the SQLite backend.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace ccc::relay::store
