#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/sqlite/sqlite_db.h"
#include "common/status/status.h"

// Which devices' telephones or provider accounts changed at the relay, for the event hub's
// "registrations" events.
//
// Source: relay.db's registration_state, one row per device, written by ingest with every
// applied registration record (relay/store/sqlite/pbx_data_ingest.cc). Its changed_ms is the
// ts of the newest record that changed a telephone or account row of the device; a record
// that changes nothing (most snapshots) leaves it as it is, so it is no event.
//
// Why not one watermark (max(changed_ms) > last max): the values are the agents' clocks. A
// device whose clock is behind another's, or an agent delivering its backlog after an
// outage, changes rows with a changed_ms below the watermark, and that change would be lost.
// So each device's changed_ms is compared with the last one seen. Cost per poll: PRAGMA
// data_version first (no I/O; unchanged when no other connection committed to relay.db,
// the usual case on a quiet relay); only then one narrow read of the per-device table (one
// row per device that reported registrations; never the telephones or accounts tables).
//
// Opens its own read-only connection to relay.db on first use and again after an error.
// Not thread-safe: the hub's poller thread owns it.
namespace ccc::relay::events {

class RegistrationWatch {
 public:
  // ingest_path: relay.db (the store creates it and its schema; until then reads fail).
  explicit RegistrationWatch(std::string ingest_path);

  // Takes what is in the table now as seen: nothing before it is reported. Until a
  // baseline was taken, Changed() takes one instead of reporting.
  Status Baseline();

  // Devices (ids as in the table: the serials) whose changed_ms moved since the last call,
  // in no particular order. On error nothing is forgotten: the next call reports it.
  Result<std::vector<std::string>> Changed();

 private:
  Status Open();
  // Whether another connection committed to relay.db since the last call (true the first
  // time).
  Result<bool> Committed();
  Result<std::unordered_map<std::string, int64_t>> ReadAll();
  void Close();

  const std::string path_;
  std::optional<sqlite::Database> db_;
  sqlite::Statement data_version_;
  sqlite::Statement read_all_;
  std::optional<int64_t> last_data_version_;
  std::optional<std::unordered_map<std::string, int64_t>> seen_;  // device -> changed_ms
};

}  // namespace ccc::relay::events
