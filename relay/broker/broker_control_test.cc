#include "relay/broker/broker_control.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "relay/ca/device_ca.h"

namespace ccc::relay::broker {
namespace {

namespace fs = std::filesystem;
using config::ConfigError;
using config::ConfigReader;

class BrokerControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "broker_control_test.XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Reads [broker] from a file in the temp dir, so relative paths resolve against it.
  BrokerConfig Load(const std::string& toml) {
    const fs::path file = dir_ / "relay.toml";
    std::ofstream(file) << toml;
    auto reader = ConfigReader::FromFile(file.string());
    BrokerConfig c = LoadBrokerConfig(reader);
    reader.RejectUnknownKeys();
    return c;
  }

  std::string Crl() {
    auto ca = ca::DeviceCa::OpenOrCreate((dir_ / "ca.key").string(), (dir_ / "ca.crt").string(),
                                         "test CA");
    EXPECT_TRUE(ca.ok());
    EXPECT_TRUE(ca.value().Revoke("01", 1'700'000'000).ok());
    return ca.value().CrlPem(std::chrono::hours(24)).value();
  }

  std::string P(const std::string& name) const { return (dir_ / name).string(); }

  // Command-mode config whose commands leave files behind, so a test sees what ran.
  BrokerConfig CommandConfig() {
    BrokerConfig c;
    c.crl_file = P("devices.crl");
    c.reload_command = "touch " + P("reloaded");
    c.evict = "command";
    // cp fails unless the reload ran first: proves the order CRL -> reload -> kick.
    c.evict_command = "cp " + P("reloaded") + " " + P("evicted-{device}");
    c.admit_command = "touch " + P("admitted-{device}");
    return c;
  }

  fs::path dir_;
};

TEST_F(BrokerControlTest, AnEmptySectionMeansNoCrlAndNoEviction) {
  BrokerConfig c = Load("");
  EXPECT_EQ(c.evict, "none");
  EXPECT_TRUE(c.crl_file.empty());
  EXPECT_TRUE(c.reload_command.empty());
  EXPECT_EQ(c.timeout, std::chrono::seconds(10));
}

TEST_F(BrokerControlTest, ReadsADynsecSectionWithPathsRelativeToTheConfigFile) {
  BrokerConfig c = Load(R"([broker]
crl_file = "mqtt/devices.crl"
reload_pid_file = "/run/mosquitto/mosquitto.pid"
evict = "dynsec"
dynsec_host = "broker.example"
dynsec_port = 8884
dynsec_ca_file = "ca.crt"
dynsec_cert_file = "relay.crt"
dynsec_key_file = "relay.key"
timeout = "3s"
)");
  EXPECT_EQ(c.crl_file, P("mqtt/devices.crl"));
  EXPECT_EQ(c.reload_pid_file, "/run/mosquitto/mosquitto.pid");
  EXPECT_EQ(c.evict, "dynsec");
  EXPECT_EQ(c.dynsec_host, "broker.example");
  EXPECT_EQ(c.dynsec_port, 8884);
  EXPECT_EQ(c.dynsec_cert_file, P("relay.crt"));
  EXPECT_EQ(c.timeout, std::chrono::seconds(3));
}

TEST_F(BrokerControlTest, DynsecWithoutTheClientCertificateIsAConfigError) {
  EXPECT_THROW(
      Load("[broker]\ncrl_file = \"c.crl\"\nevict = \"dynsec\"\ndynsec_ca_file = \"ca.crt\"\n"),
      ConfigError);
}

TEST_F(BrokerControlTest, DynsecWithoutACrlFileIsAConfigError) {
  EXPECT_THROW(Load("[broker]\nevict = \"dynsec\"\ndynsec_ca_file = \"a\"\n"
                    "dynsec_cert_file = \"b\"\ndynsec_key_file = \"c\"\n"),
               ConfigError);
}

TEST_F(BrokerControlTest, AnUnknownMechanismIsAConfigError) {
  EXPECT_THROW(Load("[broker]\nevict = \"restart\"\n"), ConfigError);
}

TEST_F(BrokerControlTest, AnEvictCommandWithoutTheDevicePlaceholderIsAConfigError) {
  try {
    Load("[broker]\nevict = \"command\"\nevict_command = \"vmq-admin session disconnect\"\n");
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("broker.evict_command"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("{device}"), std::string::npos) << e.what();
  }
}

TEST_F(BrokerControlTest, AnEvictCommandWithoutEvictCommandModeIsAConfigError) {
  EXPECT_THROW(Load("[broker]\nevict_command = \"kick {device}\"\n"), ConfigError);
}

TEST_F(BrokerControlTest, ReloadCommandAndPidFileTogetherAreAConfigError) {
  EXPECT_THROW(Load("[broker]\ncrl_file = \"c.crl\"\nreload_command = \"true\"\n"
                    "reload_pid_file = \"m.pid\"\n"),
               ConfigError);
}

TEST_F(BrokerControlTest, AReloadWithoutACrlFileIsAConfigError) {
  EXPECT_THROW(Load("[broker]\nreload_command = \"systemctl reload mosquitto\"\n"), ConfigError);
}

TEST_F(BrokerControlTest, AReloadCommandWithAnUnknownPlaceholderIsAConfigError) {
  EXPECT_THROW(Load("[broker]\ncrl_file = \"c.crl\"\nreload_command = \"reload {device}\"\n"),
               ConfigError);
}

TEST_F(BrokerControlTest, EvictWritesTheCrlReloadsAndThenRunsTheEvictCommand) {
  auto control = MakeBrokerControl(CommandConfig());
  const std::string crl = Crl();
  Status s = control->EvictDevice("PBX-0001", crl);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::ifstream in(P("devices.crl"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), crl);
  struct stat st {};
  ASSERT_EQ(::stat(P("devices.crl").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_TRUE(fs::exists(P("evicted-PBX-0001")));
}

TEST_F(BrokerControlTest, EvictIsIdempotent) {
  auto control = MakeBrokerControl(CommandConfig());
  const std::string crl = Crl();
  ASSERT_TRUE(control->EvictDevice("PBX-0001", crl).ok());
  EXPECT_TRUE(control->EvictDevice("PBX-0001", crl).ok());
}

TEST_F(BrokerControlTest, EvictRefusesAnInvalidDeviceIdAndRunsNothing) {
  auto control = MakeBrokerControl(CommandConfig());
  for (const std::string bad : {"../etc", "a b", "", ".hidden", "x/y", "#"}) {
    EXPECT_EQ(control->EvictDevice(bad, Crl()).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(fs::exists(P("devices.crl")));
  EXPECT_FALSE(fs::exists(P("reloaded")));
}

TEST_F(BrokerControlTest, EvictRefusesADeviceIdThatWouldBeReadAsAnOption) {
  BrokerConfig c = CommandConfig();
  c.evict_command = "touch {device}";
  auto control = MakeBrokerControl(c);
  EXPECT_EQ(control->EvictDevice("-rf", Crl()).code(), StatusCode::kInvalidArgument);
}

TEST_F(BrokerControlTest, EvictRefusesTextThatIsNotACrlAndWritesNothing) {
  auto control = MakeBrokerControl(CommandConfig());
  EXPECT_EQ(control->EvictDevice("PBX-0001", "not a crl").code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(P("devices.crl")));
  EXPECT_FALSE(fs::exists(P("evicted-PBX-0001")));
}

TEST_F(BrokerControlTest, AFailedReloadStillKicksTheDeviceAndReportsTheFailure) {
  BrokerConfig c = CommandConfig();
  c.reload_command = "false";
  c.evict_command = "touch " + P("evicted-{device}");
  auto control = MakeBrokerControl(c);
  Status s = control->EvictDevice("PBX-0001", Crl());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("false"), std::string::npos) << s.message();
  EXPECT_TRUE(fs::exists(P("evicted-PBX-0001")));
}

TEST_F(BrokerControlTest, AFailedEvictCommandIsReported) {
  BrokerConfig c = CommandConfig();
  c.evict_command = "false {device}";
  auto control = MakeBrokerControl(c);
  EXPECT_EQ(control->EvictDevice("PBX-0001", Crl()).code(), StatusCode::kUnavailable);
  EXPECT_TRUE(fs::exists(P("devices.crl")));
}

TEST_F(BrokerControlTest, AdmitRunsTheAdmitCommand) {
  auto control = MakeBrokerControl(CommandConfig());
  ASSERT_TRUE(control->AdmitDevice("PBX-0002").ok());
  EXPECT_TRUE(fs::exists(P("admitted-PBX-0002")));
}

TEST_F(BrokerControlTest, AdmitWithoutACommandDoesNothing) {
  BrokerConfig c;
  auto control = MakeBrokerControl(c);
  EXPECT_TRUE(control->AdmitDevice("PBX-0002").ok());
  EXPECT_EQ(control->AdmitDevice("bad id").code(), StatusCode::kInvalidArgument);
}

TEST_F(BrokerControlTest, InstallCrlWritesAndReloadsWithoutKickingAnyone) {
  auto control = MakeBrokerControl(CommandConfig());
  ASSERT_TRUE(control->InstallCrl(Crl()).ok());
  EXPECT_TRUE(fs::exists(P("devices.crl")));
  EXPECT_TRUE(fs::exists(P("reloaded")));
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("evicted-")) << entry.path();
  }
}

TEST_F(BrokerControlTest, InstallCrlWithoutACrlFileIsANoOp) {
  auto control = MakeBrokerControl(BrokerConfig{});
  EXPECT_TRUE(control->InstallCrl("anything").ok());
}

TEST_F(BrokerControlTest, TheReloadCommandGetsTheCrlPath) {
  BrokerConfig c = CommandConfig();
  c.reload_command = "cp {crl_file} " + P("seen.crl");
  auto control = MakeBrokerControl(c);
  ASSERT_TRUE(control->InstallCrl(Crl()).ok());
  EXPECT_TRUE(fs::exists(P("seen.crl")));
}

TEST_F(BrokerControlTest, DynsecEvictionFailsWithUnavailableWhenNoBrokerListens) {
  BrokerConfig c;
  c.crl_file = P("devices.crl");
  c.evict = "dynsec";
  c.dynsec_port = 1;  // nothing listens on port 1 of loopback
  c.timeout = std::chrono::milliseconds(500);
  // Any PEM material loads; the connection fails before TLS.
  (void)Crl();
  c.dynsec_ca_file = P("ca.crt");
  c.dynsec_cert_file = P("ca.crt");
  c.dynsec_key_file = P("ca.key");
  auto control = MakeBrokerControl(c);
  Status s = control->EvictDevice("PBX-0001", Crl());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_TRUE(fs::exists(P("devices.crl"))) << "the CRL is written even when the kick fails";
}

}  // namespace
}  // namespace ccc::relay::broker
