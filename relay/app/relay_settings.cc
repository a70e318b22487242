#include "relay/app/relay_settings.h"

namespace ccc::relay::app {

RelaySettings LoadRelaySettings(ccc::config::ConfigReader& reader) {
  RelaySettings settings;
  settings.core = config::LoadRelayConfigKeys(reader);
  settings.sessions = api::LoadSessionSettings(reader);
  settings.pairing = pairing::LoadPairingConfig(reader);
  settings.broker = broker::LoadBrokerConfig(reader);
  settings.oidc = oidc::LoadOidcConfig(reader);
  reader.RejectUnknownKeys();
  return settings;
}

RelaySettings LoadRelaySettingsFile(const std::string& path) {
  auto reader = ccc::config::ConfigReader::FromFile(path);
  return LoadRelaySettings(reader);
}

}  // namespace ccc::relay::app
