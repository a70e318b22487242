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
#include "agent/pairing/pair_command.h"
#include "agent/pairing/pairing_files.h"
#include "agent/pairing/unpair_command.h"
#include "agent/sources/host/host_sampler.h"
#include "agent/sources/simulator/pbx_simulator.h"
#include "agent/sources/simulator/simulator_options.h"
#include "agent/status/status_report.h"
#include "agent/uplink/mqtt_publisher.h"
#include "common/logging/logging.h"
#include "common/service/systemd_notify.h"

namespace {

using ccc::agent::config::AgentConfig;

constexpr int kExitFatal = 1;
constexpr int kExitConfig = 2;

struct BrokerAddress {
  std::string host;
  int port = 0;
  std::string source;  // for the log line
};

// Precedence: [mqtt] host set in the config file -> [mqtt] host and port (default 8883);
// else the broker the relay named at pairing (<data_dir>/pairing.json) -> its host and
// port; else the defaults 127.0.0.1 and [mqtt] port.
BrokerAddress EffectiveBroker(const AgentConfig& config) {
  if (config.mqtt.host_configured) {
    return {config.mqtt.host, config.mqtt.port, "[mqtt] host in " + config.config_file};
  }
  auto record = ccc::agent::pairing::ReadPairingRecord(config.PairingStatePath());
  if (record.ok()) return {record->broker_host, record->broker_port, config.PairingStatePath()};
  if (record.status().code() != ccc::StatusCode::kNotFound) {
    spdlog::warn("ignoring {}: {}", config.PairingStatePath(), record.status().message());
  }
  return {config.mqtt.host, config.mqtt.port, "defaults"};
}

ccc::agent::pairing::CredentialPaths CredentialPathsOf(const AgentConfig& config) {
  return {config.mqtt.key_file, config.mqtt.cert_file, config.DeviceCaPath(), config.mqtt.ca_file,
          config.PairingStatePath()};
}

ccc::agent::pairing::PairingClientOptions RelayOptionsOf(const AgentConfig& config) {
  ccc::agent::pairing::PairingClientOptions relay;
  relay.relay_url = config.pairing.relay_url;
  relay.ca_file = config.pairing.ca_file;
  relay.allow_insecure = config.pairing.allow_insecure;
  relay.timeout = config.pairing.timeout;
  relay.user_agent = std::string("ccc-agent/") + CCC_AGENT_VERSION;
  return relay;
}

// The certificate CN must be the device id the agent publishes under, and the relay issues
// it for the serial: so the two must be equal for pairing.
bool SerialMatchesDeviceId(const AgentConfig& config, const char* command) {
  if (config.source.serial == config.agent.device_id) return true;
  std::cerr << "ccc-agent " << command << ": " << config.config_file << ": [source] serial '"
            << config.source.serial << "' differs from [agent] device_id '"
            << config.agent.device_id
            << "'; the certificate is issued for the serial and the broker only lets the agent "
               "publish under its certificate's name, so set both to the PBX serial\n";
  return false;
}

int PairCommand(const AgentConfig& config, const std::string& code) {
  if (!SerialMatchesDeviceId(config, "pair")) return ccc::agent::pairing::kExitUsage;
  ccc::agent::pairing::PairOptions options;
  options.serial = config.source.serial;
  options.config_file = config.config_file;
  options.paths = CredentialPathsOf(config);
  options.relay = RelayOptionsOf(config);
  if (config.mqtt.host_configured) {
    options.configured_broker = config.mqtt.host + ":" + std::to_string(config.mqtt.port);
  }
  return ccc::agent::pairing::RunPair(options, code, std::cout, std::cerr);
}

int UnpairCommand(const AgentConfig& config, bool local_only) {
  ccc::agent::pairing::UnpairOptions options;
  options.serial = config.source.serial;
  options.config_file = config.config_file;
  options.paths = CredentialPathsOf(config);
  options.relay = RelayOptionsOf(config);
  options.local_only = local_only;
  return ccc::agent::pairing::RunUnpair(options, std::cout, std::cerr);
}

ccc::agent::status::PairingSummary PairingSummaryOf(const AgentConfig& config) {
  ccc::agent::status::PairingSummary summary;
  summary.paired = ccc::agent::pairing::FileExists(config.mqtt.cert_file);
  if (!summary.paired) return summary;
  auto cert = ccc::agent::pairing::ReadCertificateSummary(config.mqtt.cert_file);
  if (cert.ok()) {
    summary.common_name = cert->common_name;
    summary.not_after_ms = cert->not_after_s * 1000;
  } else {
    summary.problem = cert.status().message();
  }
  const BrokerAddress broker = EffectiveBroker(config);
  summary.broker = broker.host + ":" + std::to_string(broker.port);
  return summary;
}

std::string Hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

// Returns heap pages that start-up, the TLS handshake and the first upload of the PBX's
// call history used, and the steady state does not, to the system.
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
  const BrokerAddress broker = EffectiveBroker(config);
  spdlog::info("broker {}:{} (from {})", broker.host, broker.port, broker.source);
  ccc::agent::uplink::MqttPublisherOptions mqtt;
  mqtt.host = broker.host;
  mqtt.port = broker.port;
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
  ccc::agent::sources::PbxSimulator simulator(ccc::agent::sources::SimulatorOptionsFrom(config));

