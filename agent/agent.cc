#include "agent/agent.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <span>
#include <utility>

#include "agent/collect/information_change.h"
#include "agent/collect/sysinfo_body.h"
#include "common/protocol/batch.h"
#include "common/protocol/streams.h"
#include "common/protocol/topic.h"

namespace ccc::agent {
namespace {

using Clock = std::chrono::steady_clock;
using uplink::PublishOutcome;

constexpr std::string_view kEventAgentStarted = "agent_started";
constexpr std::string_view kEventOutboxFull = "outbox_full";
constexpr std::string_view kEventTelemetryThinned = "telemetry_thinned";

}  // namespace

Agent::StreamState::StreamState(std::string topic_in, uint64_t seed, const AgentOptions& options)
    : topic(std::move(topic_in)),
      drop_backoff(options.drop_backoff_min, options.drop_backoff_max, seed) {}

Agent::Agent(AgentOptions options, outbox::Outbox& outbox, uplink::Publisher& publisher,
             sources::HostSampler* sampler, sources::PbxSource* source, AgentClock clock)
    : options_(std::move(options)),
      outbox_(outbox),
      publisher_(publisher),
      sampler_(sampler),
      source_(source),
      clock_(std::move(clock)),
      rng_(options_.seed),
      bucket_(options_.flush_rate, options_.flush_burst, clock_.steady()) {
  options_.max_inflight = std::max<size_t>(1, options_.max_inflight);
  if (source_) {
    registrations_ = std::make_unique<collect::RegistrationCollector>(
        *source_, outbox_, options_.registrations_snapshot_interval);
    calls_ = std::make_unique<collect::CallCollector>(
        *source_, outbox_,
        collect::CallCollectorOptions{options_.calls_page_records, options_.calls_pages_per_round});
    registrations_supported_ = calls_supported_ = information_supported_ = true;
  }
}

Status Agent::Check(const Status& status, std::string_view what) {
  if (status.ok()) return status;
  if (status.code() == StatusCode::kDataLoss || status.code() == StatusCode::kInternal) {
    return status;
  }
  spdlog::error("{}: {}", what, status.ToString());
  return Status::Ok();
}

void Agent::Post(UplinkEvent event) {
  std::lock_guard lock(mu_);
  events_.push_back(std::move(event));
  cv_.notify_one();
}

void Agent::Stop() {
  std::lock_guard lock(mu_);
  stop_requested_ = true;
  cv_.notify_one();
}

Agent::StreamState& Agent::StateOf(const std::string& stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end()) {
    it = streams_
             .try_emplace(stream, protocol::UpTopic(options_.device_id, stream), rng_(), options_)
             .first;
  }
  return it->second;
}

Status Agent::Start() {
  const auto now = clock_.steady();
  next_sample_ = now;
  next_thinning_check_ = now;
  next_heartbeat_ = now;
  // Registration status and call data start with the first Poll; the device information is
  // read below, so that the first sysinfo record carries it.
  next_registrations_ = now;
  next_calls_ = now;
  next_information_ = now + options_.information_interval;

  // Connecting (TCP, TLS, presence) runs in the background while the start-up records are
  // written; its events wait in the queue until Poll.
  publisher_.Start([this](bool connected, std::string detail) {
    UplinkEvent event;
    event.kind = connected ? UplinkEvent::Kind::kConnected : UplinkEvent::Kind::kDisconnected;
    event.result.detail = std::move(detail);
    Post(std::move(event));
  });
  backlog_at_start_ = outbox_.BacklogUpperBound();
  auto stats = outbox_.Stats();
  if (!stats.ok()) return stats.status();
  for (const auto& s : stats->streams) {
    if (protocol::IsThinnable(s.stream)) reported_thinned_ += s.dropped;
    if (s.stream == protocol::kStreamRegistrations) registrations_dropped_ = s.dropped;
  }
  if (calls_) CCC_RETURN_IF_ERROR(calls_->Load());
  CCC_RETURN_IF_ERROR(AppendEvent(kEventAgentStarted, "ccc-agent " + options_.agent_version +
                                                          " started on " + options_.hostname));
  CCC_RETURN_IF_ERROR(PollInformation());
  CCC_RETURN_IF_ERROR(PollIdentity());
  return Check(SetUplinkState(false, ""), "writing uplink state");
}

