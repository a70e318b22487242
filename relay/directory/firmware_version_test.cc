#include "relay/directory/firmware_version.h"

#include <gtest/gtest.h>

namespace ccc::relay::directory {
namespace {

TEST(FirmwareVersion, ParsesDottedNumbers) {
  Result<FirmwareVersion> version = ParseFirmwareVersion("2.10.0");
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, (FirmwareVersion{2, 10, 0}));
}

TEST(FirmwareVersion, StrictParseRefusesSuffixesEmptyPartsAndLetters) {
  for (const char* bad :
       {"", ".", "2.", ".2", "2..6", "2.6a", "v2.6", "2.6-rc1", " 2.6", "1234567890"}) {
    Result<FirmwareVersion> version = ParseFirmwareVersion(bad);
    ASSERT_FALSE(version.ok()) << bad;
    EXPECT_EQ(version.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(FirmwareVersion, ReportedFirmwareKeepsTheNumericPrefix) {
  EXPECT_EQ(ParseReportedFirmware("2.6.6-rc1"), (FirmwareVersion{2, 6, 6}));
  EXPECT_EQ(ParseReportedFirmware("8.2 build 12"), (FirmwareVersion{8, 2}));
  EXPECT_EQ(ParseReportedFirmware("3."), (FirmwareVersion{3}));
}

TEST(FirmwareVersion, ReportedFirmwareWithoutLeadingDigitIsUnusable) {
  EXPECT_FALSE(ParseReportedFirmware("").has_value());
  EXPECT_FALSE(ParseReportedFirmware("unknown").has_value());
  EXPECT_FALSE(ParseReportedFirmware("V2.6").has_value());
  EXPECT_FALSE(ParseReportedFirmware("2.12345678901").has_value());
}

TEST(FirmwareVersion, ComparesEachPartNumericallyNotAsText) {
  EXPECT_GT(CompareFirmwareVersions({2, 10}, {2, 9}), 0);
  EXPECT_LT(CompareFirmwareVersions({2, 9}, {2, 10}), 0);
  EXPECT_LT(CompareFirmwareVersions({1, 99, 99}, {2}), 0);
}

TEST(FirmwareVersion, MissingTrailingPartsCountAsZero) {
  EXPECT_EQ(CompareFirmwareVersions({2, 6}, {2, 6, 0, 0}), 0);
  EXPECT_LT(CompareFirmwareVersions({2, 6}, {2, 6, 1}), 0);
}

TEST(FirmwareVersion, NoMinimumIsAlwaysMet) {
  EXPECT_TRUE(FirmwareMeetsMinimum("", ""));
  EXPECT_TRUE(FirmwareMeetsMinimum("1.0", ""));
}

TEST(FirmwareVersion, MinimumIsMetByEqualAndNewerVersions) {
  EXPECT_TRUE(FirmwareMeetsMinimum("2.6.6", "2.6.6"));
  EXPECT_TRUE(FirmwareMeetsMinimum("2.10", "2.9.9"));
  EXPECT_TRUE(FirmwareMeetsMinimum("2.6.6-rc1", "2.6"));
}

TEST(FirmwareVersion, MinimumIsNotMetByOlderOrUnreportedFirmware) {
  EXPECT_FALSE(FirmwareMeetsMinimum("2.6.5", "2.6.6"));
  EXPECT_FALSE(FirmwareMeetsMinimum("", "2.6.6"));
  EXPECT_FALSE(FirmwareMeetsMinimum("unknown", "1"));
}

TEST(FirmwareVersion, UnparsableMinimumIsNeverMet) {
  EXPECT_FALSE(FirmwareMeetsMinimum("99.0", "latest"));
}

}  // namespace
}  // namespace ccc::relay::directory
