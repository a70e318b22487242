#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "relay/api/calls_csv.h"
#include "relay/http/stream_sink.h"
#include "relay/store/store.h"

// Streams call data exports (GET …/calls.csv) on a small pool of its own threads, so that
// no HTTP server thread ever waits for the database or a slow client.
//
// Memory stays constant per export whatever the number of rows: the store's cursor reads
// `rows_per_read` calls at a time (keyset on start time and call id), rows are formatted
// into a buffer sent as one chunk once it reaches `chunk_bytes`, and before each send the
// worker waits until the connection has at most `max_queued_bytes` unsent
// (StreamSink::WaitForRoom). A client that stops reading therefore holds at most
// max_queued_bytes + chunk_bytes; once the server drops it (stream_write_timeout) or
// nothing moved for `stall_timeout`, the export ends, its cursor and worker are freed.
// An export that cannot finish (a database error mid-way, a client that stopped reading,
// the exporter shutting down) ends with StreamSink::Abort: the "200" was sent already, so
// the only honest signal left is a body without its end, which clients report as an
// incomplete transfer instead of a complete but truncated file. Failures are logged with
// the export's label and the rows sent so far.
//
// Thread-safe. The destructor ends running exports at their next chunk and joins the
// workers; the store must outlive the exporter.
namespace ccc::relay::api {

struct CallExportOptions {
  size_t max_concurrent = 2;             // exports streaming at once; more: 503 export_busy
  size_t rows_per_read = 2000;           // calls per cursor read
  size_t chunk_bytes = 64 * 1024;        // bytes per Send
  size_t max_queued_bytes = 128 * 1024;  // wait while more than this is unsent
  std::chrono::milliseconds stall_timeout{60'000};
};

// What one export writes.
struct CallExportJob {
  store::CallFilter filter;  // devices: the systems' serials, in the order rows merge
  bool descending = true;
  CsvLanguage language = CsvLanguage::kEnglish;
  bool with_system = false;  // fleet: name and serial columns first
  // Device (serial) -> system name, for the system columns.
  std::unordered_map<std::string, std::string> system_names;
  // Names the export in log lines (e.g. who asked, and the audit row's target); empty: a
  // label made of the devices.
  std::string label;
};

class CallExporter {
 private:
  struct State;

 public:
  // A reserved export slot: released when the last reference goes, whether or not the
  // export ran (a HEAD request never starts its stream). May outlive the exporter.
  class Slot {
   public:
    explicit Slot(std::shared_ptr<State> state) : state_(std::move(state)) {}
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    std::shared_ptr<State> state_;
  };

  CallExporter(store::Store* store, CallExportOptions options);
  ~CallExporter();
  CallExporter(const CallExporter&) = delete;
  CallExporter& operator=(const CallExporter&) = delete;

  // A slot, or nullptr when max_concurrent exports hold one already.
  std::shared_ptr<Slot> TryReserve();

  // Queues the export for a worker; returns at once (callable from StreamStart). The slot
  // is held until the export finished. The sink is closed at the end, or aborted when the
  // export could not finish.
  void Start(std::shared_ptr<Slot> slot, CallExportJob job, std::shared_ptr<http::StreamSink> sink);

  // Slots held now (reserved or exporting).
  size_t active() const;

 private:
  struct Task {
    std::shared_ptr<Slot> slot;
    CallExportJob job;
    std::shared_ptr<http::StreamSink> sink;
  };

  void WorkerLoop();
  // True when every row was sent (the body may be ended); false when it was cut short.
  bool Run(Task& task);
  // Sends `buffer` once the sink has room; false when the export must end.
  bool Flush(http::StreamSink& sink, std::string* buffer);

  store::Store* const store_;
  const CallExportOptions options_;
  const std::shared_ptr<State> state_;
  std::vector<std::thread> workers_;
};

}  // namespace ccc::relay::api