Status Agent::Run() {
  if (const Status started = Start(); !started.ok()) {
    publisher_.Stop();
    return started;
  }
  if (options_.on_running) options_.on_running();
  Status result;
  while (true) {
    result = Poll();
    if (!result.ok()) break;
    std::unique_lock lock(mu_);
    if (stop_requested_) break;
    cv_.wait_until(lock, NextWakeup(), [&] { return stop_requested_ || !events_.empty(); });
    if (stop_requested_) break;
  }
  publisher_.Stop();
  if (result.ok()) result = FlushAcknowledgements();
  if (result.ok()) result = Check(SetUplinkState(false, ""), "writing uplink state");
  return result;
}

Status Agent::Poll() {
  const auto now = clock_.steady();
  scratch_.clear();
  {
    std::lock_guard lock(mu_);
    std::swap(scratch_, events_);
  }
  for (auto& event : scratch_) CCC_RETURN_IF_ERROR(HandleEvent(event, now));

  // After a stall (suspend, slow disk) missed ticks are skipped instead of caught up.
  const auto advance = [now](Clock::time_point& next, std::chrono::milliseconds interval) {
    next += interval;
    if (next <= now) next = now + interval;
  };
  if (now >= next_sample_) {
    CCC_RETURN_IF_ERROR(Sample());
    CCC_RETURN_IF_ERROR(PollIdentity());
    advance(next_sample_, options_.sample_interval);
  }
  if (registrations_supported_ && now >= next_registrations_) {
    CCC_RETURN_IF_ERROR(PollRegistrations(now));
    advance(next_registrations_, options_.registrations_interval);
  }
  if (calls_supported_ && now >= next_calls_) {
    // Sets next_calls_ itself: at once while a backlog of calls is read.
    CCC_RETURN_IF_ERROR(PollCalls(now));
  }
  if (information_supported_ && now >= next_information_) {
    CCC_RETURN_IF_ERROR(PollInformation());
    advance(next_information_, options_.information_interval);
  }
  if (now >= next_thinning_check_) {
    CCC_RETURN_IF_ERROR(ReportThinning());
    next_thinning_check_ = now + options_.thinning_check_interval;
  }
  // Publishing first keeps the window full while the acknowledgements are written; the
  // acknowledgements of one round share one outbox transaction per stream.
  drained_ = false;
  CCC_RETURN_IF_ERROR(Pump(now));
  if (std::exchange(uplink_state_pending_, false)) {
    CCC_RETURN_IF_ERROR(Check(SetUplinkState(connected_, ""), "writing uplink state"));
  }
  if (acks_pending_ && (inflight_ == 0 || now >= next_ack_flush_)) {
    CCC_RETURN_IF_ERROR(FlushAcknowledgements());
    next_ack_flush_ = now + options_.ack_interval;
  }
  if (drained_ && options_.on_drained) options_.on_drained();
  if (options_.heartbeat && options_.heartbeat_interval.count() > 0 && now >= next_heartbeat_) {
    options_.heartbeat();
    next_heartbeat_ = now + options_.heartbeat_interval;
  }
  // Acknowledgement only marks records; their rows are deleted when nothing can be published,
  // one bounded chunk per round, so that uplink events never wait long behind it.
  purge_more_ = false;
  if (pump_idle_ && outbox_.HasAcknowledgedRows()) {
    auto more = outbox_.PurgeAcknowledged(options_.purge_chunk_rows);
    if (!more.ok()) return Check(more.status(), "deleting acknowledged records");
    purge_more_ = *more;
  }
  return Status::Ok();
}

Clock::time_point Agent::NextWakeup() const {
  auto wake = std::min(next_sample_, next_thinning_check_);
  if (registrations_supported_) wake = std::min(wake, next_registrations_);
  if (calls_supported_) wake = std::min(wake, next_calls_);
  if (information_supported_) wake = std::min(wake, next_information_);
  if (options_.heartbeat && options_.heartbeat_interval.count() > 0) {
    wake = std::min(wake, next_heartbeat_);
  }
  if (connected_) wake = std::min(wake, next_pump_);
  if (acks_pending_) wake = std::min(wake, next_ack_flush_);
  if (purge_more_) wake = Clock::time_point{};  // in the past: at once
  return wake;
}

