// Measures how fast the agent's real uplink path drains an outbox backlog (NextBatch ->
// EncodeBatchTrusted -> Paho publish QoS 1 -> Acknowledge, synchronous FULL) against the same
// batches pre-encoded in memory and published by the same client with the same QoS and
// in-flight window. Both clocks stop at the last delivery (the replay's once its
// acknowledgements are committed), before the client says goodbye; a warm-up connection
// first keeps the broker's first-connection cost out of both. Deleting the acknowledged rows
// is the agent's idle-time work and is reported separately. Prints one JSON line. Run next to a
// broker, e.g.
//   tests/util/with_broker.py --cn bench-1 -- sh -c 'build/bin/uplink_replay_benchmark
//     --host "$CCC_MQTT_HOST" --port "$CCC_MQTT_PORT" --ca "$CCC_MQTT_CA"
//     --cert "$CCC_PKI_DIR/bench-1.crt" --key "$CCC_PKI_DIR/bench-1.key" --device bench-1
//     --records 100000 --dir /tmp/uplink-bench'
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include "agent/agent.h"
#include "agent/outbox/outbox.h"
#include "agent/uplink/mqtt_publisher.h"
#include "common/protocol/batch.h"
#include "common/protocol/streams.h"
#include "common/protocol/topic.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace ccc::agent;

struct Args {
  std::string host = "127.0.0.1";
  int port = 8883;
  std::string ca, cert, key, device, dir = "/tmp/uplink-replay-benchmark";
  size_t records = 100'000;
  size_t max_batch_records = 500;
  size_t max_batch_bytes = 64 * 1024;
  int max_inflight = 32;
};

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "uplink_replay_benchmark: " << message << "\n";
  std::exit(1);
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Fail("missing value for " + flag);
    const std::string value = argv[++i];
    if (flag == "--host")
      a.host = value;
    else if (flag == "--port")
      a.port = std::stoi(value);
    else if (flag == "--ca")
      a.ca = value;
    else if (flag == "--cert")
      a.cert = value;
    else if (flag == "--key")
      a.key = value;
    else if (flag == "--device")
      a.device = value;
    else if (flag == "--records")
      a.records = std::stoul(value);
    else if (flag == "--dir")
      a.dir = value;
    else if (flag == "--max-inflight")
      a.max_inflight = std::stoi(value);
    else
      Fail("unknown flag " + flag);
  }
  if (a.ca.empty() || a.cert.empty() || a.key.empty() || a.device.empty()) {
    Fail("--ca, --cert, --key and --device are required");
  }
  return a;
}

