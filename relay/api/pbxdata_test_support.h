#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "relay/api/api_test_support.h"
#include "relay/api/call_export.h"
#include "relay/http/stream_sink.h"
#include "relay/store/store.h"

// Fixture pieces for the PBX data handler tests: ApiTestEnv (real Directory, real SQLite
// store, Router, fake clock) with the PBX data routes, a company with one user per role
// on its systems, a user of another company, and helpers that store PBX data through the
// store's real ingest path (Store::IngestBatches), as the relay does. For tests only.
namespace ccc::relay::api::testing {

// A StreamSink that keeps what it was sent. WaitForRoom always has room unless `stalled`
// (then it waits out its timeout, as a peer that reads nothing).
class RecordingSink : public http::StreamSink {
 public:
  bool Send(std::string chunk) override;
  void Close() override;
  bool closed() const override;
  bool WaitForRoom(size_t max_queued_bytes, std::chrono::milliseconds timeout) override;

  // Waits (up to `deadline`) until Close was called; false on timeout.
  bool WaitClosed(std::chrono::milliseconds deadline);
  std::string body() const;
  size_t chunks() const;

  bool stalled = false;  // set before the export starts

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> chunks_;
  bool closed_ = false;
};

class PbxDataEnv {
 public:
  explicit PbxDataEnv(CallExportOptions exports = {});

  ApiTestEnv env;
  int64_t company = 0;
  int64_t other_company = 0;
  // Users of `company` with API tokens (env.CallAs): owner owns every system made by
  // MakeSystem; administrator, monitoring, call_data hold that role on each of them.
  int64_t owner = 0, administrator = 0, monitoring = 0, call_data = 0, no_role = 0;
  int64_t stranger = 0;  // of other_company, owns one system there (stranger_system)
  int64_t stranger_system = 0;

  // A system of the owner, registered with the store, with the three roles granted;
  // maintenance active unless `maintenance` is false.
  int64_t MakeSystem(const std::string& serial, bool maintenance = true);

  // Stores calls for `serial` (device) through ingest; seqs continue per device.
  void IngestCalls(const std::string& serial, const std::vector<store::CallRow>& calls);
  // Stores one registrations record (snapshot of these phones and accounts) at ts_ms.
  void IngestRegistrations(const std::string& serial,
                           const std::vector<store::TelephoneRow>& telephones,
                           const std::vector<store::AccountRow>& accounts, int64_t ts_ms);
  // Stores a sysinfo record (body: JSON object text) at ts_ms.
  void IngestSysinfo(const std::string& serial, const std::string& body, int64_t ts_ms);

  // A call numbered n (call id n) starting `minutes_ago` minutes before env.now_ms.
  store::CallRow Call(uint64_t n, int64_t minutes_ago) const;

  // GET as a user (nullopt: anonymous).
  http::Response Get(std::optional<int64_t> user, const std::string& target);
  // Runs a streaming response's StreamStart into a RecordingSink and waits for its end.
  std::string Stream(const http::Response& response);

 private:
  void Ingest(const std::string& serial, const std::string& stream, int64_t ts_ms,
              std::vector<std::string> bodies);

  std::map<std::pair<std::string, std::string>, uint64_t> next_seq_;
};

}  // namespace ccc::relay::api::testing
