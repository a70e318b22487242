#include "common/logging/logging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>

namespace ccc::logging {
namespace {

TEST(Logging, AcceptsTheFiveLevelNames) {
  for (const std::string_view level : {"trace", "debug", "info", "warn", "error"}) {
    EXPECT_TRUE(IsValidLevel(level)) << level;
  }
}

TEST(Logging, RejectsOtherLevelNames) {
  for (const std::string_view level : {"", "INFO", "warning", "critical", "off"}) {
    EXPECT_FALSE(IsValidLevel(level)) << level;
  }
}

TEST(Logging, InitWithUnknownLevelThrowsNamingIt) {
  try {
    Init("ccc-test", "verbose");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("unknown log level 'verbose'"));
  }
}

TEST(Logging, InitInstallsNamedDefaultLoggerAtLevel) {
  Init("ccc-test", "warn");
  EXPECT_EQ(spdlog::default_logger()->name(), "ccc-test");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::warn);
}

}  // namespace
}  // namespace ccc::logging
