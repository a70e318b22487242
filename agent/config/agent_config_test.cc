#include "agent/config/agent_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace ccc::agent::config {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class AgentConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("agent_config_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    for (const char* name : {"ca.crt", "dev.crt", "dev.key"}) {
      std::ofstream(dir_ / name) << "x";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Minimal(const std::string& extra = "") const {
    return "[agent]\ndevice_id = \"pbx-001\"\ndata_dir = \"" + (dir_ / "data").string() +
           "\"\n[mqtt]\nca_file = \"" + (dir_ / "ca.crt").string() + "\"\ncert_file = \"" +
           (dir_ / "dev.crt").string() + "\"\nkey_file = \"" + (dir_ / "dev.key").string() +
           "\"\n" + extra;
  }

  AgentConfig Parse(const std::string& toml) {
    auto reader = ccc::config::ConfigReader::FromString(toml, "agent.toml");
    return ParseAgentConfig(reader);
  }

  std::string ErrorOf(const std::string& toml) {
    try {
      Parse(toml);
    } catch (const ccc::config::ConfigError& e) {
      return e.what();
    }
    return "no error";
  }

  fs::path dir_;
};

TEST_F(AgentConfigTest, MinimalFileGetsDocumentedDefaults) {
  auto c = Parse(Minimal());
  EXPECT_EQ(c.agent.device_id, "pbx-001");
  EXPECT_EQ(c.OutboxPath(), (dir_ / "data" / "outbox.db").string());
  EXPECT_EQ(c.mqtt.port, 8883);
  EXPECT_EQ(c.mqtt.flush_rate, 50);
  EXPECT_EQ(c.mqtt.max_inflight, 32);
  EXPECT_EQ(c.mqtt.max_batch_bytes, 64u * 1024);
  EXPECT_EQ(c.mqtt.reconnect_jitter, std::chrono::seconds(5));
  EXPECT_TRUE(c.outbox.sync_full);
  EXPECT_EQ(c.sampler.interval, std::chrono::seconds(1));
  EXPECT_EQ(c.source.serial, "pbx-001");
  EXPECT_EQ(c.source.model, "COMtrexx Advanced");
}

TEST_F(AgentConfigTest, ReadsEverySection) {
  auto c = Parse(Minimal(
      "port = 18883\nflush_rate = 0\nmax_batch_bytes = \"16KiB\"\nreconnect_jitter = \"0s\"\n"
      "[outbox]\nmax_size = \"8MiB\"\nsync = \"normal\"\n[sampler]\ninterval = \"250ms\"\n"
      "[source]\nserial = \"SN-9\"\nseed = 7\nfirmware = \"2.7.0\"\n"));
  EXPECT_EQ(c.mqtt.port, 18883);
  EXPECT_EQ(c.mqtt.flush_rate, 0);
  EXPECT_EQ(c.mqtt.max_batch_bytes, 16u * 1024);
  EXPECT_EQ(c.mqtt.reconnect_jitter, std::chrono::milliseconds(0));
  EXPECT_EQ(c.outbox.max_size, 8u * 1024 * 1024);
  EXPECT_FALSE(c.outbox.sync_full);
  EXPECT_EQ(c.sampler.interval, std::chrono::milliseconds(250));
  EXPECT_EQ(c.source.serial, "SN-9");
  EXPECT_EQ(c.source.seed, 7u);
  EXPECT_EQ(c.source.firmware, "2.7.0");
}

TEST_F(AgentConfigTest, InvalidDeviceIdNamesKeyAndValue) {
  auto error = ErrorOf(
      "[agent]\ndevice_id = \"a/b\"\ndata_dir = \"/tmp\"\n[mqtt]\nca_file = \"x\"\n"
      "cert_file = \"x\"\nkey_file = \"x\"\n");
  EXPECT_THAT(error, HasSubstr("agent.toml"));
  EXPECT_THAT(error, HasSubstr("agent.device_id"));
  EXPECT_THAT(error, HasSubstr("a/b"));
}

TEST_F(AgentConfigTest, PortOutOfRangeIsRejected) {
  auto error = ErrorOf(Minimal("port = 70000\n"));
  EXPECT_THAT(error, HasSubstr("mqtt.port"));
  EXPECT_THAT(error, HasSubstr("70000"));
}

TEST_F(AgentConfigTest, UnknownKeyIsRejected) {
  EXPECT_THAT(ErrorOf(Minimal("prot = 1883\n")), HasSubstr("mqtt.prot"));
}

