#include "relay/mqtt/mqtt5_packets.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ccc::relay::mqtt {
namespace {

using namespace std::string_literals;

// Splits one complete encoded packet into type, flags and body.
RawPacket Split(FrameSplitter& splitter, const std::string& bytes) {
  splitter.Feed(bytes);
  auto next = splitter.Next();
  EXPECT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_TRUE(next.ok() && next->has_value());
  return next.ok() && next->has_value() ? **next : RawPacket{};
}

TEST(VariableByteInteger, RoundTripsBoundaryValues) {
  for (uint32_t value :
       {0u, 127u, 128u, 16'383u, 16'384u, 2'097'151u, 2'097'152u, kMaxVariableByteInteger}) {
    std::string bytes;
    AppendVariableByteInteger(bytes, value);
    std::string_view in(bytes);
    auto decoded = ReadVariableByteInteger(in);
    ASSERT_TRUE(decoded.ok()) << value;
    EXPECT_EQ(*decoded, value);
    EXPECT_TRUE(in.empty());
  }
}

TEST(VariableByteInteger, UsesTheMinimumNumberOfBytes) {
  std::string bytes;
  AppendVariableByteInteger(bytes, 321);
  EXPECT_EQ(bytes, "\xC1\x02"s);
}

TEST(VariableByteInteger, RejectsMoreThanFourBytes) {
  std::string_view in("\xFF\xFF\xFF\xFF\x01");
  auto decoded = ReadVariableByteInteger(in);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(in.size(), 5u);
}

TEST(VariableByteInteger, RejectsTruncatedInput) {
  std::string_view in("\x80\x80");
  EXPECT_FALSE(ReadVariableByteInteger(in).ok());
}

TEST(Utf8String, RejectsALengthBeyondTheInput) {
  std::string_view in(
      "\x00\x05"
      "abc",
      5);
  EXPECT_FALSE(ReadUtf8String(in).ok());
  EXPECT_EQ(in.size(), 5u);
}

TEST(Utf8String, RejectsAMissingLengthByte) {
  std::string_view in("\x00", 1);
  EXPECT_FALSE(ReadUtf8String(in).ok());
}

TEST(Utf8String, RejectsInvalidEncodings) {
  for (std::string body :
       {"\xC0\xAF"s, "\xED\xA0\x80"s, "a\0b"s, "\xE2\x82"s, "\xFF"s, "\xF4\x90\x80\x80"s}) {
    std::string bytes{static_cast<char>(0), static_cast<char>(body.size())};
    bytes += body;
    std::string_view in(bytes);
    EXPECT_FALSE(ReadUtf8String(in).ok()) << testing::PrintToString(body);
  }
}

TEST(Utf8String, AcceptsMultiByteCharacters) {
  std::string body = "Gr\xC3\xBC\xC3\x9F\xE2\x82\xAC\xF0\x9F\x98\x80";
  std::string bytes{static_cast<char>(0), static_cast<char>(body.size())};
  bytes += body;
  std::string_view in(bytes);
  auto decoded = ReadUtf8String(in);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, body);
}

TEST(Properties, RoundTripEveryKind) {
  Properties p;
  p.payload_format_indicator = 1;
  p.message_expiry_interval = 3600;
  p.content_type = "application/zstd";
  p.response_topic = "a/b";
  p.correlation_data = "\x00\x01\xFF"s;
  p.subscription_identifiers = {1, 300};
  p.session_expiry_interval = 604800;
  p.receive_maximum = 1024;
  p.maximum_packet_size = 1 << 20;
  p.reason_string = "why";
  p.user_properties = {{"k", "v"}, {"k", "w"}};
  std::string bytes;
  AppendProperties(bytes, p);
  std::string_view in(bytes);
  auto decoded = ReadProperties(in);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, p);
  EXPECT_TRUE(in.empty());
}

TEST(Properties, RejectsAnUnknownPropertyId) {
  std::string_view in("\x02\x05\x00", 3);
  auto decoded = ReadProperties(in);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("unknown property"), std::string::npos);
}

