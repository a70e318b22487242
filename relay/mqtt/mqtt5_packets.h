#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status/status.h"

// Pure encoding and decoding of the MQTT 5 packets the relay's client needs (OASIS MQTT
// Version 5.0, chapters 1-3). No I/O, no allocation beyond the returned values; every
// decoder validates its whole input and answers kInvalidArgument ("malformed ...") or
// kTooLarge, so a caller can map errors to DISCONNECT reason codes.
namespace ccc::relay::mqtt {

// Largest value a Variable Byte Integer can hold (section 1.5.5).
inline constexpr uint32_t kMaxVariableByteInteger = 268'435'455;

enum class PacketType : uint8_t {
  kConnect = 1,
  kConnack = 2,
  kPublish = 3,
  kPuback = 4,
  kPubrec = 5,
  kPubrel = 6,
  kPubcomp = 7,
  kSubscribe = 8,
  kSuback = 9,
  kUnsubscribe = 10,
  kUnsuback = 11,
  kPingreq = 12,
  kPingresp = 13,
  kDisconnect = 14,
  kAuth = 15,
};

// Reason codes the client sends or interprets (section 2.4).
inline constexpr uint8_t kReasonSuccess = 0x00;
inline constexpr uint8_t kReasonUnspecifiedError = 0x80;
inline constexpr uint8_t kReasonMalformedPacket = 0x81;
inline constexpr uint8_t kReasonProtocolError = 0x82;
inline constexpr uint8_t kReasonNotAuthorized = 0x87;
inline constexpr uint8_t kReasonReceiveMaximumExceeded = 0x93;
inline constexpr uint8_t kReasonTopicAliasInvalid = 0x94;
inline constexpr uint8_t kReasonPacketTooLarge = 0x95;
inline constexpr uint8_t kReasonQosNotSupported = 0x9B;

// "not authorized (0x87)"; unknown codes print as "reason 0xNN".
std::string ReasonCodeText(uint8_t reason_code);

// Properties (section 2.2.2.2). Only the fields are kept; which ones a packet may carry is
// not checked (a broker sending a valid property in an odd place is harmless to us).
// Single-valued properties that appear twice are a protocol error and rejected.
struct Properties {
  std::optional<uint8_t> payload_format_indicator;                   // 0x01
  std::optional<uint32_t> message_expiry_interval;                   // 0x02, seconds
  std::optional<std::string> content_type;                           // 0x03
  std::optional<std::string> response_topic;                         // 0x08
  std::optional<std::string> correlation_data;                       // 0x09, binary
  std::vector<uint32_t> subscription_identifiers;                    // 0x0B
  std::optional<uint32_t> session_expiry_interval;                   // 0x11, seconds
  std::optional<std::string> assigned_client_identifier;             // 0x12
  std::optional<uint16_t> server_keep_alive;                         // 0x13, seconds
  std::optional<std::string> authentication_method;                  // 0x15
  std::optional<std::string> authentication_data;                    // 0x16, binary
  std::optional<uint8_t> request_problem_information;                // 0x17
  std::optional<uint32_t> will_delay_interval;                       // 0x18, seconds
  std::optional<uint8_t> request_response_information;               // 0x19
  std::optional<std::string> response_information;                   // 0x1A
  std::optional<std::string> server_reference;                       // 0x1C
  std::optional<std::string> reason_string;                          // 0x1F
  std::optional<uint16_t> receive_maximum;                           // 0x21
  std::optional<uint16_t> topic_alias_maximum;                       // 0x22
  std::optional<uint16_t> topic_alias;                               // 0x23
  std::optional<uint8_t> maximum_qos;                                // 0x24
  std::optional<uint8_t> retain_available;                           // 0x25
  std::vector<std::pair<std::string, std::string>> user_properties;  // 0x26
  std::optional<uint32_t> maximum_packet_size;                       // 0x27, bytes
  std::optional<uint8_t> wildcard_subscription_available;            // 0x28
  std::optional<uint8_t> subscription_identifiers_available;         // 0x29
  std::optional<uint8_t> shared_subscription_available;              // 0x2A