Status Agent::HandleEvent(UplinkEvent& event, Clock::time_point now) {
  switch (event.kind) {
    case UplinkEvent::Kind::kConnected: {
      ++generation_;
      ForgetInflight();
      CCC_RETURN_IF_ERROR(FlushAcknowledgements());
      outbox_.Rewind();
      needs_rewind_ = false;
      connected_ = true;
      // Only a real backlog waits: a fleet reconnecting after an outage spreads its
      // flushes out, while a fresh or briefly disconnected agent sends at once. What a fresh
      // agent collected before its first connection (e.g. the PBX's call history, read once
      // in the agent's life) is start-up data, not an outage's backlog: the first connection
      // counts only what the outbox held when the agent started.
      drain_not_before_ = now;
      // From memory: counting the rows would read the whole backlog from disk.
      const uint64_t backlog = ever_connected_ ? outbox_.BacklogUpperBound() : backlog_at_start_;
      ever_connected_ = true;
      if (backlog > options_.max_batch_records) {
        drain_not_before_ += uplink::UniformDelay(options_.reconnect_jitter, rng_);
      }
      next_pump_ = drain_not_before_;
      spdlog::info(
          "uplink connected; publishing the backlog in {} ms",
          std::chrono::duration_cast<std::chrono::milliseconds>(drain_not_before_ - now).count());
      if (options_.on_connected) options_.on_connected();
      // Written after this round's publishing: the first batches need not wait for it.
      uplink_state_pending_ = true;
      return Status::Ok();
    }
    case UplinkEvent::Kind::kDisconnected: {
      if (connected_) {
        ++generation_;
        ForgetInflight();
        connected_ = false;
        spdlog::warn("uplink disconnected: {}", event.result.detail);
      }
      return Check(SetUplinkState(false, event.result.detail), "writing uplink state");
    }
    case UplinkEvent::Kind::kResult: {
      // Results of a connection that is gone: the outbox was rewound since.
      if (event.generation != generation_) return Status::Ok();
      auto it = streams_.find(event.stream);
      if (it == streams_.end()) return Status::Ok();
      auto& flights = it->second.flights;
      auto flight = std::find_if(flights.begin(), flights.end(),
                                 [&](const Flight& f) { return f.id == event.flight_id; });
      if (flight == flights.end() || flight->state != FlightState::kPending) return Status::Ok();
      switch (event.result.outcome) {
        case PublishOutcome::kDelivered:
          flight->state = FlightState::kDelivered;
          break;
        case PublishOutcome::kRetry:
          flight->state = FlightState::kRetry;
          break;
        case PublishOutcome::kDrop:
          flight->state = FlightState::kDrop;
          break;
      }
      flight->result = std::move(event.result);
      return Settle(it->second, now);
    }
  }
  return Status::Ok();
}

Status Agent::FlushAcknowledgements() {
  acks_pending_ = false;
  for (auto& [stream, state] : streams_) {
    if (state.ack_hi == 0) continue;
    const uint64_t hi = std::exchange(state.ack_hi, 0);
    CCC_RETURN_IF_ERROR(
        Check(outbox_.Acknowledge(stream, hi, clock_.wall_ms()), "acknowledging " + stream));
  }
  return Status::Ok();
}

Status Agent::Settle(StreamState& state, Clock::time_point now) {
  // QoS 1 acknowledgements arrive in order, but only a prefix of settled batches may move
  // the outbox's acknowledged seq: a later success must not cover an earlier failure.
  while (!state.flights.empty() && state.flights.front().state != FlightState::kPending) {
    Flight flight = std::move(state.flights.front());
    state.flights.pop_front();
    --inflight_;
    switch (flight.state) {
      case FlightState::kDelivered:
        ++counters_.delivered_batches;
        if (!state.broken) {
          state.drop_backoff.Reset();
          state.ack_hi = flight.range_hi;
          acks_pending_ = true;
        }
        break;
      case FlightState::kDrop: {
        ++counters_.dropped_batches;
        const auto wait = state.drop_backoff.Next();
        state.broken = true;
        state.blocked_until = now + wait;
        needs_rewind_ = true;
        spdlog::error(
            "broker refused publish to {} (records {}..{}): {}; the records stay in the outbox, "
            "retrying this stream in {} ms",
            state.topic, flight.range_lo, flight.range_hi, flight.result.detail, wait.count());
        CCC_RETURN_IF_ERROR(Check(
            outbox_.SetState("uplink.dropped_batches", std::to_string(counters_.dropped_batches)),
            "writing uplink state"));
        CCC_RETURN_IF_ERROR(Check(
            outbox_.SetState("uplink.last_drop",
                             state.topic + ": " + flight.result.detail + " (kept, will retry)"),
            "writing uplink state"));
        break;
      }
      case FlightState::kRetry:
        ++counters_.retried_batches;
        state.broken = true;
        state.blocked_until = now + options_.retry_pause;
        needs_rewind_ = true;
        spdlog::warn("publish to {} not confirmed ({}); will send again", state.topic,
                     flight.result.detail);
        break;
      case FlightState::kPending:
        break;
    }
  }
  return Status::Ok();
}