TEST(Properties, RejectsARepeatedSingleValuedProperty) {
  std::string_view in("\x04\x24\x01\x24\x01", 5);
  EXPECT_FALSE(ReadProperties(in).ok());
}

TEST(Properties, RejectsALengthBeyondThePacket) {
  std::string_view in("\x05\x24\x01", 3);
  EXPECT_FALSE(ReadProperties(in).ok());
}

TEST(Properties, RejectsAPropertyCutByThePropertyLength) {
  std::string_view in("\x02\x21\x00\x10", 4);  // two-byte value, only one byte inside
  EXPECT_FALSE(ReadProperties(in).ok());
}

TEST(Connect, EncodesTheMqtt5VariableHeaderAndProperties) {
  ConnectPacket connect;
  connect.client_id = "ccc-relay-1";
  connect.clean_start = true;
  connect.keep_alive_s = 30;
  connect.properties.session_expiry_interval = 60;
  std::string bytes = EncodeConnect(connect);
  std::string expected_body = "\x00\x04MQTT\x05\x02\x00\x1E\x05\x11\x00\x00\x00\x3C"s +
                              "\x00\x0B"
                              "ccc-relay-1"s;
  EXPECT_EQ(bytes, "\x10"s + static_cast<char>(expected_body.size()) + expected_body);
}

TEST(Connect, SetsWillFlagsQosAndRetain) {
  ConnectPacket connect;
  connect.client_id = "d";
  connect.will =
      WillMessage{.topic = "t", .payload = "offline", .qos = 1, .retain = true, .properties = {}};
  std::string bytes = EncodeConnect(connect);
  EXPECT_EQ(static_cast<uint8_t>(bytes[9]), 0x2C);  // will retain | will QoS 1 | will flag
}

TEST(Connack, DecodesSessionPresentReasonAndLimits) {
  ConnackPacket in{.session_present = true, .reason_code = 0, .properties = {}};
  in.properties.receive_maximum = 20;
  in.properties.maximum_qos = 1;
  FrameSplitter splitter(1024);
  RawPacket raw = Split(splitter, EncodeConnack(in));
  ASSERT_EQ(raw.type, PacketType::kConnack);
  auto out = DecodeConnack(raw.flags, raw.body);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(out->session_present);
  EXPECT_EQ(out->properties.receive_maximum, 20);
  EXPECT_EQ(out->properties.maximum_qos, 1);
}

TEST(Connack, RejectsReservedAcknowledgeFlags) {
  EXPECT_FALSE(DecodeConnack(0, std::string_view("\x02\x00\x00", 3)).ok());
}

TEST(Connack, RejectsATruncatedBody) {
  EXPECT_FALSE(DecodeConnack(0, std::string_view("\x00", 1)).ok());
}

TEST(Publish, RoundTripsQos1WithProperties) {
  PublishPacket in{.topic = "ccc/v1/dev/dev-a/up/telemetry",
                   .payload = "\x00\x01payload"s,
                   .qos = 1,
                   .retain = true,
                   .dup = true,
                   .packet_id = 4711,
                   .properties = {}};
  in.properties.correlation_data = "corr";
  in.properties.user_properties = {{"a", "b"}};
  FrameSplitter splitter(1024);
  RawPacket raw = Split(splitter, EncodePublish(in));
  ASSERT_EQ(raw.type, PacketType::kPublish);
  auto out = DecodePublish(raw.flags, raw.body);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, in);
}

TEST(Publish, RoundTripsQos0WithoutPacketId) {
  PublishPacket in{.topic = "t",
                   .payload = "p",
                   .qos = 0,
                   .retain = false,
                   .dup = false,
                   .packet_id = 0,
                   .properties = {}};
  std::string bytes = EncodePublish(in);
  EXPECT_EQ(bytes, "\x30\x05\x00\x01t\x00p"s);
  FrameSplitter splitter(1024);
  RawPacket raw = Split(splitter, bytes);
  auto out = DecodePublish(raw.flags, raw.body);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, in);
}