TEST_F(AgentConfigTest, UnreadableCertificateNamesKeyAndPath) {
  fs::remove(dir_ / "dev.key");
  auto error = ErrorOf(Minimal());
  EXPECT_THAT(error, HasSubstr("mqtt.key_file"));
  EXPECT_THAT(error, HasSubstr((dir_ / "dev.key").string()));
}

TEST_F(AgentConfigTest, MissingCertificateIsFineWhenFilesAreNotChecked) {
  fs::remove(dir_ / "dev.key");
  auto reader = ccc::config::ConfigReader::FromString(Minimal(), "agent.toml");
  EXPECT_EQ(ParseAgentConfig(reader, FileCheck::kSkip).agent.device_id, "pbx-001");
}

TEST_F(AgentConfigTest, SamplerIntervalBelowMinimumIsRejected) {
  EXPECT_THAT(ErrorOf(Minimal("[sampler]\ninterval = \"10ms\"\n")), HasSubstr("sampler.interval"));
}

TEST_F(AgentConfigTest, MissingDeviceIdIsReported) {
  EXPECT_THAT(ErrorOf("[agent]\ndata_dir = \"/tmp\"\n"), HasSubstr("agent.device_id"));
}

TEST_F(AgentConfigTest, UnknownSourceKindIsRejected) {
  EXPECT_THAT(ErrorOf(Minimal("[source]\nkind = \"comtrexx\"\n")), HasSubstr("source.kind"));
}

TEST_F(AgentConfigTest, SimulatorSizeAndTrafficHaveDefaults) {
  auto c = Parse(Minimal());
  EXPECT_EQ(c.source.phones, 24);
  EXPECT_EQ(c.source.history_days, 21);
  EXPECT_EQ(c.source.calls_per_hour, 12);
}

TEST_F(AgentConfigTest, ReadsSimulatorSizeAndTraffic) {
  auto c = Parse(Minimal("[source]\nphones = 2000\nhistory_days = 0\ncalls_per_hour = 2.5\n"));
  EXPECT_EQ(c.source.phones, 2000);
  EXPECT_EQ(c.source.history_days, 0);
  EXPECT_EQ(c.source.calls_per_hour, 2.5);
}

TEST_F(AgentConfigTest, SimulatorValuesOutOfRangeAreRejected) {
  EXPECT_THAT(ErrorOf(Minimal("[source]\nphones = 4\n")), HasSubstr("source.phones"));
  EXPECT_THAT(ErrorOf(Minimal("[source]\nphones = 2001\n")), HasSubstr("2001"));
  EXPECT_THAT(ErrorOf(Minimal("[source]\nhistory_days = 91\n")), HasSubstr("source.history_days"));
  EXPECT_THAT(ErrorOf(Minimal("[source]\ncalls_per_hour = -1\n")),
              HasSubstr("source.calls_per_hour"));
  EXPECT_THAT(ErrorOf(Minimal("[source]\ncalls_per_hour = 6001\n")),
              HasSubstr("source.calls_per_hour"));
}

TEST_F(AgentConfigTest, PbxDataIntervalsHaveDocumentedDefaults) {
  auto c = Parse(Minimal());
  EXPECT_EQ(c.source.registrations_interval, std::chrono::seconds(10));
  EXPECT_EQ(c.source.registrations_snapshot_interval, std::chrono::minutes(15));
  EXPECT_EQ(c.source.calls_interval, std::chrono::seconds(5));
  EXPECT_EQ(c.source.information_interval, std::chrono::seconds(60));
}

