#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "agent/agent.h"
#include "agent/config/agent_config.h"
#include "agent/outbox/outbox.h"
#include "agent/sources/host/host_sampler.h"
#include "agent/sources/simulator/pbx_simulator.h"
#include "agent/status/status_report.h"
#include "agent/uplink/mqtt_publisher.h"
#include "common/logging/logging.h"
#include "common/service/systemd_notify.h"

namespace {

using ccc::agent::config::AgentConfig;

constexpr int kExitFatal = 1;
constexpr int kExitConfig = 2;

std::string Hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

// Returns heap pages freed after start-up and the TLS handshake to the system.
void TrimResidentMemory() { ::malloc_trim(0); }

// Outbox data loss or a failing start: logged as critical, exit status 1.
int RunAgent(const AgentConfig& config) {
  ccc::agent::outbox::OutboxOptions outbox_options;
  outbox_options.path = config.OutboxPath();
  outbox_options.max_bytes = config.outbox.max_size;
  outbox_options.synchronous_full = config.outbox.sync_full;
  auto outbox = ccc::agent::outbox::Outbox::Open(outbox_options);
  if (!outbox.ok()) {
    spdlog::critical("cannot open the outbox {}: {}", outbox_options.path,
                     outbox.status().ToString());
    return kExitFatal;
  }

  const uint64_t seed = std::random_device{}();
  ccc::agent::uplink::MqttPublisherOptions mqtt;
  mqtt.host = config.mqtt.host;
  mqtt.port = config.mqtt.port;
  mqtt.ca_file = config.mqtt.ca_file;
  mqtt.cert_file = config.mqtt.cert_file;
  mqtt.key_file = config.mqtt.key_file;
  mqtt.device_id = config.agent.device_id;
  mqtt.keep_alive = config.mqtt.keep_alive;
  mqtt.reconnect_min = config.mqtt.reconnect_min;
  mqtt.reconnect_max = config.mqtt.reconnect_max;
  mqtt.max_inflight = config.mqtt.max_inflight;
  mqtt.seed = seed ^ 0x9e3779b97f4a7c15ull;
  ccc::agent::uplink::MqttPublisher publisher(mqtt);

  ccc::agent::sources::HostSampler sampler;
  ccc::agent::sources::PbxSimulator simulator(
      {config.source.serial, config.source.model, config.source.firmware, config.source.seed});

  ccc::agent::AgentOptions options;
  options.device_id = config.agent.device_id;
  options.hostname = Hostname();
  options.sample_interval = config.sampler.interval;
  options.flush_rate = config.mqtt.flush_rate;
  options.flush_burst = config.mqtt.flush_burst;
  options.reconnect_jitter = config.mqtt.reconnect_jitter;
  options.max_batch_records = static_cast<size_t>(config.mqtt.max_batch_records);
  options.max_batch_bytes = static_cast<size_t>(config.mqtt.max_batch_bytes);
  options.max_inflight = static_cast<size_t>(config.mqtt.max_inflight);
  options.seed = seed;
  options.on_connected = [] { TrimResidentMemory(); };
  options.on_running = [] { ccc::service::NotifyServiceManager("READY=1"); };
  if (const auto watchdog = ccc::service::ServiceWatchdogInterval(); watchdog.count() > 0) {
    options.heartbeat = [] { ccc::service::NotifyServiceManager("WATCHDOG=1"); };
    options.heartbeat_interval =
        std::chrono::duration_cast<std::chrono::milliseconds>(watchdog / 2);
  }

  ccc::agent::Agent agent(options, **outbox, publisher, &sampler, &simulator);

  // SIGTERM/SIGINT arrive on a thread of their own (blocked everywhere else, before any
  // thread starts); SIGUSR1 is how main wakes that thread when the agent stops by itself.
  std::thread signals([&agent] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1);
    int sig = 0;
    if (sigwait(&set, &sig) == 0 && sig != SIGUSR1) {
      spdlog::info("received signal {}, stopping", sig);
    }
    agent.Stop();
  });

  spdlog::info("ccc-agent {} starting: device {}, outbox {}", CCC_AGENT_VERSION,
               config.agent.device_id, outbox_options.path);
  const ccc::Status status = agent.Run();
  ::kill(::getpid(), SIGUSR1);
  signals.join();
  ccc::service::NotifyServiceManager("STOPPING=1");
  if (!status.ok()) {
    spdlog::critical("stopping: {}", status.ToString());
    return kExitFatal;
  }
  spdlog::info("ccc-agent stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // One malloc arena: the agent's threads allocate little, and every extra arena keeps its
  // own partly used pages resident.
  ::mallopt(M_ARENA_MAX, 1);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  CLI::App app{"ccc-agent: gathers PBX and host data and sends it to the control center"};
  app.set_version_flag("--version", std::string("ccc-agent ") + CCC_AGENT_VERSION);
  app.require_subcommand(1);

  std::string config_path;
  auto* run = app.add_subcommand("run", "Run the agent in the foreground");
  run->add_option("--config", config_path, "Agent configuration file (TOML)")->required();

  bool json = false;
  auto* status = app.add_subcommand("status", "Show uplink and outbox state");
  status->add_option("--config", config_path, "Agent configuration file (TOML)")->required();
  status->add_flag("--json", json, "Print one JSON object");

  CLI11_PARSE(app, argc, argv);

  AgentConfig config;
  try {
    config = ccc::agent::config::LoadAgentConfig(
        config_path, *run ? ccc::agent::config::FileCheck::kRequireReadable
                          : ccc::agent::config::FileCheck::kSkip);
  } catch (const ccc::config::ConfigError& e) {
    std::cerr << "ccc-agent: configuration error: " << e.what() << "\n";
    return kExitConfig;
  }

  if (*status)
    return ccc::agent::status::PrintStatus(config.OutboxPath(), json, std::cout, std::cerr);

  ccc::logging::Init("ccc-agent", config.agent.log_level);
  return RunAgent(config);
}
