#include "common/protocol/topic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace ccc::protocol {
namespace {

using ::testing::HasSubstr;

Status ParseError(std::string_view topic) {
  Result<TopicParts> parts = ParseTopic(topic);
  EXPECT_FALSE(parts.ok()) << topic;
  return parts.status();
}

TEST(Topic, BuildsUpDownAndPresenceTopics) {
  EXPECT_EQ(UpTopic("PBX-1", "telemetry"), "ccc/v1/dev/PBX-1/up/telemetry");
  EXPECT_EQ(DownTopic("PBX-1", "backup"), "ccc/v1/dev/PBX-1/down/backup");
  EXPECT_EQ(PresenceTopic("PBX-1"), "ccc/v1/dev/PBX-1/presence");
}

TEST(Topic, BuildsRelaySubscriptions) {
  EXPECT_EQ(RelayUpSubscription(true), "$share/ccc-relay/ccc/v1/dev/+/up/#");
  EXPECT_EQ(RelayUpSubscription(false), "ccc/v1/dev/+/up/#");
  EXPECT_EQ(RelayPresenceSubscription(), "ccc/v1/dev/+/presence");
}

TEST(Topic, UpTopicRoundTrips) {
  Result<TopicParts> parts = ParseTopic(UpTopic("pbx.site-7_a", "calls"));
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(parts->device, "pbx.site-7_a");
  EXPECT_EQ(parts->kind, TopicKind::kUp);
  EXPECT_EQ(parts->name, "calls");
}

TEST(Topic, DownTopicRoundTrips) {
  Result<TopicParts> parts = ParseTopic(DownTopic("PBX-1", "restore_backup"));
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(parts->device, "PBX-1");
  EXPECT_EQ(parts->kind, TopicKind::kDown);
  EXPECT_EQ(parts->name, "restore_backup");
}

TEST(Topic, PresenceTopicRoundTripsWithEmptyName) {
  Result<TopicParts> parts = ParseTopic(PresenceTopic("PBX-1"));
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(parts->device, "PBX-1");
  EXPECT_EQ(parts->kind, TopicKind::kPresence);
  EXPECT_EQ(parts->name, "");
}

TEST(Topic, AcceptsDeviceIdOfSixtyFourCharacters) {
  EXPECT_TRUE(IsValidDeviceId(std::string(64, 'a')));
  EXPECT_TRUE(ParseTopic(PresenceTopic(std::string(64, 'a'))).ok());
}

TEST(Topic, RejectsDeviceIdOfSixtyFiveCharacters) {
  EXPECT_FALSE(IsValidDeviceId(std::string(65, 'a')));
}

TEST(Topic, RejectsDeviceIdStartingWithDot) {
  EXPECT_FALSE(IsValidDeviceId(".pbx"));
  EXPECT_TRUE(IsValidDeviceId("pbx."));
}

TEST(Topic, RejectsDeviceIdWithWildcardsOrSeparators) {
  for (const std::string_view device : {"", "a+b", "a#b", "a/b", "a b", "a$b", "ä"}) {
    EXPECT_FALSE(IsValidDeviceId(device)) << device;
  }
}

TEST(Topic, AcceptsNamesOfLowercaseDigitsAndUnderscore) {
  EXPECT_TRUE(IsValidName("telemetry"));
  EXPECT_TRUE(IsValidName("backup_chunk_2"));
  EXPECT_TRUE(IsValidName(std::string(32, 'x')));
}

TEST(Topic, RejectsNamesThatAreEmptyTooLongOrHaveOtherCharacters) {
  for (const std::string_view name : {"", "Telemetry", "tele-metry", "a.b", "+", "#"}) {
    EXPECT_FALSE(IsValidName(name)) << name;
  }
  EXPECT_FALSE(IsValidName(std::string(33, 'x')));
}

TEST(Topic, RejectsWrongRoot) {
  const Status status = ParseError("ccc/v2/dev/PBX-1/presence");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("does not start with 'ccc/v1/dev/'"));
}

TEST(Topic, RejectsRootWithoutDevice) {
  EXPECT_THAT(ParseError("ccc/v1/dev/").message(), HasSubstr("segment"));
}

TEST(Topic, RejectsTooManySegments) {
  EXPECT_THAT(ParseError("ccc/v1/dev/PBX-1/up/telemetry/extra").message(),
              HasSubstr("got 4 segment(s)"));
}

TEST(Topic, RejectsTrailingSlash) {
  EXPECT_THAT(ParseError("ccc/v1/dev/PBX-1/up/telemetry/").message(),
              HasSubstr("got 4 segment(s)"));
}

TEST(Topic, RejectsWildcardDeviceAndNamesIt) {
  EXPECT_THAT(ParseError("ccc/v1/dev/+/up/telemetry").message(),
              HasSubstr("invalid device id '+'"));
}

TEST(Topic, RejectsEmptyDevice) {
  EXPECT_THAT(ParseError("ccc/v1/dev//presence").message(), HasSubstr("invalid device id ''"));
}

TEST(Topic, RejectsUnknownTwoSegmentShape) {
  EXPECT_THAT(ParseError("ccc/v1/dev/PBX-1/status").message(),
              HasSubstr("unknown segment 'status'"));
}

TEST(Topic, RejectsUnknownDirection) {
  EXPECT_THAT(ParseError("ccc/v1/dev/PBX-1/sideways/telemetry").message(),
              HasSubstr("unknown direction 'sideways'"));
}

TEST(Topic, RejectsWildcardStreamAndNamesIt) {
  EXPECT_THAT(ParseError("ccc/v1/dev/PBX-1/up/#").message(),
              HasSubstr("stream name '#' is invalid"));
}

TEST(Topic, RejectsEmptyCommandAndNamesIt) {
  EXPECT_THAT(ParseError("ccc/v1/dev/PBX-1/down/").message(),
              HasSubstr("command name '' is invalid"));
}

TEST(Topic, CutsLongOffendingTopicShortInMessage) {
  const std::string topic = "x" + std::string(10'000, 'y');
  EXPECT_LT(ParseError(topic).message().size(), 300u);
}

}  // namespace
}  // namespace ccc::protocol