void Agent::ForgetInflight() {
  for (auto& [name, state] : streams_) {
    state.flights.clear();
    state.broken = false;
  }
  inflight_ = 0;
}

Status Agent::Pump(Clock::time_point now) {
  next_pump_ = Clock::time_point::max();
  pump_idle_ = true;
  if (!connected_) return Status::Ok();
  pump_idle_ = false;
  if (needs_rewind_) {
    // Rewind is global: wait until nothing is in flight, then hand out again from the
    // last acknowledged seq of every stream.
    if (inflight_ > 0) return Status::Ok();
    CCC_RETURN_IF_ERROR(FlushAcknowledgements());
    outbox_.Rewind();
    needs_rewind_ = false;
    for (auto& [name, state] : streams_) state.broken = false;
  }
  if (now < drain_not_before_) {
    next_pump_ = drain_not_before_;
    pump_idle_ = true;
    return Status::Ok();
  }
  if (inflight_ >= options_.max_inflight) return Status::Ok();

  auto streams = outbox_.Streams();
  if (!streams.ok()) return Check(streams.status(), "listing outbox streams");
  const size_t n = streams->size();
  size_t idle = 0;
  bool blocked = false;
  while (inflight_ < options_.max_inflight && idle < n) {
    const std::string& name = (*streams)[round_robin_++ % n];
    auto& state = StateOf(name);
    if (now < state.blocked_until) {
      blocked = true;
      next_pump_ = std::min(next_pump_, state.blocked_until);
      ++idle;
      continue;
    }
    if (!bucket_.CanTake(now)) {
      next_pump_ = std::min(next_pump_, now + bucket_.TimeUntilAvailable(now));
      pump_idle_ = true;
      return Status::Ok();
    }
    auto batch = outbox_.NextBatch(name, options_.max_batch_records, options_.max_batch_bytes);
    if (!batch.ok()) return Check(batch.status(), "reading the outbox");
    if (!batch->has_value()) {
      ++idle;
      continue;
    }
    idle = 0;
    bucket_.TryTake(now);
    CCC_RETURN_IF_ERROR(PublishBatch(std::move(**batch), state));
  }
  pump_idle_ = idle >= n;
  drained_ = idle >= n && !blocked && inflight_ == 0;
  return Status::Ok();
}

Status Agent::PublishBatch(outbox::PendingBatch pending, StreamState& state) {
  protocol::Batch batch;
  batch.device = options_.device_id;
  batch.stream = pending.stream;
  batch.epoch = outbox_.epoch();
  batch.range_lo = pending.range_lo;
  batch.range_hi = pending.range_hi;
  batch.sent_ms = clock_.wall_ms();
  batch.records = std::move(pending.records);

  Flight flight;
  flight.id = next_flight_id_++;
  flight.range_lo = batch.range_lo;
  flight.range_hi = batch.range_hi;
  state.flights.push_back(flight);
  ++inflight_;
  ++counters_.published_batches;

  // The outbox validated every body on append (outbox.h).
  auto payload = protocol::EncodeBatchTrusted(batch);
  if (!payload.ok()) {
    // Cannot happen for records the outbox accepted within the configured batch limits;
    // treated like a refusal so the stream backs off instead of spinning.
    Post({UplinkEvent::Kind::kResult,
          generation_,
          flight.id,
          batch.stream,
          {PublishOutcome::kDrop, 0, "encoding failed: " + payload.status().ToString()}});
    return Status::Ok();
  }
  publisher_.Publish(
      state.topic, std::move(*payload),
      [this, generation = generation_, id = flight.id,
       stream = std::move(batch.stream)](uplink::PublishResult result) {
        Post({UplinkEvent::Kind::kResult, generation, id, stream, std::move(result)});
      });
  return Status::Ok();
}

