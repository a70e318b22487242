#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/config/config_reader.h"

namespace ccc::agent::config {

// Everything `ccc-agent` reads from its TOML file (config/agent.example.toml explains each
// key). Durations are milliseconds, sizes bytes, rates messages per second.
struct AgentConfig {
  std::string config_file;  // for messages

  struct Agent {
    std::string device_id;  // = CN of the client certificate
    std::string data_dir;
    std::string log_level = "info";
  } agent;

  struct Mqtt {
    std::string host = "127.0.0.1";
    int port = 8883;
    // Whether host / port were written in the file. An address the relay sent at pairing
    // (<data_dir>/pairing.json) fills in only what the file leaves out.
    bool host_configured = false;
    bool port_configured = false;
    // Defaults (in data_dir): broker-ca.crt, agent.crt, agent.key. `ccc-agent pair` writes
    // all three.
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    std::chrono::milliseconds keep_alive{30'000};
    std::chrono::milliseconds reconnect_min{500};
    std::chrono::milliseconds reconnect_max{60'000};
    double flush_rate = 50;  // 0 = unlimited
    int flush_burst = 20;
    std::chrono::milliseconds reconnect_jitter{5'000};
    int max_batch_records = 500;
    uint64_t max_batch_bytes = 64 * 1024;
    int max_inflight = 32;
  } mqtt;

  struct Outbox {
    uint64_t max_size = 64ull * 1024 * 1024;
    bool sync_full = true;
  } outbox;

  struct Sampler {
    std::chrono::milliseconds interval{1'000};
  } sampler;

  struct Source {
    std::string kind = "simulator";
    std::string serial;  // defaults to agent.device_id
    uint64_t seed = 1;
    std::string model = "COMtrexx Advanced";
    std::string firmware = "2.6.6";
    // Simulator only (agent/sources/simulator/pbx_simulator.h): telephone entries (5..2000),
    // days of call history a new PBX starts with (0..90), and the mean number of calls in
    // the busiest office hour (0..6000).
    int phones = 24;
    int history_days = 21;
    double calls_per_hour = 12;
    // PBX data collection (any source kind; agent/agent.h AgentOptions): registration
    // status polled every registrations_interval (100ms..1h), a full snapshot at least every
    // registrations_snapshot_interval (registrations_interval..7d); call data read every
    // calls_interval (100ms..1h); device information and licences polled every
    // information_interval (1s..1d).
    std::chrono::milliseconds registrations_interval{10'000};
    std::chrono::milliseconds registrations_snapshot_interval{15 * 60'000};
    std::chrono::milliseconds calls_interval{5'000};
    std::chrono::milliseconds information_interval{60'000};
  } source;

  struct Pairing {
    std::string relay_url;        // http(s)://host[:port][/prefix]; empty: not configured
    std::string ca_file;          // trust anchor for the relay's HTTPS; empty: system trust store
    bool allow_insecure = false;  // permits http:// to hosts other than loopback
    std::chrono::milliseconds timeout{30'000};  // whole request, connect to last byte
  } pairing;

  // Site-side opt-ins (FEATURES A5), off unless the installer turns them on; reported to
  // the relay in sysinfo.
  struct Site {
    bool monitoring = false;
    bool remote_configuration = false;
  } site;

  std::string OutboxPath() const { return agent.data_dir + "/outbox.db"; }
  // What `ccc-agent pair` learnt from the relay (broker address); removed by `unpair`.
  std::string PairingStatePath() const { return agent.data_dir + "/pairing.json"; }
  // The device CA that issued cert_file (the chain), stored by `ccc-agent pair`.
  std::string DeviceCaPath() const { return agent.data_dir + "/device-ca.crt"; }
};

// Whether the TLS files must exist and be readable: `run` needs them, `status` does not.
enum class FileCheck { kRequireReadable, kSkip };

// Reads, validates and rejects unknown keys. Throws ccc::config::ConfigError with a message
// naming the file, the key and the value.
AgentConfig ParseAgentConfig(ccc::config::ConfigReader& reader,
                             FileCheck file_check = FileCheck::kRequireReadable);
AgentConfig LoadAgentConfig(const std::string& path,
                            FileCheck file_check = FileCheck::kRequireReadable);

}  // namespace ccc::agent::config
