#include "relay/oidc/oidc_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ccc::relay::oidc {
namespace {

using ccc::config::ConfigError;
using ccc::config::ConfigReader;

class OidcConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("oidc_config_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteSecret(const std::string& content) {
    auto path = dir_ / "secret";
    std::ofstream(path) << content;
    return path.string();
  }

  static OidcConfig Load(const std::string& toml) {
    ConfigReader reader = ConfigReader::FromString(toml, "relay.toml");
    OidcConfig config = LoadOidcConfig(reader);
    reader.RejectUnknownKeys();
    return config;
  }

  std::filesystem::path dir_;
};

constexpr const char* kMinimal = R"([oidc]
issuer = "https://login.example.com/realms/acme"
client_id = "ccc"
redirect_uri = "https://ccc.example.com/api/v1/auth/oidc/callback"
default_company = "Acme"
)";

TEST_F(OidcConfigTest, IsDisabledWithoutTheSection) { EXPECT_FALSE(Load("").enabled); }

TEST_F(OidcConfigTest, ReadsTheMinimalSectionWithDefaults) {
  ConfigReader reader = ConfigReader::FromString(kMinimal, "relay.toml");
  OidcConfig config = LoadOidcConfig(reader);
  EXPECT_TRUE(config.enabled);
  EXPECT_EQ(config.issuer, "https://login.example.com/realms/acme");
  EXPECT_EQ(config.client_id, "ccc");
  EXPECT_EQ(config.client_secret, "");
  EXPECT_EQ(config.scopes, "openid email profile");
  EXPECT_EQ(config.display_name, "Single sign-on");
  EXPECT_EQ(config.default_company, "Acme");
  EXPECT_TRUE(config.allow_create_users);
  EXPECT_EQ(config.ca_file, "");
}

TEST_F(OidcConfigTest, ReadsTheSecretFromItsFileTrimmed) {
  std::string secret = WriteSecret("  top-secret\n");
  OidcConfig config = Load(std::string(kMinimal) + "client_secret_file = \"" + secret +
                           "\"\ncompany_claim = \"org\"\nallow_create_users = false\n"
                           "display_name = \"Acme login\"\n");
  EXPECT_EQ(config.client_secret, "top-secret");
  EXPECT_EQ(config.company_claim, "org");
  EXPECT_FALSE(config.allow_create_users);
  EXPECT_EQ(config.display_name, "Acme login");
}

TEST_F(OidcConfigTest, RefusesAnEmptySecretFile) {
  std::string secret = WriteSecret(" \n");
  EXPECT_THROW(Load(std::string(kMinimal) + "client_secret_file = \"" + secret + "\"\n"),
               ConfigError);
}

TEST_F(OidcConfigTest, RefusesAMissingSecretFile) {
  EXPECT_THROW(Load(std::string(kMinimal) + "client_secret_file = \"/nonexistent/x\"\n"),
               ConfigError);
}

TEST_F(OidcConfigTest, RefusesASectionWithoutIssuer) {
  EXPECT_THROW(Load("[oidc]\nclient_id = \"ccc\"\n"), ConfigError);
}

TEST_F(OidcConfigTest, RefusesPlainHttpIssuersOutsideLoopback) {
  std::string toml = kMinimal;
  toml.replace(toml.find("https://login"), 13, "http://login");
  try {
    Load(toml);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("oidc.issuer"), std::string::npos) << e.what();
  }
}

TEST_F(OidcConfigTest, AcceptsPlainHttpOnLoopback) {
  std::string toml = kMinimal;
  toml.replace(toml.find("https://login.example.com"), 25, "http://127.0.0.1:5000");
  EXPECT_EQ(Load(toml).issuer, "http://127.0.0.1:5000/realms/acme");
}

TEST_F(OidcConfigTest, RefusesScopesWithoutOpenid) {
  EXPECT_THROW(Load(std::string(kMinimal) + "scopes = \"email profile\"\n"), ConfigError);
}

TEST_F(OidcConfigTest, RefusesASectionThatNamesNoCompany) {
  std::string toml = kMinimal;
  toml.erase(toml.find("default_company"));
  EXPECT_THROW(Load(toml), ConfigError);
}

TEST_F(OidcConfigTest, UnknownKeysInTheSectionAreErrors) {
  EXPECT_THROW(Load(std::string(kMinimal) + "client_secert = \"x\"\n"), ConfigError);
}

}  // namespace
}  // namespace ccc::relay::oidc