Status Agent::Sample() {
  if (!sampler_) return Status::Ok();
  auto sample = sampler_->Sample();
  if (!sample.ok()) {
    // Logged once per distinct error: a missing /proc would otherwise flood the log.
    if (sample.status().message() != last_sample_error_) {
      last_sample_error_ = sample.status().message();
      spdlog::warn("host sampler: {}", sample.status().ToString());
    }
    return Status::Ok();
  }
  last_sample_error_.clear();
  outbox::NewRecord record{clock_.wall_ms(), sources::TelemetryBody(*sample)};
  return Check(outbox_.Append(protocol::kStreamTelemetry, std::span(&record, 1)),
               "storing telemetry");
}

Status Agent::PollIdentity() {
  if (!source_) return Status::Ok();
  // While the outbox has no room for sysinfo the source is left alone: the change already
  // seen waits in sysinfo_due_.
  if (!(paused_ & kPausedSysinfo)) {
    auto identity = source_->Identity();
    if (!identity.ok()) {
      spdlog::warn("pbx source: {}", identity.status().ToString());
      return Status::Ok();
    }
    if (last_identity_ != *identity) {
      last_identity_ = std::move(*identity);
      if (!sysinfo_due_) sysinfo_due_ms_ = clock_.wall_ms();
      sysinfo_due_ = true;
    }
  }
  return StoreSysinfo();
}

Status Agent::PollInformation() {
  if (!information_supported_) return Status::Ok();
  auto information = source_->Information(clock_.wall_ms());
  if (!information.ok()) {
    return CollectorFailed("device information", information.status(), information_supported_,
                           last_information_error_);
  }
  last_information_error_.clear();
  if (last_information_ && !collect::InformationChanged(*last_information_, *information)) {
    return Status::Ok();
  }
  last_information_ = std::move(*information);
  if (!sysinfo_due_) sysinfo_due_ms_ = clock_.wall_ms();
  sysinfo_due_ = true;
  return StoreSysinfo();
}

Status Agent::StoreSysinfo() {
  // Without the identity there is no sysinfo record; it follows once the identity is known.
  if (!sysinfo_due_ || !last_identity_) return Status::Ok();
  collect::SysinfoFacts facts;
  facts.identity = *last_identity_;
  facts.agent_version = options_.agent_version;
  facts.hostname = options_.hostname;
  facts.opt_in_monitoring = options_.opt_in_monitoring;
  facts.opt_in_remote_configuration = options_.opt_in_remote_configuration;
  facts.information = last_information_;
  const outbox::NewRecord record{sysinfo_due_ms_, collect::SysinfoBody(facts)};
  const Status status = outbox_.Append(protocol::kStreamSystemInfo, std::span(&record, 1));
  if (status.code() == StatusCode::kResourceExhausted) {
    return PauseCollection(kPausedSysinfo, status);
  }
  CCC_RETURN_IF_ERROR(Check(status, "storing sysinfo"));
  if (status.ok()) {
    sysinfo_due_ = false;
    ResumeCollection(kPausedSysinfo);
  }
  return Status::Ok();
}

Status Agent::PollRegistrations(Clock::time_point now) {
  const Status status = registrations_->Poll(now, clock_.wall_ms());
  counters_.registration_snapshots = registrations_->snapshots_stored();
  counters_.registration_changes = registrations_->changes_stored();
  if (status.ok()) {
    last_registrations_error_.clear();
    return Status::Ok();
  }
  return CollectorFailed("registration status", status, registrations_supported_,
                         last_registrations_error_);
}

Status Agent::PollCalls(Clock::time_point now) {
  auto more = calls_->Poll(clock_.wall_ms());
  counters_.calls_stored = calls_->calls_stored();
  next_calls_ = now + options_.calls_interval;
  if (more.ok()) {
    last_calls_error_.clear();
    ResumeCollection(kPausedCalls);
    if (*more) next_calls_ = now;
    return Status::Ok();
  }
  if (more.status().code() == StatusCode::kResourceExhausted) {
    return PauseCollection(kPausedCalls, more.status());
  }
  return CollectorFailed("call data", more.status(), calls_supported_, last_calls_error_);
}