  ccc::agent::AgentOptions options;
  options.device_id = config.agent.device_id;
  options.hostname = Hostname();
  options.opt_in_monitoring = config.site.monitoring;
  options.opt_in_remote_configuration = config.site.remote_configuration;
  options.sample_interval = config.sampler.interval;
  options.registrations_interval = config.source.registrations_interval;
  options.registrations_snapshot_interval = config.source.registrations_snapshot_interval;
  options.calls_interval = config.source.calls_interval;
  options.information_interval = config.source.information_interval;
  options.flush_rate = config.mqtt.flush_rate;
  options.flush_burst = config.mqtt.flush_burst;
  options.reconnect_jitter = config.mqtt.reconnect_jitter;
  options.max_batch_records = static_cast<size_t>(config.mqtt.max_batch_records);
  options.max_batch_bytes = static_cast<size_t>(config.mqtt.max_batch_bytes);
  options.max_inflight = static_cast<size_t>(config.mqtt.max_inflight);
  options.seed = seed;
  // Once per connection, when everything collected so far has been published: by then the
  // one-off work (handshake, the first read of the call history and its upload) is done, and
  // the code it ran is not needed again until the next connection.
  bool trim_when_drained = false;
  options.on_connected = [&trim_when_drained] {
    TrimResidentMemory();
    trim_when_drained = true;
  };
  options.on_drained = [&trim_when_drained] {
    if (!trim_when_drained) return;
    trim_when_drained = false;
    TrimResidentMemory();
  };
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

  std::string code;
  auto* pair = app.add_subcommand(
      "pair", "Pair with the relay using the confirmation code shown in the portal");
  pair->add_option("CODE", code, "Confirmation code, e.g. 7KQ4-MZ2H-X9RC")->required();
  pair->add_option("--config", config_path, "Agent configuration file (TOML)")->required();

  bool local_only = false;
  auto* unpair = app.add_subcommand(
      "unpair", "Unpair from the relay and delete this agent's key and certificate");
  unpair->add_option("--config", config_path, "Agent configuration file (TOML)")->required();
  unpair->add_flag("--local-only", local_only,
                   "Delete the local credentials even if the relay cannot be told");

  // Usage errors exit with 2, like configuration errors (pair/unpair document 0-3).
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitConfig;
  }

  AgentConfig config;
  try {
    config = ccc::agent::config::LoadAgentConfig(
        config_path, *run ? ccc::agent::config::FileCheck::kRequireReadable
                          : ccc::agent::config::FileCheck::kSkip);
  } catch (const ccc::config::ConfigError& e) {
    std::cerr << "ccc-agent: configuration error: " << e.what() << "\n";
    return kExitConfig;
  }

  if (*status) {
    return ccc::agent::status::PrintStatus(config.OutboxPath(), json, std::cout, std::cerr,
                                           PairingSummaryOf(config));
  }
  if (*pair) return PairCommand(config, code);
  if (*unpair) return UnpairCommand(config, local_only);

  ccc::logging::Init("ccc-agent", config.agent.log_level);
  return RunAgent(config);
}
