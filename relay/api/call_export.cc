#include "relay/api/call_export.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>

namespace ccc::relay::api {
namespace {

std::string LabelOf(const CallExportJob& job) {
  if (!job.label.empty()) return job.label;
  if (job.filter.devices.size() == 1) return "calls export of " + job.filter.devices.front();
  return "calls export of " + std::to_string(job.filter.devices.size()) + " systems";
}

}  // namespace

// Shared with the slots, which may outlive the exporter (held by a response not yet sent).
struct CallExporter::State {
  std::mutex mu;
  std::condition_variable wake;
  std::deque<Task> tasks;  // guarded
  size_t reserved = 0;     // guarded: slots alive
  bool stopping = false;   // guarded
};

CallExporter::Slot::~Slot() {
  std::lock_guard lock(state_->mu);
  --state_->reserved;
}

CallExporter::CallExporter(store::Store* store, CallExportOptions options)
    : store_(store), options_(options), state_(std::make_shared<State>()) {
  workers_.reserve(options_.max_concurrent);
  for (size_t i = 0; i < options_.max_concurrent; ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

CallExporter::~CallExporter() {
  std::deque<Task> dropped;
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
    dropped.swap(state_->tasks);
  }
  state_->wake.notify_all();
  // Their heads are sent: an empty body must not pass for "no calls".
  for (Task& task : dropped) {
    spdlog::warn("{}: not run, the relay is stopping", LabelOf(task.job));
    task.sink->Abort();
  }
  // Running exports see `stopping` at their next chunk.
  for (std::thread& worker : workers_) worker.join();
  // `dropped` releases its slots here, before state_ could go.
}

std::shared_ptr<CallExporter::Slot> CallExporter::TryReserve() {
  std::lock_guard lock(state_->mu);
  if (state_->stopping || state_->reserved >= options_.max_concurrent) return nullptr;
  ++state_->reserved;
  return std::make_shared<Slot>(state_);
}

void CallExporter::Start(std::shared_ptr<Slot> slot, CallExportJob job,
                         std::shared_ptr<http::StreamSink> sink) {
  {
    std::lock_guard lock(state_->mu);
    if (!state_->stopping) {
      state_->tasks.push_back(Task{std::move(slot), std::move(job), sink});
      sink.reset();
    }
  }
  if (sink) {
    spdlog::warn("calls export: not run, the relay is stopping");
    sink->Abort();
    return;
  }
  state_->wake.notify_one();
}

size_t CallExporter::active() const {
  std::lock_guard lock(state_->mu);
  return state_->reserved;
}

void CallExporter::WorkerLoop() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(state_->mu);
      state_->wake.wait(lock, [&] { return state_->stopping || !state_->tasks.empty(); });
      if (state_->stopping) return;
      task = std::move(state_->tasks.front());
      state_->tasks.pop_front();
    }
    const bool complete = Run(task);
    // The slot goes first: a client that reads to the end may ask for the next export at
    // once.
    std::shared_ptr<http::StreamSink> sink = std::move(task.sink);
    task = Task();
    if (complete) {
      sink->Close();
    } else {
      sink->Abort();
    }
  }
}

bool CallExporter::Flush(http::StreamSink& sink, std::string* buffer) {
  if (buffer->empty()) return true;
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopping) return false;
  }
  if (!sink.WaitForRoom(options_.max_queued_bytes, options_.stall_timeout)) return false;
  if (!sink.Send(std::move(*buffer))) return false;
  buffer->clear();
  buffer->reserve(options_.chunk_bytes + 4096);
  return true;
}

bool CallExporter::Run(Task& task) {
  const CallExportJob& job = task.job;
  const std::string label = LabelOf(job);
  http::StreamSink& sink = *task.sink;
  const CallsCsvWriter writer(job.language, job.with_system);
  std::string buffer;
  buffer.reserve(options_.chunk_bytes + 4096);
  writer.AppendHead(&buffer);

  auto cursor = store_->OpenCallCursor(job.filter, job.descending, options_.rows_per_read);
  if (!cursor.ok()) {
    spdlog::error("{}: cannot read calls, the download is aborted: {}", label,
                  cursor.status().ToString());
    return false;
  }
  std::vector<store::CallRow> rows;
  uint64_t written = 0;
  for (;;) {
    Result<bool> more = (*cursor)->Next(&rows);
    if (!more.ok()) {
      spdlog::error("{}: reading calls failed after {} rows, the download is aborted: {}", label,
                    written, more.status().ToString());
      return false;
    }
    if (!*more) break;
    for (const store::CallRow& call : rows) {
      std::string_view name;
      if (job.with_system) {
        auto it = job.system_names.find(call.device);
        if (it != job.system_names.end()) name = it->second;
      }
      writer.AppendRow(call, name, call.device, &buffer);
      if (buffer.size() >= options_.chunk_bytes && !Flush(sink, &buffer)) {
        spdlog::info(
            "{}: ended after {} rows (the client stopped reading or left, or the relay "
            "is stopping)",
            label, written);
        return false;
      }
    }
    written += rows.size();
  }
  if (!Flush(sink, &buffer)) {
    spdlog::info("{}: the client went away before the end ({} rows)", label, written);
    return false;
  }
  return true;
}

}  // namespace ccc::relay::api