TEST_F(AgentConfigTest, ReadsPbxDataIntervals) {
  auto c =
      Parse(Minimal("[source]\nregistrations_interval = \"2s\"\n"
                    "registrations_snapshot_interval = \"1h\"\ncalls_interval = \"250ms\"\n"
                    "information_interval = \"5m\"\n"));
  EXPECT_EQ(c.source.registrations_interval, std::chrono::seconds(2));
  EXPECT_EQ(c.source.registrations_snapshot_interval, std::chrono::hours(1));
  EXPECT_EQ(c.source.calls_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(c.source.information_interval, std::chrono::minutes(5));
}

TEST_F(AgentConfigTest, SnapshotIntervalShorterThanThePollIntervalIsRejected) {
  EXPECT_THAT(ErrorOf(Minimal("[source]\nregistrations_interval = \"30m\"\n"
                              "registrations_snapshot_interval = \"10m\"\n")),
              HasSubstr("source.registrations_snapshot_interval"));
}

TEST_F(AgentConfigTest, ALongPollIntervalRaisesTheDefaultSnapshotInterval) {
  auto c = Parse(Minimal("[source]\nregistrations_interval = \"1h\"\n"));
  EXPECT_EQ(c.source.registrations_snapshot_interval, std::chrono::hours(1));
}

TEST_F(AgentConfigTest, PbxDataIntervalsOutOfRangeAreRejected) {
  EXPECT_THAT(ErrorOf(Minimal("[source]\nregistrations_interval = \"50ms\"\n")),
              HasSubstr("source.registrations_interval"));
  EXPECT_THAT(ErrorOf(Minimal("[source]\nregistrations_snapshot_interval = \"8d\"\n")),
              HasSubstr("source.registrations_snapshot_interval"));
  EXPECT_THAT(ErrorOf(Minimal("[source]\ncalls_interval = \"2h\"\n")),
              HasSubstr("source.calls_interval"));
  EXPECT_THAT(ErrorOf(Minimal("[source]\ninformation_interval = \"500ms\"\n")),
              HasSubstr("source.information_interval"));
}

TEST_F(AgentConfigTest, CredentialPathsDefaultToTheDataFolder) {
  auto reader = ccc::config::ConfigReader::FromString(
      "[agent]\ndevice_id = \"pbx-001\"\ndata_dir = \"" + (dir_ / "data").string() + "\"\n",
      "agent.toml");
  auto c = ParseAgentConfig(reader, FileCheck::kSkip);
  EXPECT_EQ(c.mqtt.key_file, (dir_ / "data" / "agent.key").string());
  EXPECT_EQ(c.mqtt.cert_file, (dir_ / "data" / "agent.crt").string());
  EXPECT_EQ(c.mqtt.ca_file, (dir_ / "data" / "broker-ca.crt").string());
  EXPECT_EQ(c.PairingStatePath(), (dir_ / "data" / "pairing.json").string());
  EXPECT_EQ(c.DeviceCaPath(), (dir_ / "data" / "device-ca.crt").string());
}

TEST_F(AgentConfigTest, BrokerAddressIsMarkedConfiguredOnlyWhenWritten) {
  auto defaults = Parse(Minimal());
  EXPECT_FALSE(defaults.mqtt.host_configured);
  EXPECT_FALSE(defaults.mqtt.port_configured);
  auto written = Parse(Minimal("host = \"broker.example.net\"\nport = 8883\n"));
  EXPECT_TRUE(written.mqtt.host_configured);
  EXPECT_TRUE(written.mqtt.port_configured);
}

TEST_F(AgentConfigTest, PairingAndSiteSectionsAreRead) {
  auto c = Parse(
      Minimal("[pairing]\nrelay_url = \"https://relay.example.com\"\nca_file = \"relay-ca.crt\"\n"
              "timeout = \"5s\"\n[site]\nmonitoring = true\nremote_configuration = true\n"));
  EXPECT_EQ(c.pairing.relay_url, "https://relay.example.com");
  EXPECT_TRUE(c.pairing.ca_file.ends_with("relay-ca.crt"));
  EXPECT_FALSE(c.pairing.allow_insecure);
  EXPECT_EQ(c.pairing.timeout, std::chrono::seconds(5));
  EXPECT_TRUE(c.site.monitoring);
  EXPECT_TRUE(c.site.remote_configuration);
}

TEST_F(AgentConfigTest, OptInsAreOffUnlessTurnedOn) {
  auto c = Parse(Minimal());
  EXPECT_FALSE(c.site.monitoring);
  EXPECT_FALSE(c.site.remote_configuration);
  EXPECT_EQ(c.pairing.relay_url, "");
}

TEST_F(AgentConfigTest, RelayUrlWithoutHttpSchemeIsRejected) {
  auto error = ErrorOf(Minimal("[pairing]\nrelay_url = \"relay.example.com\"\n"));
  EXPECT_THAT(error, HasSubstr("pairing.relay_url"));
  EXPECT_THAT(error, HasSubstr("relay.example.com"));
}

TEST_F(AgentConfigTest, MissingCertificateSuggestsPairing) {
  fs::remove(dir_ / "dev.crt");
  EXPECT_THAT(ErrorOf(Minimal()), HasSubstr("ccc-agent pair"));
}

}  // namespace
}  // namespace ccc::agent::config
