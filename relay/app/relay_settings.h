#pragma once

#include <string>

#include "relay/api/session_settings.h"
#include "relay/broker/broker_control.h"
#include "relay/config/relay_config.h"
#include "relay/oidc/oidc_config.h"
#include "relay/pairing/pairing_config.h"

namespace ccc::relay::app {

// The whole relay configuration file: the core sections (relay_config.h) plus the sections
// each module reads itself ([auth], [pairing], [broker], [oidc]). Every key of the file must
// be known to one of them.
struct RelaySettings {
  config::RelayConfig core;
  api::SessionSettings sessions;
  pairing::PairingConfig pairing;
  broker::BrokerConfig broker;
  oidc::OidcConfig oidc;
};

// Throws config::ConfigError naming the file, key and value (also for unknown keys).
RelaySettings LoadRelaySettings(ccc::config::ConfigReader& reader);
RelaySettings LoadRelaySettingsFile(const std::string& path);

}  // namespace ccc::relay::app
