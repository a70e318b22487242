#include "agent/collect/call_collector.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "agent/collect/call_body.h"
#include "common/protocol/streams.h"

namespace ccc::agent::collect {

CallCollector::CallCollector(sources::PbxSource& source, outbox::Outbox& outbox,
                             CallCollectorOptions options)
    : source_(source), outbox_(outbox), options_(options) {
  options_.page_records = std::max<size_t>(options_.page_records, 1);
  options_.max_pages_per_round = std::max<size_t>(options_.max_pages_per_round, 1);
}

Status CallCollector::Load() {
  auto stored = outbox_.Cursor(kCallsCursorKey);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    cursor_ = 0;
    return Status::Ok();
  }
  const std::string& text = **stored;
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0) {
    // Guessing would lose or repeat calls.
    return DataLoss("outbox cursor '" + std::string(kCallsCursorKey) + "' holds '" + text +
                    "', not a call record id");
  }
  cursor_ = value;
  return Status::Ok();
}

Result<bool> CallCollector::Poll(int64_t now_ms) {
  for (size_t page = 0; page < options_.max_pages_per_round; ++page) {
    auto calls = source_.CallsAfter(cursor_, options_.page_records, now_ms);
    if (!calls.ok()) return calls.status();
    if (calls->empty()) return false;

    uint64_t previous = cursor_;
    for (const sources::CallRecord& call : *calls) {
      if (call.id <= previous) {
        return InvalidArgument("PBX source returned call id " + std::to_string(call.id) +
                               " after " + std::to_string(previous) +
                               " (ids must ascend after the cursor); nothing stored");
      }
      previous = call.id;
    }
    page_.clear();
    page_.reserve(calls->size());
    for (const sources::CallRecord& call : *calls) page_.push_back({now_ms, CallBody(call)});
    const uint64_t last = calls->back().id;
    const Status appended = outbox_.AppendWithCursor(protocol::kStreamCalls, page_, kCallsCursorKey,
                                                     std::to_string(last));
    // The bodies are in the outbox now (or are made again from the source): kept until the
    // next page, the last page of the call history would stay on the heap for good.
    page_.clear();
    CCC_RETURN_IF_ERROR(appended);
    // Only now that the transaction committed: a refused page is read again later.
    cursor_ = last;
    calls_stored_ += calls->size();
    if (calls->size() < options_.page_records) return false;
  }
  return true;
}

}  // namespace ccc::agent::collect
