#include "relay/pairing/pairing_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace ccc::relay::pairing {
namespace {

using ::testing::HasSubstr;

PairingConfig Load(const std::string& toml) {
  auto reader = ccc::config::ConfigReader::FromString(toml, "relay.toml");
  return LoadPairingConfig(reader);
}

constexpr std::string_view kBase = R"(
[relay]
data_dir = "/var/lib/ccc"
[mqtt]
host = "mqtt.internal"
port = 8885
ca_file = "/etc/ccc/broker-ca.crt"
)";

TEST(PairingConfig, DefaultsFollowTheBriefAndTheRelaysOwnBroker) {
  PairingConfig c = Load(std::string(kBase));
  EXPECT_EQ(c.code_ttl, std::chrono::hours(24));
  EXPECT_EQ(c.cert_validity, std::chrono::hours(825 * 24));
  EXPECT_EQ(c.broker_host, "mqtt.internal");
  EXPECT_EQ(c.broker_port, 8883);  // the agents' listener, not the relay's mqtt.port
  EXPECT_EQ(c.broker_ca_file, "/etc/ccc/broker-ca.crt");
  EXPECT_EQ(c.ca_key_file, "/var/lib/ccc/device-ca.key");
  EXPECT_EQ(c.ca_cert_file, "/var/lib/ccc/device-ca.crt");
}

TEST(PairingConfig, ReadsEveryKeyOfThePairingSection) {
  PairingConfig c = Load(std::string(kBase) + R"(
[pairing]
code_ttl = "2h"
cert_validity = "30d"
broker_host = "broker.example.net"
broker_port = 443
broker_ca_file = "/etc/ccc/public-ca.crt"
ca_key_file = "pki/ca.key"
ca_cert_file = "/etc/ccc/ca.crt"
)");
  EXPECT_EQ(c.code_ttl, std::chrono::hours(2));
  EXPECT_EQ(c.cert_validity, std::chrono::hours(30 * 24));
  EXPECT_EQ(c.broker_host, "broker.example.net");
  EXPECT_EQ(c.broker_port, 443);
  EXPECT_EQ(c.broker_ca_file, "/etc/ccc/public-ca.crt");
  EXPECT_EQ(c.ca_key_file, "/var/lib/ccc/pki/ca.key");
  EXPECT_EQ(c.ca_cert_file, "/etc/ccc/ca.crt");
}

TEST(PairingConfig, RejectsACodeLifetimeBelowAMinute) {
  try {
    Load(std::string(kBase) + "[pairing]\ncode_ttl = \"10s\"\n");
    FAIL() << "no ConfigError";
  } catch (const ccc::config::ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("pairing.code_ttl"));
  }
}

TEST(PairingConfig, RejectsOneFileForKeyAndCertificate) {
  EXPECT_THROW(
      Load(std::string(kBase) + "[pairing]\nca_key_file = \"ca.pem\"\nca_cert_file = \"ca.pem\"\n"),
      ccc::config::ConfigError);
}

}  // namespace
}  // namespace ccc::relay::pairing
