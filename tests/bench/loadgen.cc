// ccc-loadgen: simulates many agents in one process to load the broker and the relay.
//
// Each simulated agent has its own MQTT 5/TLS connection with its own client certificate
// (<pki-dir>/<device>.crt/.key, CN = device id) and publishes telemetry batches
// (protocol::EncodeBatch, QoS 1) on ccc/v1/dev/<device>/up/telemetry at a fixed rate with
// valid, gap-free seq ranges and sent_ms = now, as the real agent does.
//
// Connections use the relay's own MQTT client (relay/mqtt) on shared IoLoops, so 1,000
// connections cost --loops I/O threads (default 1) plus the publishing thread.
//
// Output: "connected N" on stdout once the agents are connected (the caller starts its
// steady-state window after that), then one JSON line with totals when done. Progress and
// errors go to stderr.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/logging/logging.h"
#include "common/protocol/batch.h"
#include "common/protocol/streams.h"
#include "common/protocol/topic.h"
#include "relay/mqtt/mqtt_client.h"

namespace ccc::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 8883;
  std::string ca_file;
  std::string pki_dir;
  std::string prefix = "load-";
  int agents = 1000;
  int first = 0;
  double rate = 1.0;  // batches per second per agent
  int records = 50;   // records per batch
  double duration_s = 60;
  double rate2 = 0;  // optional second phase (e.g. overload to find the relay's ceiling)
  double duration2_s = 0;
  int connect_parallel = 200;
  int loops = 1;
  double connect_timeout_s = 120;
  uint64_t epoch = 0;  // 0 = derive from the wall clock, so reruns never look like duplicates
};

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string DeviceId(const Options& o, int index) {
  return fmt::format("{}{:04d}", o.prefix, index);
}

// Counters shared with the I/O threads.
struct Counters {
  std::atomic<uint64_t> acked{0};
  std::atomic<uint64_t> failed{0};
  std::atomic<uint64_t> disconnects{0};
  std::atomic<int> connected{0};
  std::atomic<int> attempts_done{0};  // first connect of each agent: succeeded or failed
  std::atomic<uint64_t> failure_logs{0};
};

struct SimAgent {
  std::string device;
  std::string topic;
  std::unique_ptr<relay::mqtt::Client> client;
  std::atomic<bool> first_attempt_done{false};
  std::atomic<bool> up{false};
  uint64_t next_seq = 1;
  Clock::time_point next_due;
};

class LoadGenerator {
 public:
  explicit LoadGenerator(Options options) : options_(std::move(options)), rng_(42) {
    if (options_.epoch == 0) options_.epoch = static_cast<uint64_t>(WallMs());
    for (int i = 0; i < std::max(1, options_.loops); ++i) {
      loops_.push_back(std::make_unique<relay::mqtt::IoLoop>());
    }
  }

  ~LoadGenerator() {
    for (auto& agent : agents_) agent->client.reset();  // clients before their loops
  }

