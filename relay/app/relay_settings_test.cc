#include "relay/app/relay_settings.h"

#include <gtest/gtest.h>

#include <string>

namespace ccc::relay::app {
namespace {

TEST(RelaySettingsTest, TheExampleConfigLoadsWithEverySection) {
  RelaySettings settings =
      LoadRelaySettingsFile(std::string(CCC_SOURCE_DIR) + "/config/relay.example.toml");
  EXPECT_EQ(settings.core.mqtt.port, 8884);
  EXPECT_EQ(settings.core.http_threads, 4u);
  EXPECT_TRUE(settings.sessions.secure_cookies);
  EXPECT_EQ(settings.pairing.broker_port, 8883);
  EXPECT_EQ(settings.pairing.ca_cert_file, "/var/lib/ccc-relay/device-ca.crt");
  EXPECT_EQ(settings.broker.evict, "dynsec");
  EXPECT_FALSE(settings.oidc.enabled);
}

TEST(RelaySettingsTest, AKeyNoSectionKnowsIsRefusedByName) {
  auto reader = ccc::config::ConfigReader::FromString(
      "[relay]\ndata_dir = \"/tmp/x\"\n[mqtt]\nca_file = \"a\"\ncert_file = \"b\"\n"
      "key_file = \"c\"\n[pairing]\ncode_tll = \"1h\"\n",
      "relay.toml");
  try {
    LoadRelaySettings(reader);
    FAIL() << "expected a ConfigError";
  } catch (const ccc::config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("pairing.code_tll"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ccc::relay::app
