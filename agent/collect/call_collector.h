#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "agent/outbox/outbox.h"
#include "agent/sources/pbx_source.h"
#include "common/status/status.h"

namespace ccc::agent::collect {

// The outbox cursor (Outbox::Cursor) holding the id of the last call stored: decimal text.
inline constexpr std::string_view kCallsCursorKey = "calls";

struct CallCollectorOptions {
  size_t page_records = 500;  // asked of the source at a time; one outbox transaction each
  // Pages per Poll, so that a long history does not hold up the agent loop (sampling,
  // publishing): the rest follows in the next rounds.
  size_t max_pages_per_round = 4;
};

// Reads call data records incrementally and stores them in the durable "calls" stream, one
// record per call (collect/call_body.h), ts_ms = read time.
//
// Exactly once across crashes and restarts: each page is appended together with its last id
// as cursor kCallsCursorKey in one outbox transaction (Outbox::AppendWithCursor), and
// reading resumes after the stored cursor (PbxSource::CallsAfter's contract). Before the
// first call was ever stored the cursor is 0 ("from the start of the PBX's history"); from
// the first stored page on it holds a real id and never goes back to 0.
// When the outbox is full, nothing of the page is stored and the cursor stays put: the same
// calls are read again once there is room.
//
// Thread: the agent loop only. Source and outbox must outlive it.
class CallCollector {
 public:
  CallCollector(sources::PbxSource& source, outbox::Outbox& outbox,
                CallCollectorOptions options = {});

  // Reads the stored cursor; call once before Poll. kDataLoss when it is not an id.
  Status Load();

  // Reads and stores up to max_pages_per_round pages. Returns whether more calls are
  // probably waiting (the last page was full and the round ended because of the limit).
  // Errors: the source's (kUnsupported: no call data, stop asking; kUnavailable: later),
  // kInvalidArgument when the source's page breaks the cursor contract (ids not ascending
  // after the cursor; nothing stored), kResourceExhausted when the outbox is full (nothing
  // of that page stored, cursor unchanged; pages stored before it in this round stay),
  // kDataLoss (fatal). A failing round keeps the pages it stored before the failure.
  Result<bool> Poll(int64_t now_ms);

  uint64_t cursor() const { return cursor_; }
  uint64_t calls_stored() const { return calls_stored_; }

 private:
  sources::PbxSource& source_;
  outbox::Outbox& outbox_;
  CallCollectorOptions options_;
  uint64_t cursor_ = 0;
  uint64_t calls_stored_ = 0;
  std::vector<outbox::NewRecord> page_;  // reused: one page's records
};

}  // namespace ccc::agent::collect
