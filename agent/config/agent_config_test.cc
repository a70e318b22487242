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

}  // namespace
}  // namespace ccc::agent::config
