#include "relay/api/session_settings.h"

#include <gtest/gtest.h>

namespace ccc::relay::api {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

SessionSettings Load(std::string_view toml) {
  auto reader = config::ConfigReader::FromString(toml, "relay.toml");
  SessionSettings settings = LoadSessionSettings(reader);
  reader.RejectUnknownKeys();
  return settings;
}

TEST(LoadSessionSettings, DefaultsToSevenDaysTwelveHoursAndNoSecureFlag) {
  SessionSettings settings = Load("");
  EXPECT_EQ(settings.absolute_lifetime, hours(24 * 7));
  EXPECT_EQ(settings.idle_timeout, hours(12));
  EXPECT_FALSE(settings.secure_cookies);
}

TEST(LoadSessionSettings, ReadsTheAuthSection) {
  SessionSettings settings =
      Load("[auth]\nsession_lifetime = \"1d\"\nsession_idle = \"30m\"\nsecure_cookies = true\n");
  EXPECT_EQ(settings.absolute_lifetime, hours(24));
  EXPECT_EQ(settings.idle_timeout, minutes(30));
  EXPECT_TRUE(settings.secure_cookies);
}

TEST(LoadSessionSettings, RejectsAnIdleTimeoutLongerThanTheLifetime) {
  EXPECT_THROW(Load("[auth]\nsession_lifetime = \"1h\"\nsession_idle = \"2h\"\n"),
               config::ConfigError);
}

TEST(LoadSessionSettings, RejectsATooShortLifetime) {
  EXPECT_THROW(Load("[auth]\nsession_lifetime = \"10s\"\n"), config::ConfigError);
}

TEST(LoadSessionSettings, LeavesUnknownAuthKeysToRejectUnknownKeys) {
  EXPECT_THROW(Load("[auth]\nsession_lifetme = \"1d\"\n"), config::ConfigError);
}

}  // namespace
}  // namespace ccc::relay::api
