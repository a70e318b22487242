#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "agent/collect/call_collector.h"
#include "agent/collect/registration_collector.h"
#include "agent/outbox/outbox.h"
#include "agent/sources/host/host_sampler.h"
#include "agent/sources/pbx_source.h"
#include "agent/uplink/backoff.h"
#include "agent/uplink/publisher.h"
#include "agent/uplink/token_bucket.h"
#include "common/status/status.h"

namespace ccc::agent {

// Time seams: `steady` drives intervals and pacing, `wall_ms` (Unix ms) stamps records.
struct AgentClock {
  std::function<std::chrono::steady_clock::time_point()> steady = [] {
    return std::chrono::steady_clock::now();
  };
  std::function<int64_t()> wall_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
};

struct AgentOptions {
  std::string device_id;
  std::string agent_version = CCC_AGENT_VERSION;
  std::string hostname;
  // Site-side opt-ins (FEATURES A5), reported in sysinfo as
  // "opt_in": {"monitoring": bool, "remote_configuration": bool}.
  bool opt_in_monitoring = false;
  bool opt_in_remote_configuration = false;
  std::chrono::milliseconds sample_interval{1'000};
  // PBX data (issue 5 contract, section 1). A collector whose method the source answers with
  // kUnsupported is skipped from then on (one log line).
  // Registration status: polled this often; a full snapshot at start, this often and after
  // records of the stream were thinned away, "changes" in between.
  std::chrono::milliseconds registrations_interval{10'000};
  std::chrono::milliseconds registrations_snapshot_interval{15 * 60'000};
  // Call data: read this often, in pages of calls_page_records, at most calls_pages_per_round
  // pages per loop round (a long history continues in the next rounds, so sampling and
  // publishing go on meanwhile).
  std::chrono::milliseconds calls_interval{5'000};
  size_t calls_page_records = 500;
  size_t calls_pages_per_round = 4;
  // Device information and licences: polled this often; a sysinfo record when anything but
  // the time changed.
  std::chrono::milliseconds information_interval{60'000};
  double flush_rate = 50;  // batches per second; 0 = unlimited
  double flush_burst = 20;
  // Random 0..this wait after a (re)connect before publishing a backlog of more than one
  // batch, so that a fleet coming back at once does not flatten the broker. The first
  // connection after start-up counts only the backlog stored before start-up.
  std::chrono::milliseconds reconnect_jitter{5'000};
  size_t max_batch_records = 500;
  size_t max_batch_bytes = 64 * 1024;
  size_t max_inflight = 32;
  // Acknowledgements of delivered batches are written to the outbox at most this often
  // (one transaction, one fsync for all of them), and at once when nothing is left in
  // flight, before a rewind and on stop. A crash loses at most this much acknowledgement
  // state: those records are sent again (at least once; the relay drops duplicates).
  std::chrono::milliseconds ack_interval{25};
  // Acknowledged records are deleted from the outbox file when there is nothing to publish,
  // at most this many rows per loop round (Outbox::PurgeAcknowledged).
  size_t purge_chunk_rows = 2'000;
  // A stream whose batch the broker refused waits this long (exponential, jittered).
  std::chrono::milliseconds drop_backoff_min{1'000};
  std::chrono::milliseconds drop_backoff_max{300'000};
  // A stream whose batch came back "retry" while still connected waits this long.
  std::chrono::milliseconds retry_pause{1'000};
  // How often to look for telemetry thinned away (at most one event per interval); also how
  // soon a registration snapshot follows registration records lost to a full outbox.
  std::chrono::milliseconds thinning_check_interval{60'000};
  uint64_t seed = 0;

  // Called on the loop thread: once when running, every heartbeat_interval (if > 0), and
  // whenever connected with nothing left to send or in flight.
  std::function<void()> on_running;
  std::function<void()> heartbeat;
  std::chrono::milliseconds heartbeat_interval{0};
  std::function<void()> on_drained;
  // Called on the loop thread after every (re)connect, once the uplink is established.
  std::function<void()> on_connected;
};

struct AgentCounters {
  uint64_t published_batches = 0;
  uint64_t delivered_batches = 0;
  uint64_t dropped_batches = 0;  // refused by the broker, kept in the outbox
  uint64_t retried_batches = 0;
  uint64_t events_lost = 0;             // alerts that did not fit even into the reserve
  bool source_paused = false;           // the PBX source waits for room in the outbox
  uint64_t registration_snapshots = 0;  // "registrations" records stored, by kind
  uint64_t registration_changes = 0;
  uint64_t calls_stored = 0;
};

// The agent's run loop: sources -> outbox -> uplink. One thread (the loop) owns the
// outbox and calls every method except Stop; the publisher's callbacks only queue events
// for the loop. The outbox, publisher, sampler and source must outlive the Agent; sampler
// and source may be null (the benchmark uses neither).
//
// PBX data: identity (every sample_interval) and device information (every
// information_interval) become "sysinfo" records on change; registration status and call
// data are collected by collect::RegistrationCollector and collect::CallCollector. When the
// outbox refuses a durable record (sysinfo, calls) for lack of room, collection of it
// pauses without moving its cursor, an "outbox_full" event is recorded once, and it resumes
// when a later attempt fits.
//
// Delivery: batches are acknowledged in the outbox only when the broker acknowledged them
// and every earlier batch of the same stream; anything else is published again after an
// outbox Rewind (after a reconnect, a refusal or a retry). Refused batches stay stored.
class Agent {
 public:
  Agent(AgentOptions options, outbox::Outbox& outbox, uplink::Publisher& publisher,
        sources::HostSampler* sampler, sources::PbxSource* source, AgentClock clock = {});

  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Starts the publisher (it connects in the background), then writes the start-up records
  // (agent_started event, sysinfo).
  Status Start();
  // One round: applies uplink events, samples when due, publishes what the window and the
  // pacing allow. A non-ok Status is fatal (kDataLoss from the outbox): stop loudly.
  Status Poll();
  // When Poll next has something to do without an uplink event.
  std::chrono::steady_clock::time_point NextWakeup() const;
  // Start, then Poll until Stop or a fatal error; stops the publisher on the way out.
  Status Run();
  // Any thread.
  void Stop();

  const AgentCounters& counters() const { return counters_; }

 private:
  enum class FlightState { kPending, kDelivered, kRetry, kDrop };
  struct Flight {
    uint64_t id = 0;
    uint64_t range_lo = 0;
    uint64_t range_hi = 0;
    FlightState state = FlightState::kPending;
    uplink::PublishResult result;
  };
  struct StreamState {
    StreamState(std::string topic, uint64_t seed, const AgentOptions& options);
    std::string topic;
    std::deque<Flight> flights;  // publish order
    // A batch before the front was not delivered: nothing after it may be acknowledged
    // until the outbox is rewound.
    bool broken = false;
    std::chrono::steady_clock::time_point blocked_until{};
    uplink::Backoff drop_backoff;
    uint64_t ack_hi = 0;  // delivered up to here, not yet written to the outbox
  };
  struct UplinkEvent {
    enum class Kind { kConnected, kDisconnected, kResult } kind;
    uint64_t generation = 0;
    uint64_t flight_id = 0;
    std::string stream;
    uplink::PublishResult result;
  };

  void Post(UplinkEvent event);
  Status HandleEvent(UplinkEvent& event, std::chrono::steady_clock::time_point now);
  Status Settle(StreamState& state, std::chrono::steady_clock::time_point now);
  void ForgetInflight();
  Status FlushAcknowledgements();
  Status Pump(std::chrono::steady_clock::time_point now);
  Status PublishBatch(outbox::PendingBatch batch, StreamState& state);
  // Which durable PBX collection waits for room in the outbox (bits of paused_).
  enum PausedCollection : unsigned { kPausedSysinfo = 1, kPausedCalls = 2 };

  Status Sample();
  Status PollIdentity();
  Status PollInformation();
  Status StoreSysinfo();
  Status PollRegistrations(std::chrono::steady_clock::time_point now);
  Status PollCalls(std::chrono::steady_clock::time_point now);
  Status PauseCollection(PausedCollection which, const Status& refusal);
  void ResumeCollection(PausedCollection which);
  // A collector's failure: kDataLoss (the outbox) passes through as fatal; kUnsupported is
  // logged once and clears `supported`; anything else is logged when it differs from the
  // last one and retried at the next interval.
  Status CollectorFailed(std::string_view what, const Status& status, bool& supported,
                         std::string& last_error);
  Status ReportThinning();
  Status AppendEvent(std::string_view type, std::string_view message,
                     std::vector<std::pair<std::string, int64_t>> numbers = {});
  Status SetUplinkState(bool connected, std::string_view error);
  StreamState& StateOf(const std::string& stream);
  // Fatal codes pass through; anything else is logged with `what` and swallowed.
  Status Check(const Status& status, std::string_view what);

  AgentOptions options_;
  outbox::Outbox& outbox_;
  uplink::Publisher& publisher_;
  sources::HostSampler* sampler_;
  sources::PbxSource* source_;
  AgentClock clock_;
  std::mt19937_64 rng_;
  uplink::TokenBucket bucket_;
  AgentCounters counters_;

  // Shared with the publisher's threads.
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<UplinkEvent> events_;
  bool stop_requested_ = false;

  // Loop thread only.
  std::vector<UplinkEvent> scratch_;
  bool connected_ = false;
  bool ever_connected_ = false;
  uint64_t backlog_at_start_ = 0;  // Outbox::BacklogUpperBound when Start began
  uint64_t generation_ = 0;
  uint64_t next_flight_id_ = 1;
  size_t inflight_ = 0;
  bool needs_rewind_ = false;
  bool drained_ = false;
  size_t round_robin_ = 0;
  std::map<std::string, StreamState, std::less<>> streams_;
  std::chrono::steady_clock::time_point drain_not_before_{};
  std::chrono::steady_clock::time_point next_pump_{};
  std::chrono::steady_clock::time_point next_sample_{};
  std::chrono::steady_clock::time_point next_registrations_{};
  std::chrono::steady_clock::time_point next_calls_{};
  std::chrono::steady_clock::time_point next_information_{};
  std::chrono::steady_clock::time_point next_thinning_check_{};
  std::chrono::steady_clock::time_point next_heartbeat_{};
  std::chrono::steady_clock::time_point next_ack_flush_{};
  bool acks_pending_ = false;
  bool uplink_state_pending_ = false;  // "connected" to write after this round's Pump
  bool pump_idle_ = false;             // the last Pump found nothing it could publish now
  bool purge_more_ = false;            // acknowledged rows wait to be deleted
  std::optional<sources::PbxIdentity> last_identity_;
  // Latest device information (sent, or due to be sent with the next sysinfo record).
  std::optional<sources::PbxInformation> last_information_;
  bool sysinfo_due_ = false;    // a change waits to be stored (while paused: for room)
  int64_t sysinfo_due_ms_ = 0;  // when that change was seen: the record's ts_ms
  std::unique_ptr<collect::RegistrationCollector> registrations_;
  std::unique_ptr<collect::CallCollector> calls_;
  bool registrations_supported_ = false;
  bool calls_supported_ = false;
  bool information_supported_ = false;
  std::string last_registrations_error_;
  std::string last_calls_error_;
  std::string last_information_error_;
  unsigned paused_ = 0;  // PausedCollection bits
  uint64_t reported_thinned_ = 0;
  uint64_t registrations_dropped_ = 0;     // "registrations" records lost so far (Stats)
  std::optional<bool> written_connected_;  // what "uplink.connected" holds
  std::string last_sample_error_;
};

}  // namespace ccc::agent
