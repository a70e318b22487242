#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/config/config_reader.h"

namespace ccc::relay::pairing {

// [pairing] of the relay config (FEATURES A2/A3):
//   code_ttl="24h"         how long a confirmation code stays valid (1m..30d)
//   cert_validity="825d"   lifetime of a device certificate (1d..3650d)
//   broker_host            the MQTT broker address handed to agents; default: mqtt.host
//   broker_port=8883       the broker's agent listener (not mqtt.port: the relay connects
//                          to a listener of its own, config/mosquitto/ccc.conf)
//   broker_ca_file         CA of the broker's server certificate, handed to agents so they
//                          can verify the broker; default: mqtt.ca_file. Relative paths
//                          resolve against the config file's folder.
//   ca_key_file="device-ca.key", ca_cert_file="device-ca.crt"
//                          the device CA (created on first start when both are missing);
//                          relative paths resolve against relay.data_dir.
// All paths are absolute after loading. The defaults from [mqtt] fit the single-machine
// setup where agents and relay reach the broker under the same name; behind NAT or a load
// balancer set broker_host explicitly.
struct PairingConfig {
  std::chrono::milliseconds code_ttl{std::chrono::hours(24)};
  std::chrono::hours cert_validity{825 * 24};
  std::string broker_host;
  uint16_t broker_port = 8883;
  std::string broker_ca_file;
  std::string ca_key_file;
  std::string ca_cert_file;
};

// Reads [pairing] (and relay.data_dir, mqtt.host and mqtt.ca_file for the defaults above).
// Throws config::ConfigError naming the file, key and value. Does not read the files.
PairingConfig LoadPairingConfig(ccc::config::ConfigReader& reader);

}  // namespace ccc::relay::pairing
