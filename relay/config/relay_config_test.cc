#include "relay/config/relay_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace ccc::relay::config {
namespace {

using ::testing::HasSubstr;

constexpr const char* kMinimal = R"(
[relay]
data_dir = "/var/lib/ccc-relay"
[mqtt]
ca_file = "/etc/ccc/ca.crt"
cert_file = "/etc/ccc/relay.crt"
key_file = "/etc/ccc/relay.key"
)";

RelayConfig Load(const std::string& toml) {
  auto reader = ccc::config::ConfigReader::FromString(toml, "relay.toml");
  return LoadRelayConfig(reader);
}

std::string LoadError(const std::string& toml) {
  try {
    Load(toml);
  } catch (const ccc::config::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(RelayConfig, MinimalFileGetsTheDocumentedDefaults) {
  RelayConfig c = Load(kMinimal);
  EXPECT_EQ(c.data_dir, "/var/lib/ccc-relay");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.http_listen, "127.0.0.1");
  EXPECT_EQ(c.http_port, 8080);
  EXPECT_EQ(c.mqtt.host, "127.0.0.1");
  EXPECT_EQ(c.mqtt.port, 8883);
  EXPECT_EQ(c.mqtt.client_id, "ccc-relay-1");
  EXPECT_EQ(c.mqtt.keep_alive_s, 30);
  EXPECT_FALSE(c.mqtt.clean_start);
  EXPECT_EQ(c.store_backend, "sqlite");
  EXPECT_EQ(c.store_path, "/var/lib/ccc-relay/relay.db");
  EXPECT_TRUE(c.store_sync_full);
  EXPECT_EQ(c.ingest_max_batch_messages, 500u);
  EXPECT_EQ(c.ingest_max_batch_delay, std::chrono::milliseconds(20));
  EXPECT_EQ(c.codec_limits.max_message_bytes, 256u * 1024);
  EXPECT_EQ(c.codec_limits.max_decoded_bytes, 4u * 1024 * 1024);
  EXPECT_EQ(c.retention.raw_ms, 48ll * 3600 * 1000);
  EXPECT_EQ(c.retention.minute_ms, 14ll * 24 * 3600 * 1000);
  EXPECT_EQ(c.retention.hour_ms, 400ll * 24 * 3600 * 1000);
}

TEST(RelayConfig, ReadsEveryKey) {
  std::string toml = kMinimal;
  toml.insert(toml.find("[mqtt]"), "log_level = \"debug\"\n");
  RelayConfig c = Load(toml + R"(
[http]
listen = "::1"
port = 0
[store]
path = "/data/x.db"
sync = "normal"
[ingest]
max_batch_messages = 50
max_batch_delay = "5ms"
max_message_bytes = "64KiB"
max_decoded_bytes = "1MiB"
[retention]
raw = "1h"
minute = "2d"
hour = "30d"
)");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.http_listen, "::1");
  EXPECT_EQ(c.http_port, 0);
  EXPECT_EQ(c.store_path, "/data/x.db");
  EXPECT_FALSE(c.store_sync_full);
  EXPECT_EQ(c.ingest_max_batch_messages, 50u);
  EXPECT_EQ(c.ingest_max_batch_delay, std::chrono::milliseconds(5));
  EXPECT_EQ(c.codec_limits.max_message_bytes, 64u * 1024);
  EXPECT_EQ(c.codec_limits.max_decoded_bytes, 1024u * 1024);
  EXPECT_EQ(c.retention.raw_ms, 3600 * 1000);
  EXPECT_EQ(c.retention.hour_ms, 30ll * 24 * 3600 * 1000);
}

TEST(RelayConfig, TrustedProxiesAreAListOfAddresses) {
  RelayConfig c = Load(std::string(kMinimal) + "[http]\ntrusted_proxies = \"127.0.0.1, ::1\"\n");
  EXPECT_EQ(c.http_trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_TRUE(Load(kMinimal).http_trusted_proxies.empty());
}

TEST(RelayConfig, ATrustedProxyThatIsNoAddressIsAnError) {
  EXPECT_THAT(LoadError(std::string(kMinimal) + "[http]\ntrusted_proxies = \"proxy.local\"\n"),
              HasSubstr("http.trusted_proxies"));
}

TEST(RelayConfig, WebRootIsUnsetByDefault) { EXPECT_EQ(Load(kMinimal).http_web_root, ""); }

TEST(RelayConfig, RelativeWebRootIsUnderTheConfigFilesFolder) {
  char tmpl[] = "/tmp/relay_config_test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir = tmpl;
  std::ofstream(dir / "relay.toml") << kMinimal << "[http]\nweb_root = \"../web\"\n";
  RelayConfig c = LoadRelayConfigFile((dir / "relay.toml").string());
  EXPECT_EQ(std::filesystem::path(c.http_web_root).lexically_normal(),
            (dir.parent_path() / "web").lexically_normal());
  std::filesystem::remove_all(dir);
}

TEST(RelayConfig, RelativeStorePathIsUnderDataDir) {
  RelayConfig c = Load(std::string(kMinimal).replace(std::string(kMinimal).find("[mqtt]"), 0,
                                                     "[store]\npath = \"db/relay.sqlite\"\n"));
  EXPECT_EQ(c.store_path, "/var/lib/ccc-relay/db/relay.sqlite");
}

TEST(RelayConfig, MissingDataDirIsAnError) {
  EXPECT_THAT(LoadError(R"(
[mqtt]
ca_file = "a"
cert_file = "b"
key_file = "c"
)"),
              HasSubstr("relay.data_dir"));
}

TEST(RelayConfig, UnknownKeyIsAnError) {
  EXPECT_THAT(LoadError(std::string(kMinimal) + "prot = 1\n"), HasSubstr("mqtt.prot"));
}

TEST(RelayConfig, OutOfRangePortIsAnError) {
  EXPECT_THAT(LoadError(std::string(kMinimal) + "[http]\nport = 70000\n"), HasSubstr("http.port"));
}

TEST(RelayConfig, UnknownLogLevelIsAnError) {
  std::string toml = kMinimal;
  toml.insert(toml.find("[mqtt]"), "log_level = \"loud\"\n");
  EXPECT_THAT(LoadError(toml), HasSubstr("relay.log_level"));
}

TEST(RelayConfig, ListenMustBeAnIpAddress) {
  EXPECT_THAT(LoadError(std::string(kMinimal) + "[http]\nlisten = \"example.org\"\n"),
              HasSubstr("http.listen"));
}

TEST(RelayConfig, UnknownStoreBackendIsAnError) {
  EXPECT_THAT(LoadError(std::string(kMinimal) + "[store]\nbackend = \"oracle\"\n"),
              HasSubstr("store.backend"));
}

TEST(RelayConfig, RetentionMustNotShrinkWithCoarserResolution) {
  EXPECT_THAT(LoadError(std::string(kMinimal) + "[retention]\nraw = \"30d\"\nminute = \"2d\"\n"),
              HasSubstr("retention"));
}

TEST(RelayConfig, MaximumPacketSizeLeavesRoomForTheLargestMessage) {
  RelayConfig c = Load(std::string(kMinimal) + "[ingest]\nmax_message_bytes = \"4MiB\"\n");
  EXPECT_GT(c.mqtt.maximum_packet_size, 4u * 1024 * 1024);
}

TEST(RelayConfig, ExampleFileCoreSectionsLoad) {
  // The other sections belong to modules: relay/app/relay_settings_test.cc loads them all.
  std::filesystem::path example =
      std::filesystem::path(CCC_SOURCE_DIR) / "config" / "relay.example.toml";
  auto reader = ccc::config::ConfigReader::FromFile(example.string());
  RelayConfig c = LoadRelayConfigKeys(reader);
  EXPECT_EQ(c.mqtt.client_id, "ccc-relay-1");
}

}  // namespace
}  // namespace ccc::relay::config
