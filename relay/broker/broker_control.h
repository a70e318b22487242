#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/config/config_reader.h"
#include "common/status/status.h"

// Makes the MQTT broker follow the relay's pairing decisions (issue 3): a paired device
// is let in, an unpaired one is refused from then on, including a connection that is open
// at that moment. Revocation has two halves (see docs/broker-revocation.md):
//   1. the CRL: written atomically to crl_file, then the broker is told to re-read it
//      (Mosquitto: SIGHUP). This refuses every NEW TLS handshake with a revoked
//      certificate, but Mosquitto 2.0 does not re-check connections already open;
//   2. the eviction of the live session: Mosquitto's dynamic-security plugin over MQTT
//      (createClient + deleteClient of the device's username; deleteClient disconnects
//      every session with that username at once), or a configured command for other
//      brokers (EMQX/HiveMQ REST, VerneMQ vmq-admin).
// EvictDevice does 1 before 2, so the agent's immediate reconnect already meets the CRL.
namespace ccc::relay::broker {

class BrokerControl {
 public:
  virtual ~BrokerControl() = default;

  // The device was paired: let it in. Idempotent. Fails (kUnavailable) when the broker
  // cannot be reached; the caller may retry.
  virtual Status AdmitDevice(const std::string& device_id) = 0;

  // The device was unpaired: install crl_pem (the device CA's current CRL, which lists the
  // device's certificate), close its live connection and refuse it from now on.
  // Idempotent (evicting an unknown or already evicted device is Ok). kInvalidArgument for
  // a device id that is not common/protocol IsValidDeviceId or a CRL that is not PEM.
  virtual Status EvictDevice(const std::string& device_id, const std::string& crl_pem) = 0;

  // At relay start: writes crl_pem and reloads the broker, so a CRL lost on the broker
  // host (or revocations made while the relay was down) are in force again.
  virtual Status InstallCrl(const std::string& crl_pem) = 0;
};

// The [broker] section of the relay config. Every key is optional; with none set,
// MakeBrokerControl returns a control that does nothing (and says so in its log), for
// brokers revocation is handled elsewhere.
struct BrokerConfig {
  // Where the CRL (PEM) goes; the broker's `crlfile`. Written as "<path>.tmp" + fsync +
  // rename, mode 0644 (the broker runs as another user). Empty: no CRL is written.
  std::string crl_file;
  // Run after the CRL was written, argv split at spaces, no shell ("{crl_file}" is
  // replaced), e.g. "systemctl reload mosquitto" or "kill -HUP 1234".
  std::string reload_command;
  // Alternative to reload_command: a file holding the broker's pid, sent SIGHUP.
  std::string reload_pid_file;

  // How a live connection is closed:
  //   "none"    - only the CRL (a connected device stays until it reconnects);
  //   "dynsec"  - Mosquitto dynamic security over MQTT ($CONTROL/dynamic-security/v1) with
  //               the dynsec_* credentials below (a short-lived connection per eviction).
  //               EvictDevice kicks the device; AdmitDevice has nothing to do (dynsec
  //               keeps no per-device state). Needs crl_file: with certificate
  //               identities dynsec cannot refuse the reconnect, only the CRL does;
  //   "command" - run evict_command / admit_command ({device} replaced by the device id).
  std::string evict = "none";

  // evict = "command": argv templates, split at spaces, no shell; {device} is replaced by
  // the (validated) device id. admit_command may be empty.
  std::string evict_command;
  std::string admit_command;

  // evict = "dynsec": the MQTT connection used for control messages (usually the relay's
  // own certificate, CN ccc-relay, which the ACL allows on $CONTROL/dynamic-security/#).
  // Paths relative to the config file. The client id gets a random suffix per connection.
  std::string dynsec_host = "127.0.0.1";
  int dynsec_port = 8883;
  std::string dynsec_ca_file, dynsec_cert_file, dynsec_key_file;
  std::string dynsec_client_id = "ccc-relay-broker-control";

  // Upper bound for one command, or for connecting + one dynsec request/response.
  std::chrono::milliseconds timeout{10'000};
};

// Reads [broker] (keys as in BrokerConfig; durations like "10s"). Throws ConfigError for
// bad values, e.g. evict = "dynsec" without the dynsec_* files, or a command template
// without {device}.
BrokerConfig LoadBrokerConfig(ccc::config::ConfigReader& reader);

// Thread-safe: the returned object serialises its calls, which block (commands, the dynsec
// round trip) for up to config.timeout each: call them off the I/O threads. Throws
// std::runtime_error at start-up for a configuration it cannot use.
std::unique_ptr<BrokerControl> MakeBrokerControl(const BrokerConfig& config);

}  // namespace ccc::relay::broker