Status Agent::PauseCollection(PausedCollection which, const Status& refusal) {
  const bool already = paused_ != 0;
  paused_ |= which;
  counters_.source_paused = true;
  if (already) return Status::Ok();
  spdlog::error("outbox full: PBX source paused until records are delivered ({})",
                refusal.message());
  return AppendEvent(kEventOutboxFull,
                     "outbox full: collection from the PBX paused, nothing was dropped");
}

void Agent::ResumeCollection(PausedCollection which) {
  if (!(paused_ & which)) return;
  paused_ &= ~static_cast<unsigned>(which);
  if (paused_ != 0) return;
  counters_.source_paused = false;
  spdlog::info("outbox has room again: PBX source resumed");
}

Status Agent::CollectorFailed(std::string_view what, const Status& status, bool& supported,
                              std::string& last_error) {
  // Only the outbox's kDataLoss stops the agent: a source's failure (kInternal included, an
  // adapter's bug) must not take telemetry and the other collectors down with it.
  if (status.code() == StatusCode::kDataLoss) return status;
  if (status.code() == StatusCode::kUnsupported) {
    supported = false;
    spdlog::info("pbx source: {} not available from this source, not collected ({})", what,
                 status.message());
    return Status::Ok();
  }
  // Logged once per distinct error: an unreachable PBX would otherwise fill the log.
  if (status.message() != last_error) {
    last_error = status.message();
    spdlog::warn("pbx source: {}: {}", what, status.ToString());
  }
  return Status::Ok();
}

Status Agent::ReportThinning() {
  auto stats = outbox_.Stats();
  if (!stats.ok()) return Check(stats.status(), "reading outbox statistics");
  uint64_t thinned = 0;
  for (const auto& s : stats->streams) {
    if (protocol::IsThinnable(s.stream)) thinned += s.dropped;
    // Registration records thinned away or dropped: the relay may have missed changes, and
    // only a snapshot repairs that. Other streams' losses leave its state intact.
    if (s.stream == protocol::kStreamRegistrations && s.dropped > registrations_dropped_) {
      spdlog::warn("outbox full: {} registration records lost; sending a snapshot next",
                   s.dropped - registrations_dropped_);
      registrations_dropped_ = s.dropped;
      if (registrations_) registrations_->RequestSnapshot();
    }
  }
  if (thinned <= reported_thinned_) return Status::Ok();
  const uint64_t count = thinned - reported_thinned_;
  reported_thinned_ = thinned;
  spdlog::warn("outbox full: {} telemetry records thinned away ({} in total)", count, thinned);
  return AppendEvent(
      kEventTelemetryThinned,
      "outbox full: " + std::to_string(count) + " telemetry records thinned away",
      {{"count", static_cast<int64_t>(count)}, {"total", static_cast<int64_t>(thinned)}});
}

Status Agent::AppendEvent(std::string_view type, std::string_view message,
                          std::vector<std::pair<std::string, int64_t>> numbers) {
  boost::json::object body;
  body["type"] = type;
  body["message"] = message;
  for (const auto& [key, value] : numbers) body[key] = value;
  outbox::NewRecord record{clock_.wall_ms(), boost::json::serialize(body)};
  const Status status = outbox_.Append(protocol::kStreamEvents, std::span(&record, 1));
  if (status.code() == StatusCode::kResourceExhausted) {
    ++counters_.events_lost;
    spdlog::critical("outbox full even for alerts: event '{}' not stored: {}", type, message);
    return Status::Ok();
  }
  return Check(status, "storing event");
}

Status Agent::SetUplinkState(bool connected, std::string_view error) {
  if (written_connected_ != connected) {
    CCC_RETURN_IF_ERROR(outbox_.SetState("uplink.connected", connected ? "1" : "0"));
    CCC_RETURN_IF_ERROR(
        outbox_.SetState("uplink.last_change_ms", std::to_string(clock_.wall_ms())));
    written_connected_ = connected;
  }
  if (!error.empty()) CCC_RETURN_IF_ERROR(outbox_.SetState("uplink.last_error", error));
  return Status::Ok();
}

}  // namespace ccc::agent
