#pragma once

#include <chrono>
#include <cstdint>

#include "agent/collect/registration_diff.h"
#include "agent/outbox/outbox.h"
#include "agent/sources/pbx_source.h"
#include "common/status/status.h"

namespace ccc::agent::collect {

// Turns the source's registration status into "registrations" records (issue 5 contract,
// section 1): a snapshot first (after every start), then every snapshot_interval and
// whenever records of the stream may have been lost (RequestSnapshot); in between a
// "changes" record when something changed, nothing when nothing did. Record ts_ms = poll
// time.
//
// The last state stored in the outbox is kept in memory only: after a restart nothing counts
// as sent, so the first record is a snapshot; a failed append leaves it unchanged, so the
// next poll tries again with what is due then.
//
// Thread: the agent loop only. Source and outbox must outlive it.
class RegistrationCollector {
 public:
  RegistrationCollector(sources::PbxSource& source, outbox::Outbox& outbox,
                        std::chrono::milliseconds snapshot_interval);

  // Asks the source once and stores the record that is due, if any.
  // Errors: the source's (kUnsupported: it has no registration status, stop asking;
  // kUnavailable: try again later) and the outbox's (kInvalidArgument: the body was refused,
  // e.g. larger than protocol::CodecLimits::max_body_bytes; kDataLoss: fatal). "registrations"
  // is thinnable, so a full outbox thins or drops instead of refusing; RequestSnapshot
  // repairs what that loses.
  Status Poll(std::chrono::steady_clock::time_point now, int64_t now_ms);

  // Some records of the stream were thinned away or dropped: the relay may have missed
  // changes, so the next record is a snapshot.
  void RequestSnapshot() { snapshot_requested_ = true; }

  uint64_t snapshots_stored() const { return snapshots_stored_; }
  uint64_t changes_stored() const { return changes_stored_; }

 private:
  sources::PbxSource& source_;
  outbox::Outbox& outbox_;
  std::chrono::milliseconds snapshot_interval_;
  RegistrationTracker tracker_;
  bool snapshot_requested_ = false;
  std::chrono::steady_clock::time_point next_snapshot_{};
  uint64_t snapshots_stored_ = 0;
  uint64_t changes_stored_ = 0;
};

}  // namespace ccc::agent::collect
