#include "agent/collect/registration_collector.h"

#include <span>
#include <utility>

#include "agent/collect/registration_body.h"
#include "common/protocol/streams.h"

namespace ccc::agent::collect {

RegistrationCollector::RegistrationCollector(sources::PbxSource& source, outbox::Outbox& outbox,
                                             std::chrono::milliseconds snapshot_interval)
    : source_(source), outbox_(outbox), snapshot_interval_(snapshot_interval) {}

Status RegistrationCollector::Poll(std::chrono::steady_clock::time_point now, int64_t now_ms) {
  auto state = source_.Registrations(now_ms);
  if (!state.ok()) return state.status();
  const bool snapshot = snapshot_requested_ || !tracker_.has_sent() || now >= next_snapshot_;
  auto update = tracker_.Next(*state, snapshot);
  if (!update) return Status::Ok();

  const outbox::NewRecord record{now_ms, RegistrationBody(*update)};
  CCC_RETURN_IF_ERROR(outbox_.Append(protocol::kStreamRegistrations, std::span(&record, 1)));
  tracker_.Sent(std::move(*state));
  if (update->kind == RegistrationUpdateKind::kSnapshot) {
    ++snapshots_stored_;
    snapshot_requested_ = false;
    next_snapshot_ = now + snapshot_interval_;
  } else {
    ++changes_stored_;
  }
  return Status::Ok();
}

}  // namespace ccc::agent::collect