uplink::MqttPublisherOptions PublisherOptions(const Args& a) {
  uplink::MqttPublisherOptions o;
  o.host = a.host;
  o.port = a.port;
  o.ca_file = a.ca;
  o.cert_file = a.cert;
  o.key_file = a.key;
  o.device_id = a.device;
  o.max_inflight = a.max_inflight;
  o.reconnect_min = std::chrono::milliseconds(100);
  o.reconnect_max = std::chrono::milliseconds(1'000);
  return o;
}

std::unique_ptr<outbox::Outbox> FillOutbox(const Args& a) {
  std::filesystem::remove_all(a.dir);
  outbox::OutboxOptions o;
  o.path = a.dir + "/outbox.db";
  o.max_bytes = 4ull * 1024 * 1024 * 1024;
  o.synchronous_full = false;  // filling is set-up, not measured
  auto outbox = outbox::Outbox::Open(o);
  if (!outbox.ok()) Fail(outbox.status().ToString());
  const int64_t t0 = 1'700'000'000'000;
  std::vector<outbox::NewRecord> chunk;
  for (size_t i = 0; i < a.records;) {
    chunk.clear();
    for (size_t j = 0; j < 1000 && i < a.records; ++j, ++i) {
      chunk.push_back({t0 + static_cast<int64_t>(i) * 1000,
                       R"({"cpu_pct":)" + std::to_string(i % 100) + R"(.5,"mem_used_bytes":)" +
                           std::to_string(1'000'000'000 + i * 4096) +
                           R"(,"mem_total_bytes":8192000000})"});
    }
    auto s = (*outbox)->Append(ccc::protocol::kStreamTelemetry, chunk);
    if (!s.ok()) Fail(s.ToString());
  }
  outbox->reset();
  // The replay runs as in production: every commit synchronous FULL.
  o.synchronous_full = true;
  auto reopened = outbox::Outbox::Open(o);
  if (!reopened.ok()) Fail(reopened.status().ToString());
  return std::move(*reopened);
}

// The batches the replay will send, encoded the same way, then the outbox is rewound.
std::vector<std::string> EncodeBacklog(outbox::Outbox& outbox, const Args& a) {
  std::vector<std::string> payloads;
  while (true) {
    auto batch =
        outbox.NextBatch(ccc::protocol::kStreamTelemetry, a.max_batch_records, a.max_batch_bytes);
    if (!batch.ok()) Fail(batch.status().ToString());
    if (!batch->has_value()) break;
    ccc::protocol::Batch b{a.device,
                           (*batch)->stream,
                           outbox.epoch(),
                           (*batch)->range_lo,
                           (*batch)->range_hi,
                           0,
                           std::move((*batch)->records)};
    b.sent_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    auto payload = ccc::protocol::EncodeBatchTrusted(b);
    if (!payload.ok()) Fail(payload.status().ToString());
    payloads.push_back(std::move(*payload));
  }
  outbox.Rewind();
  return payloads;
}

// Forwards to the real publisher and notes when the first batch went out (diagnostics).
class TimedPublisher : public uplink::Publisher {
 public:
  explicit TimedPublisher(uplink::Publisher& inner) : inner_(inner) {}
  void Start(uplink::ConnectionCallback cb) override { inner_.Start(std::move(cb)); }
  void Stop() override { inner_.Stop(); }
  void Publish(std::string topic, std::string payload, uplink::PublishCallback cb) override {
    if (first_ == Clock::time_point{}) first_ = Clock::now();
    inner_.Publish(std::move(topic), std::move(payload), std::move(cb));
  }
  Clock::time_point first_{};

 private:
  uplink::Publisher& inner_;
};

// Records per second from start (including connecting) and from the first publish.
struct Rates {
  double total = 0;
  double publishing = 0;
};

Rates Replay(outbox::Outbox& outbox, const Args& a) {
  uplink::MqttPublisher mqtt_publisher(PublisherOptions(a));
  TimedPublisher publisher(mqtt_publisher);
  AgentOptions options;
  options.device_id = a.device;
  options.hostname = "benchmark";
  options.sample_interval = std::chrono::hours(1);
  options.flush_rate = 0;
  options.reconnect_jitter = std::chrono::milliseconds(0);
  options.max_batch_records = a.max_batch_records;
  options.max_batch_bytes = a.max_batch_bytes;
  options.max_inflight = static_cast<size_t>(a.max_inflight);
  options.thinning_check_interval = std::chrono::hours(1);
  Agent* agent_ptr = nullptr;
  // Drained: every record delivered and its acknowledgement committed to the outbox (the
  // agent flushes acknowledgements before it reports drained). The baseline likewise stops
  // its clock at the last PUBACK, before the publisher says goodbye.
  Clock::time_point drained{};
  options.on_drained = [&] {
    if (drained == Clock::time_point{}) drained = Clock::now();
    agent_ptr->Stop();
  };
  Clock::time_point running{};
  options.on_running = [&] { running = Clock::now(); };
  Agent agent(options, outbox, publisher, nullptr, nullptr);
  agent_ptr = &agent;
  const auto start = Clock::now();
  auto status = agent.Run();
  const auto stopped = Clock::now();
  if (!status.ok()) Fail(status.ToString());
  if (drained == Clock::time_point{}) Fail("the agent stopped before the outbox was drained");
  const double seconds = std::chrono::duration<double>(drained - start).count();
  std::fprintf(stderr,
               "replay: start-up %.3f s, connect %.3f s, publishing %.3f s (then stop %.3f s)\n",
               std::chrono::duration<double>(running - start).count(),
               std::chrono::duration<double>(publisher.first_ - running).count(),
               std::chrono::duration<double>(drained - publisher.first_).count(),
               std::chrono::duration<double>(stopped - drained).count());
  auto stats = outbox.Stats();
  if (!stats.ok()) Fail(stats.status().ToString());
  for (const auto& s : stats->streams) {
    if (s.depth != 0) Fail("outbox not empty after the replay: " + s.stream);
  }
  // What the agent leaves for idle time: deleting the acknowledged rows (reported, not part
  // of the ratio).
  const auto purge_start = Clock::now();
  for (;;) {
    auto more = outbox.PurgeAcknowledged(2'000);
    if (!more.ok()) Fail(more.status().ToString());
    if (!*more) break;
  }
  std::fprintf(stderr, "replay: idle-time purge of acknowledged rows %.3f s\n",
               std::chrono::duration<double>(Clock::now() - purge_start).count());
  const double records = static_cast<double>(a.records);
  return {records / seconds,
          records / std::chrono::duration<double>(drained - publisher.first_).count()};
}

Rates Baseline(const std::vector<std::string>& payloads, const Args& a) {
  uplink::MqttPublisher publisher(PublisherOptions(a));
  std::mutex mu;
  std::condition_variable cv;
  bool connected = false;
  size_t inflight = 0, acked = 0;
  bool failed = false;
  const std::string topic = ccc::protocol::UpTopic(a.device, ccc::protocol::kStreamTelemetry);
  const auto start = Clock::now();
  publisher.Start([&](bool up, std::string) {
    std::lock_guard lock(mu);
    connected = up;
    cv.notify_all();
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return connected; });
  }
  const auto first = Clock::now();
  std::fprintf(stderr, "baseline: connect %.3f s\n",
               std::chrono::duration<double>(first - start).count());
  for (const auto& payload : payloads) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return inflight < static_cast<size_t>(a.max_inflight); });
      ++inflight;
    }
    publisher.Publish(topic, payload, [&](uplink::PublishResult r) {
      std::lock_guard lock(mu);
      --inflight;
      ++acked;
      if (r.outcome != uplink::PublishOutcome::kDelivered) failed = true;
      cv.notify_all();
    });
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return acked == payloads.size(); });
  }
  const auto end = Clock::now();
  publisher.Stop();
  if (failed) Fail("baseline: a publish was not delivered");
  std::fprintf(stderr, "baseline: publishing %.3f s\n",
               std::chrono::duration<double>(end - first).count());
  const double records = static_cast<double>(a.records);
  return {records / std::chrono::duration<double>(end - start).count(),
          records / std::chrono::duration<double>(end - first).count()};
}