TEST(Publish, RejectsQos3) {
  EXPECT_FALSE(DecodePublish(0x06, std::string_view("\x00\x01t\x00\x01\x00", 6)).ok());
}

TEST(Publish, RejectsPacketIdZero) {
  EXPECT_FALSE(DecodePublish(0x02, std::string_view("\x00\x01t\x00\x00\x00", 6)).ok());
}

TEST(Publish, RejectsATopicLengthBeyondThePacket) {
  EXPECT_FALSE(DecodePublish(0x00, std::string_view("\x00\x09t\x00", 4)).ok());
}

TEST(Publish, RejectsAWildcardTopic) {
  EXPECT_FALSE(DecodePublish(0x00, std::string_view("\x00\x01#\x00", 4)).ok());
}

TEST(Publish, RejectsMissingProperties) {
  EXPECT_FALSE(DecodePublish(0x02, std::string_view("\x00\x01t\x00\x01", 5)).ok());
}

TEST(Puback, UsesTheShortFormForSuccess) {
  EXPECT_EQ(EncodePuback({.packet_id = 0x0102, .reason_code = 0, .properties = {}}),
            "\x40\x02\x01\x02"s);
}

TEST(Puback, RoundTripsAReasonCodeAndReasonString) {
  PubackPacket in{.packet_id = 9, .reason_code = kReasonNotAuthorized, .properties = {}};
  in.properties.reason_string = "acl";
  FrameSplitter splitter(1024);
  RawPacket raw = Split(splitter, EncodePuback(in));
  auto out = DecodePuback(raw.flags, raw.body);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, in);
}

TEST(Puback, DecodesAReasonCodeWithoutProperties) {
  auto out = DecodePuback(0, std::string_view("\x00\x07\x87", 3));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->reason_code, 0x87);
}

TEST(Puback, RejectsATruncatedPacketId) {
  EXPECT_FALSE(DecodePuback(0, std::string_view("\x00", 1)).ok());
}

TEST(Subscribe, EncodesFlagsFilterAndOptions) {
  SubscribePacket in{.packet_id = 1, .properties = {}, .entries = {{"a/#", 1}}};
  EXPECT_EQ(EncodeSubscribe(in),
            "\x82\x09\x00\x01\x00\x00\x03"
            "a/#\x01"s);
}

TEST(Suback, DecodesOneReasonCodePerFilter) {
  SubackPacket in{.packet_id = 3, .properties = {}, .reason_codes = {1, 0x87}};
  FrameSplitter splitter(1024);
  RawPacket raw = Split(splitter, EncodeSuback(in));
  auto out = DecodeSuback(raw.flags, raw.body);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->packet_id, 3);
  EXPECT_EQ(out->reason_codes, (std::vector<uint8_t>{1, 0x87}));
}

TEST(Suback, RejectsAnEmptyReasonCodeList) {
  EXPECT_FALSE(DecodeSuback(0, std::string_view("\x00\x03\x00", 3)).ok());
}

TEST(Pingresp, EncodesAndDecodes) {
  EXPECT_EQ(EncodePingreq(), "\xC0\x00"s);
  FrameSplitter splitter(16);
  RawPacket raw = Split(splitter, EncodePingresp());
  EXPECT_EQ(raw.type, PacketType::kPingresp);
  EXPECT_TRUE(DecodePingresp(raw.flags, raw.body).ok());
  EXPECT_FALSE(DecodePingresp(0, "x").ok());
}

TEST(Disconnect, UsesTheEmptyFormForANormalDisconnect) {
  EXPECT_EQ(EncodeDisconnect({}), "\xE0\x00"s);
}

TEST(Disconnect, RoundTripsReasonAndProperties) {
  DisconnectPacket in{.reason_code = 0x8E, .properties = {}};
  in.properties.reason_string = "session taken over";
  FrameSplitter splitter(1024);
  RawPacket raw = Split(splitter, EncodeDisconnect(in));
  auto out = DecodeDisconnect(raw.flags, raw.body);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, in);
}