  bool operator==(const Properties&) const = default;
};

struct WillMessage {
  std::string topic;
  std::string payload;
  uint8_t qos = 0;
  bool retain = false;
  Properties properties;
};

struct ConnectPacket {
  std::string client_id;
  bool clean_start = false;
  uint16_t keep_alive_s = 0;
  Properties properties;
  std::optional<WillMessage> will;
  std::optional<std::string> username;
  std::optional<std::string> password;  // binary
};

struct ConnackPacket {
  bool session_present = false;
  uint8_t reason_code = 0;
  Properties properties;
};

struct PublishPacket {
  std::string topic;
  std::string payload;
  uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  uint16_t packet_id = 0;  // only for QoS > 0
  Properties properties;

  bool operator==(const PublishPacket&) const = default;
};

struct PubackPacket {
  uint16_t packet_id = 0;
  uint8_t reason_code = 0;
  Properties properties;

  bool operator==(const PubackPacket&) const = default;
};

// Subscription options byte (section 3.8.3.1): bits 0-1 maximum QoS, bit 2 No Local,
// bit 3 Retain As Published, bits 4-5 Retain Handling.
struct SubscribeEntry {
  std::string filter;
  uint8_t options = 1;
};

struct SubscribePacket {
  uint16_t packet_id = 0;
  Properties properties;
  std::vector<SubscribeEntry> entries;
};

struct SubackPacket {
  uint16_t packet_id = 0;
  Properties properties;
  std::vector<uint8_t> reason_codes;  // one per filter; granted QoS or >= 0x80
};

struct DisconnectPacket {
  uint8_t reason_code = 0;
  Properties properties;

  bool operator==(const DisconnectPacket&) const = default;
};

// Primitive data types (section 1.5). Append* write to `out`; Read* consume from the front
// of `in` and leave it untouched on error.
void AppendVariableByteInteger(std::string& out, uint32_t value);
Result<uint32_t> ReadVariableByteInteger(std::string_view& in);
Result<std::string> ReadUtf8String(std::string_view& in);  // validates UTF-8 (1.5.4)
void AppendProperties(std::string& out, const Properties& properties);
Result<Properties> ReadProperties(std::string_view& in);

// Complete packets (fixed header included), ready to write to the socket.
std::string EncodeConnect(const ConnectPacket& packet);
std::string EncodePublish(const PublishPacket& packet);
std::string EncodePuback(const PubackPacket& packet);
std::string EncodeSubscribe(const SubscribePacket& packet);
std::string EncodePingreq();
std::string EncodeDisconnect(const DisconnectPacket& packet);
// Server-side packets: used by tests and fake brokers.
std::string EncodeConnack(const ConnackPacket& packet);
std::string EncodeSuback(const SubackPacket& packet);
std::string EncodePingresp();

// Decoders take the fixed header's flag nibble and the packet body (variable header and
// payload) as produced by FrameSplitter.
Result<ConnackPacket> DecodeConnack(uint8_t flags, std::string_view body);
Result<PublishPacket> DecodePublish(uint8_t flags, std::string_view body);
Result<PubackPacket> DecodePuback(uint8_t flags, std::string_view body);
Result<SubackPacket> DecodeSuback(uint8_t flags, std::string_view body);
Result<DisconnectPacket> DecodeDisconnect(uint8_t flags, std::string_view body);
Status DecodePingresp(uint8_t flags, std::string_view body);

// One packet cut out of the byte stream. `body` points into the splitter's buffer and is
// valid until the next Feed().
struct RawPacket {
  PacketType type = PacketType::kConnect;
  uint8_t flags = 0;
  std::string_view body;
};

// Splits a byte stream into packets. Rejects a packet whose total size (fixed header
// included) exceeds `max_packet_size` as soon as its length is known (kTooLarge), and a
// malformed length (kInvalidArgument). After an error the stream is unusable.
class FrameSplitter {
 public:
  explicit FrameSplitter(uint32_t max_packet_size) : max_packet_size_(max_packet_size) {}

  // Appends bytes; invalidates RawPacket bodies returned earlier.
  void Feed(std::string_view bytes);
  // The next complete packet, std::nullopt if more bytes are needed, or an error.
  Result<std::optional<RawPacket>> Next();

  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  uint32_t max_packet_size_;
  std::string buffer_;
  size_t consumed_ = 0;
};

}  // namespace ccc::relay::mqtt
