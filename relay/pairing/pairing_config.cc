#include "relay/pairing/pairing_config.h"

#include <filesystem>

namespace ccc::relay::pairing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr hours kDay{24};

std::string UnderDataDir(const std::string& data_dir, const std::string& name) {
  std::filesystem::path path(name);
  if (path.is_absolute()) return path.lexically_normal().string();
  return (std::filesystem::path(data_dir) / path).lexically_normal().string();
}

}  // namespace

PairingConfig LoadPairingConfig(ccc::config::ConfigReader& r) {
  PairingConfig c;
  c.code_ttl = r.Duration("pairing.code_ttl", minutes(1), 30 * kDay, 24 * hours(1));
  c.cert_validity = std::chrono::duration_cast<hours>(
      r.Duration("pairing.cert_validity", kDay, 3650 * kDay, 825 * kDay));

  const std::string data_dir = r.Path("relay.data_dir");
  const std::string mqtt_host = r.String("mqtt.host", "127.0.0.1");
  c.broker_host = r.String("pairing.broker_host", mqtt_host);
  if (c.broker_host.empty()) {
    throw ccc::config::ConfigError(r.source() +
                                   ": key 'pairing.broker_host' has value \"\", expected a host "
                                   "name or address");
  }
  // Not mqtt.port: the relay has a listener of its own (config/mosquitto/ccc.conf).
  c.broker_port = static_cast<uint16_t>(r.Int("pairing.broker_port", 1, 65535, 8883));
  c.broker_ca_file =
      r.Has("pairing.broker_ca_file") ? r.Path("pairing.broker_ca_file") : r.Path("mqtt.ca_file");

  const std::string key = r.String("pairing.ca_key_file", "device-ca.key");
  const std::string cert = r.String("pairing.ca_cert_file", "device-ca.crt");
  for (const auto& [name, value] :
       {std::pair{"pairing.ca_key_file", key}, std::pair{"pairing.ca_cert_file", cert}}) {
    if (value.empty()) {
      throw ccc::config::ConfigError(r.source() + ": key '" + name +
                                     "' has value \"\", expected a file name");
    }
  }
  c.ca_key_file = UnderDataDir(data_dir, key);
  c.ca_cert_file = UnderDataDir(data_dir, cert);
  if (c.ca_key_file == c.ca_cert_file) {
    throw ccc::config::ConfigError(r.source() +
                                   ": keys 'pairing.ca_key_file' and 'pairing.ca_cert_file' "
                                   "name the same file \"" +
                                   c.ca_key_file + "\"");
  }
  return c;
}

}  // namespace ccc::relay::pairing