// Connects once and says goodbye, so that the broker's first-connection costs (TLS set-up,
// loading its persistence) are not charged to whichever measurement runs first.
void WarmUp(const Args& a) {
  uplink::MqttPublisher publisher(PublisherOptions(a));
  std::mutex mu;
  std::condition_variable cv;
  bool connected = false;
  const auto start = Clock::now();
  publisher.Start([&](bool up, std::string) {
    std::lock_guard lock(mu);
    connected = connected || up;
    cv.notify_all();
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return connected; });
  }
  publisher.Stop();
  std::fprintf(stderr, "warm-up: connect %.3f s\n",
               std::chrono::duration<double>(Clock::now() - start).count());
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const Args args = ParseArgs(argc, argv);
  auto outbox = FillOutbox(args);
  const auto encode_start = Clock::now();
  const auto payloads = EncodeBacklog(*outbox, args);
  std::fprintf(stderr, "read+encode of %zu batches: %.3f s\n", payloads.size(),
               std::chrono::duration<double>(Clock::now() - encode_start).count());
  WarmUp(args);
  const Rates replay = Replay(*outbox, args);
  const Rates baseline = Baseline(payloads, args);
  // replay_ratio counts connecting, which is the same work on both sides but varies by
  // ~100 ms between runs; publish_ratio compares the publishing phases alone.
  std::printf(
      "{\"outbox_replay_records_per_s\": %.0f, \"mqtt_baseline_records_per_s\": %.0f, "
      "\"replay_ratio\": %.3f, \"publish_ratio\": %.3f}\n",
      replay.total, baseline.total, replay.total / baseline.total,
      replay.publishing / baseline.publishing);
  return 0;
}