TEST(Disconnect, RejectsBadFlags) { EXPECT_FALSE(DecodeDisconnect(1, "").ok()); }

TEST(Disconnect, RejectsTrailingBytes) {
  EXPECT_FALSE(DecodeDisconnect(0, std::string_view("\x00\x00\x00", 3)).ok());
}

TEST(ReasonCodeText, NamesKnownAndUnknownCodes) {
  EXPECT_EQ(ReasonCodeText(0x87), "not authorized (0x87)");
  EXPECT_EQ(ReasonCodeText(0xFE), "reason 0xfe");
}

TEST(FrameSplitter, YieldsPacketsFedOneByteAtATime) {
  PublishPacket big{.topic = "t",
                    .payload = std::string(300, 'x'),
                    .qos = 1,
                    .retain = false,
                    .dup = false,
                    .packet_id = 2,
                    .properties = {}};
  std::string stream = EncodePingresp() + EncodePublish(big) + EncodePuback({1, 0, {}});
  FrameSplitter splitter(4096);
  std::vector<PacketType> types;
  std::vector<std::string> bodies;
  for (char c : stream) {
    splitter.Feed(std::string_view(&c, 1));
    for (;;) {
      auto next = splitter.Next();
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      if (!next->has_value()) break;
      types.push_back((*next)->type);
      bodies.emplace_back((*next)->body);
    }
  }
  EXPECT_EQ(types, (std::vector<PacketType>{PacketType::kPingresp, PacketType::kPublish,
                                            PacketType::kPuback}));
  auto publish = DecodePublish(0x02, bodies[1]);
  ASSERT_TRUE(publish.ok());
  EXPECT_EQ(*publish, big);
  EXPECT_EQ(splitter.buffered(), 0u);
}

TEST(FrameSplitter, YieldsSeveralPacketsFedAtOnce) {
  FrameSplitter splitter(64);
  splitter.Feed(EncodePingresp() + EncodePingresp() + "\xD0"s);
  int complete = 0;
  for (;;) {
    auto next = splitter.Next();
    ASSERT_TRUE(next.ok());
    if (!next->has_value()) break;
    ++complete;
  }
  EXPECT_EQ(complete, 2);
  EXPECT_EQ(splitter.buffered(), 1u);
}

TEST(FrameSplitter, RejectsAPacketLargerThanTheMaximumBeforeItArrives) {
  FrameSplitter splitter(100);
  std::string header = "\x30"s;
  AppendVariableByteInteger(header, 99);  // 1 + 1 + 99 = 101 bytes in total
  splitter.Feed(header);
  auto next = splitter.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kTooLarge);
}

TEST(FrameSplitter, AcceptsAPacketOfExactlyTheMaximum) {
  FrameSplitter splitter(100);
  std::string packet = "\x30"s;
  AppendVariableByteInteger(packet, 98);
  packet += std::string(98, 'x');
  splitter.Feed(packet);
  auto next = splitter.Next();
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->has_value());
}

TEST(FrameSplitter, RejectsARemainingLengthOfFiveBytes) {
  FrameSplitter splitter(UINT32_MAX);
  splitter.Feed("\x30\xFF\xFF\xFF\xFF\x01"s);
  auto next = splitter.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kInvalidArgument);
}

TEST(FrameSplitter, WaitsForAnIncompleteRemainingLength) {
  FrameSplitter splitter(UINT32_MAX);
  splitter.Feed("\x30\xFF\xFF"s);
  auto next = splitter.Next();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
}

TEST(FrameSplitter, RejectsReservedPacketTypeZero) {
  FrameSplitter splitter(64);
  splitter.Feed("\x00\x00"s);
  EXPECT_FALSE(splitter.Next().ok());
}

}  // namespace
}  // namespace ccc::relay::mqtt