  // Starts every agent's client, `connect_parallel` first attempts at a time; returns how
  // many are connected once every agent connected or the deadline passed.
  int ConnectAll() {
    for (int i = 0; i < options_.agents; ++i) {
      auto agent = std::make_unique<SimAgent>();
      agent->device = DeviceId(options_, options_.first + i);
      agent->topic = protocol::UpTopic(agent->device, protocol::kStreamTelemetry);
      relay::mqtt::ClientOptions co;
      co.host = options_.host;
      co.port = static_cast<uint16_t>(options_.port);
      co.client_id = agent->device;
      co.ca_file = options_.ca_file;
      co.cert_file = fmt::format("{}/{}.crt", options_.pki_dir, agent->device);
      co.key_file = fmt::format("{}/{}.key", options_.pki_dir, agent->device);
      co.clean_start = true;
      co.session_expiry_s = 0;
      co.keep_alive_s = 60;
      co.connect_timeout = std::chrono::milliseconds(30'000);
      co.reconnect_min = std::chrono::milliseconds(500);
      co.reconnect_max = std::chrono::milliseconds(5'000);
      agent->client =
          relay::mqtt::MakeClient(std::move(co), *loops_[static_cast<size_t>(i) % loops_.size()]);
      agents_.push_back(std::move(agent));
    }
    const auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(options_.connect_timeout_s));
    for (size_t i = 0; i < agents_.size(); ++i) {
      // Bound the handshakes in flight so the broker's accept queue and the loop keep up.
      while (static_cast<int>(i) - counters_.attempts_done.load() >= options_.connect_parallel &&
             Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      SimAgent* agent = agents_[i].get();
      agent->client->Start(
          {}, [](relay::mqtt::Message) {},
          [this, agent](bool connected, const std::string& reason) {
            OnConnection(*agent, connected, reason);
          });
    }
    while (counters_.connected.load() < options_.agents && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return counters_.connected.load();
  }

  // Publishes at `rate` for duration_s, then (if rate2 > 0) at rate2 for duration2_s,
  // printing "phase 2" on stdout at the switch. Agents are spread evenly over one period so
  // the load is smooth instead of arriving in one burst per period.
  void Run() {
    const auto start = Clock::now();
    RunPhase(options_.rate, options_.duration_s);
    if (options_.rate2 > 0 && options_.duration2_s > 0) {
      std::printf("phase 2\n");
      std::fflush(stdout);
      RunPhase(options_.rate2, options_.duration2_s);
    }
    elapsed_s_ = std::chrono::duration<double>(Clock::now() - start).count();
  }

  // Waits (bounded) for outstanding PUBACKs, then disconnects everyone.
  void Finish() {
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (counters_.acked.load() + counters_.failed.load() < batches_sent_ &&
           Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stopping_.store(true);
    for (auto& agent : agents_) agent->client->Stop();
  }

  std::string SummaryJson(int connected, double connect_s) const {
    return fmt::format(
        "{{\"agents\":{},\"connected\":{},\"connect_s\":{:.3f},\"duration_s\":{:.3f},"
        "\"rate_per_agent\":{},\"rate2_per_agent\":{},\"records_per_batch\":{},\"batches_sent\":{},"
        "\"records_sent\":{},\"batches_acked\":{},\"batches_failed\":{},"
        "\"publish_errors\":{},\"disconnects\":{},\"skipped_ticks\":{},\"epoch\":{}}}",
        options_.agents, connected, connect_s, elapsed_s_, options_.rate, options_.rate2,
        options_.records, batches_sent_, batches_sent_ * static_cast<uint64_t>(options_.records),
        counters_.acked.load(), counters_.failed.load(), publish_errors_,
        counters_.disconnects.load(), skipped_, options_.epoch);
  }

 private:
  void RunPhase(double rate, double duration_s) {
    rate_ = rate;
    const auto period =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(duration_s));
    const auto n = static_cast<int64_t>(agents_.size());
    for (int64_t i = 0; i < n; ++i) agents_[i]->next_due = start + period * i / n;

    while (true) {
      const auto now = Clock::now();
      if (now >= end) break;
      for (auto& agent : agents_) {
        if (agent->next_due > now) continue;
        // A generator that falls behind skips ahead instead of bursting to catch up.
        if (now - agent->next_due > period) {
          ++skipped_;
          agent->next_due = now;
        }
        PublishOne(*agent);
        agent->next_due += period;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  // Runs on an I/O thread.
  void OnConnection(SimAgent& agent, bool connected, const std::string& reason) {
    if (!agent.first_attempt_done.exchange(true)) counters_.attempts_done.fetch_add(1);
    if (connected) {
      if (!agent.up.exchange(true)) counters_.connected.fetch_add(1);
      return;
    }
    if (agent.up.exchange(false)) {
      counters_.connected.fetch_sub(1);
      if (!stopping_.load()) counters_.disconnects.fetch_add(1);
    }
    if (stopping_.load()) return;
    if (counters_.failure_logs.fetch_add(1) < 10) {
      std::fprintf(stderr, "loadgen: %s: %s\n", agent.device.c_str(), reason.c_str());
    }
  }

  void PublishOne(SimAgent& agent) {
    if (!agent.client->connected()) {
      ++publish_errors_;
      return;
    }
    protocol::Batch batch;
    batch.device = agent.device;
    batch.stream = protocol::kStreamTelemetry;
    batch.epoch = options_.epoch;
    batch.range_lo = agent.next_seq;
    const int64_t now_ms = WallMs();
    const auto spacing_ms = static_cast<int64_t>(1000.0 / rate_ / options_.records);
    std::uniform_real_distribution<double> cpu(0.0, 100.0);
    std::uniform_int_distribution<uint64_t> mem(1ull << 28, 1ull << 30);
    batch.records.reserve(static_cast<size_t>(options_.records));
    for (int r = 0; r < options_.records; ++r) {
      protocol::Record rec;
      rec.seq = agent.next_seq++;
      rec.ts_ms = now_ms - (options_.records - 1 - r) * spacing_ms;
      rec.body = fmt::format("{{\"cpu_pct\":{:.1f},\"mem_used_bytes\":{},\"mem_total_bytes\":{}}}",
                             cpu(rng_), mem(rng_), 1ull << 31);
      batch.records.push_back(std::move(rec));
    }
    batch.range_hi = agent.next_seq - 1;
    batch.sent_ms = now_ms;
    auto frame = protocol::EncodeBatch(batch);
    if (!frame.ok()) {
      std::fprintf(stderr, "loadgen: encode: %s\n", frame.status().ToString().c_str());
      ++publish_errors_;
      return;
    }
    ++batches_sent_;
    agent.client->Publish(agent.topic, std::move(frame).value(), 1, false, [this](Status status) {
      if (status.ok()) {
        counters_.acked.fetch_add(1, std::memory_order_relaxed);
      } else {
        counters_.failed.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }

  Options options_;
  std::mt19937_64 rng_;
  std::vector<std::unique_ptr<relay::mqtt::IoLoop>> loops_;
  std::vector<std::unique_ptr<SimAgent>> agents_;
  Counters counters_;
  std::atomic<bool> stopping_{false};
  uint64_t batches_sent_ = 0;
  uint64_t publish_errors_ = 0;
  uint64_t skipped_ = 0;
  double elapsed_s_ = 0;
  double rate_ = 1.0;  // of the current phase
};

int Main(int argc, char** argv) {
  Options o;
  CLI::App app{"ccc-loadgen: many simulated agents publishing telemetry over MQTT/TLS"};
  app.add_option("--host", o.host, "broker host");
  app.add_option("--port", o.port, "broker TLS port")->required();
  app.add_option("--ca", o.ca_file, "CA certificate (PEM)")->required();
  app.add_option("--pki-dir", o.pki_dir, "folder with <device>.crt/.key")->required();
  app.add_option("--prefix", o.prefix, "device id prefix; ids are <prefix><4 digits>");
  app.add_option("--agents", o.agents, "simulated agents (connections)");
  app.add_option("--first", o.first, "index of the first device id");
  app.add_option("--rate", o.rate, "batches per second per agent")->check(CLI::PositiveNumber);
  app.add_option("--records", o.records, "records per batch")->check(CLI::Range(1, 10000));
  app.add_option("--duration", o.duration_s, "seconds of publishing after all connected");
  app.add_option("--rate2", o.rate2, "batches per second per agent in a second phase (0 = none)");
  app.add_option("--duration2", o.duration2_s, "seconds of the second phase");
  app.add_option("--connect-parallel", o.connect_parallel, "first connect attempts in flight")
      ->check(CLI::Range(1, 10000));
  app.add_option("--loops", o.loops, "I/O threads shared by the connections")
      ->check(CLI::Range(1, 64));
  app.add_option("--connect-timeout", o.connect_timeout_s, "seconds to wait for all agents");
  app.add_option("--epoch", o.epoch, "outbox epoch in the batches (0 = now in ms)");
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  CLI11_PARSE(app, argc, argv);
  logging::Init("ccc-loadgen", log_level);

  LoadGenerator gen(o);
  const auto t0 = Clock::now();
  int connected = 0;
  try {
    connected = gen.ConnectAll();
  } catch (const std::exception& e) {  // a certificate or key that cannot be loaded
    std::fprintf(stderr, "loadgen: %s\n", e.what());
    return 2;
  }
  const double connect_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("connected %d\n", connected);
  std::fflush(stdout);
  std::fprintf(stderr, "loadgen: %d/%d agents connected in %.1f s\n", connected, o.agents,
               connect_s);
  if (connected > 0) gen.Run();
  gen.Finish();
  std::printf("%s\n", gen.SummaryJson(connected, connect_s).c_str());
  std::fflush(stdout);
  return connected == o.agents ? 0 : 1;
}

}  // namespace
}  // namespace ccc::bench

int main(int argc, char** argv) { return ccc::bench::Main(argc, argv); }
