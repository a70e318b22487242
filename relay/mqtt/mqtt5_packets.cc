#include "relay/mqtt/mqtt5_packets.h"

#include <fmt/format.h>

namespace ccc::relay::mqtt {
namespace {

Status Malformed(std::string_view what) {
  return InvalidArgument(fmt::format("malformed packet: {}", what));
}

Result<uint8_t> ReadByte(std::string_view& in) {
  if (in.empty()) return Malformed("truncated");
  auto value = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  return value;
}

Result<uint16_t> ReadTwoByte(std::string_view& in) {
  if (in.size() < 2) return Malformed("truncated");
  auto value =
      static_cast<uint16_t>((static_cast<uint8_t>(in[0]) << 8) | static_cast<uint8_t>(in[1]));
  in.remove_prefix(2);
  return value;
}

Result<uint32_t> ReadFourByte(std::string_view& in) {
  if (in.size() < 4) return Malformed("truncated");
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(in[i]);
  in.remove_prefix(4);
  return value;
}

Result<std::string> ReadBinary(std::string_view& in) {
  std::string_view rest = in;
  auto length = ReadTwoByte(rest);
  if (!length.ok()) return length.status();
  if (rest.size() < *length) return Malformed("length prefix exceeds the packet");
  std::string value(rest.substr(0, *length));
  rest.remove_prefix(*length);
  in = rest;
  return value;
}

// Well-formed UTF-8 without U+0000, surrogates or overlong forms (section 1.5.4).
bool IsValidMqttUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(extra) >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

void AppendByte(std::string& out, uint8_t value) { out.push_back(static_cast<char>(value)); }

void AppendTwoByte(std::string& out, uint16_t value) {
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value & 0xFF));
}

void AppendFourByte(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

void AppendBinary(std::string& out, std::string_view value) {
  AppendTwoByte(out, static_cast<uint16_t>(value.size()));
  out.append(value);
}

// Fixed header + body.
std::string Frame(PacketType type, uint8_t flags, std::string_view body) {
  std::string out;
  out.reserve(body.size() + 5);
  AppendByte(out, static_cast<uint8_t>((static_cast<uint8_t>(type) << 4) | (flags & 0x0F)));
  AppendVariableByteInteger(out, static_cast<uint32_t>(body.size()));
  out.append(body);
  return out;
}

template <typename T>
Status SetOnce(std::optional<T>& field, Result<T> value, uint8_t id) {
  if (!value.ok()) return value.status();
  if (field.has_value()) return Malformed(fmt::format("property 0x{:02x} repeated", id));
  field = std::move(value).value();
  return Status::Ok();
}

Status ReadOneProperty(std::string_view& in, Properties& p) {
  auto id_result = ReadVariableByteInteger(in);
  if (!id_result.ok()) return id_result.status();
  if (*id_result > 0x7F) return Malformed("unknown property id");
  auto id = static_cast<uint8_t>(*id_result);
  switch (id) {
    case 0x01:
      return SetOnce(p.payload_format_indicator, ReadByte(in), id);
    case 0x02:
      return SetOnce(p.message_expiry_interval, ReadFourByte(in), id);
    case 0x03:
      return SetOnce(p.content_type, ReadUtf8String(in), id);
    case 0x08:
      return SetOnce(p.response_topic, ReadUtf8String(in), id);
    case 0x09:
      return SetOnce(p.correlation_data, ReadBinary(in), id);
    case 0x0B: {
      auto value = ReadVariableByteInteger(in);
      if (!value.ok()) return value.status();
      if (*value == 0) return Malformed("subscription identifier 0");
      p.subscription_identifiers.push_back(*value);
      return Status::Ok();
    }
    case 0x11:
      return SetOnce(p.session_expiry_interval, ReadFourByte(in), id);
    case 0x12:
      return SetOnce(p.assigned_client_identifier, ReadUtf8String(in), id);
    case 0x13:
      return SetOnce(p.server_keep_alive, ReadTwoByte(in), id);
    case 0x15:
      return SetOnce(p.authentication_method, ReadUtf8String(in), id);
    case 0x16:
      return SetOnce(p.authentication_data, ReadBinary(in), id);
    case 0x17:
      return SetOnce(p.request_problem_information, ReadByte(in), id);
    case 0x18:
      return SetOnce(p.will_delay_interval, ReadFourByte(in), id);
    case 0x19:
      return SetOnce(p.request_response_information, ReadByte(in), id);
    case 0x1A:
      return SetOnce(p.response_information, ReadUtf8String(in), id);
    case 0x1C:
      return SetOnce(p.server_reference, ReadUtf8String(in), id);
    case 0x1F:
      return SetOnce(p.reason_string, ReadUtf8String(in), id);
    case 0x21: {
      CCC_RETURN_IF_ERROR(SetOnce(p.receive_maximum, ReadTwoByte(in), id));
      if (*p.receive_maximum == 0) return Malformed("receive maximum 0");
      return Status::Ok();
    }
    case 0x22:
      return SetOnce(p.topic_alias_maximum, ReadTwoByte(in), id);
    case 0x23:
      return SetOnce(p.topic_alias, ReadTwoByte(in), id);
    case 0x24:
      return SetOnce(p.maximum_qos, ReadByte(in), id);
    case 0x25:
      return SetOnce(p.retain_available, ReadByte(in), id);
    case 0x26: {
      auto key = ReadUtf8String(in);
      if (!key.ok()) return key.status();
      auto value = ReadUtf8String(in);
      if (!value.ok()) return value.status();
      p.user_properties.emplace_back(std::move(key).value(), std::move(value).value());
      return Status::Ok();
    }
    case 0x27: {
      CCC_RETURN_IF_ERROR(SetOnce(p.maximum_packet_size, ReadFourByte(in), id));
      if (*p.maximum_packet_size == 0) return Malformed("maximum packet size 0");
      return Status::Ok();
    }
    case 0x28:
      return SetOnce(p.wildcard_subscription_available, ReadByte(in), id);
    case 0x29:
      return SetOnce(p.subscription_identifiers_available, ReadByte(in), id);
    case 0x2A:
      return SetOnce(p.shared_subscription_available, ReadByte(in), id);
    default:
      return Malformed(fmt::format("unknown property id 0x{:02x}", id));
  }
}

Status ExpectFlags(uint8_t flags, uint8_t expected, std::string_view packet) {
  if (flags != expected) return Malformed(fmt::format("bad {} flags", packet));
  return Status::Ok();
}

// Reason codes and properties may be omitted from PUBACK and DISCONNECT (3.4.2.1, 3.14.2.1).
Status ReadOptionalReasonAndProperties(std::string_view& in, uint8_t& reason,
                                       Properties& properties) {
  if (in.empty()) return Status::Ok();
  reason = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  if (in.empty()) return Status::Ok();
  auto props = ReadProperties(in);
  if (!props.ok()) return props.status();
  properties = std::move(props).value();
  return Status::Ok();
}

}  // namespace

std::string ReasonCodeText(uint8_t reason_code) {
  std::string_view name;
  switch (reason_code) {
    case 0x00:
      name = "success";
      break;
    case 0x04:
      name = "disconnect with will message";
      break;
    case 0x10:
      name = "no matching subscribers";
      break;
    case 0x80:
      name = "unspecified error";
      break;
    case 0x81:
      name = "malformed packet";
      break;
    case 0x82:
      name = "protocol error";
      break;
    case 0x83:
      name = "implementation specific error";
      break;
    case 0x84:
      name = "unsupported protocol version";
      break;
    case 0x85:
      name = "client identifier not valid";
      break;
    case 0x86:
      name = "bad user name or password";
      break;
    case 0x87:
      name = "not authorized";
      break;
    case 0x88:
      name = "server unavailable";
      break;
    case 0x89:
      name = "server busy";
      break;
    case 0x8A:
      name = "banned";
      break;
    case 0x8B:
      name = "server shutting down";
      break;
    case 0x8C:
      name = "bad authentication method";
      break;
    case 0x8D:
      name = "keep alive timeout";
      break;
    case 0x8E:
      name = "session taken over";
      break;
    case 0x8F:
      name = "topic filter invalid";
      break;
    case 0x90:
      name = "topic name invalid";
      break;
    case 0x91:
      name = "packet identifier in use";
      break;
    case 0x92:
      name = "packet identifier not found";
      break;
    case 0x93:
      name = "receive maximum exceeded";
      break;
    case 0x94:
      name = "topic alias invalid";
      break;
    case 0x95:
      name = "packet too large";
      break;
    case 0x96:
      name = "message rate too high";
      break;
    case 0x97:
      name = "quota exceeded";
      break;
    case 0x98:
      name = "administrative action";
      break;
    case 0x99:
      name = "payload format invalid";
      break;
    case 0x9A:
      name = "retain not supported";
      break;
    case 0x9B:
      name = "QoS not supported";
      break;
    case 0x9C:
      name = "use another server";
      break;
    case 0x9D:
      name = "server moved";
      break;
    case 0x9E:
      name = "shared subscriptions not supported";
      break;
    case 0x9F:
      name = "connection rate exceeded";
      break;
    case 0xA0:
      name = "maximum connect time";
      break;
    case 0xA1:
      name = "subscription identifiers not supported";
      break;
    case 0xA2:
      name = "wildcard subscriptions not supported";
      break;
    default:
      return fmt::format("reason 0x{:02x}", reason_code);
  }
  return fmt::format("{} (0x{:02x})", name, reason_code);
}

void AppendVariableByteInteger(std::string& out, uint32_t value) {
  do {
    auto byte = static_cast<uint8_t>(value & 0x7F);
    value >>= 7;
    if (value > 0) byte |= 0x80;
    AppendByte(out, byte);
  } while (value > 0);
}

Result<uint32_t> ReadVariableByteInteger(std::string_view& in) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (i >= in.size()) return Malformed("truncated variable byte integer");
    auto byte = static_cast<uint8_t>(in[i]);
    value |= static_cast<uint32_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) {
      in.remove_prefix(i + 1);
      return value;
    }
  }
  return Malformed("variable byte integer longer than 4 bytes");
}

Result<std::string> ReadUtf8String(std::string_view& in) {
  std::string_view rest = in;
  auto value = ReadBinary(rest);
  if (!value.ok()) return value.status();
  if (!IsValidMqttUtf8(*value)) return Malformed("invalid UTF-8 string");
  in = rest;
  return value;
}

void AppendProperties(std::string& out, const Properties& p) {
  std::string body;
  auto byte = [&](uint8_t id, const std::optional<uint8_t>& v) {
    if (v) AppendByte(body, id), AppendByte(body, *v);
  };
  auto two = [&](uint8_t id, const std::optional<uint16_t>& v) {
    if (v) AppendByte(body, id), AppendTwoByte(body, *v);
  };
  auto four = [&](uint8_t id, const std::optional<uint32_t>& v) {
    if (v) AppendByte(body, id), AppendFourByte(body, *v);
  };
  auto str = [&](uint8_t id, const std::optional<std::string>& v) {
    if (v) AppendByte(body, id), AppendBinary(body, *v);
  };
  byte(0x01, p.payload_format_indicator);
  four(0x02, p.message_expiry_interval);
  str(0x03, p.content_type);
  str(0x08, p.response_topic);
  str(0x09, p.correlation_data);
  for (uint32_t id : p.subscription_identifiers) {
    AppendByte(body, 0x0B);
    AppendVariableByteInteger(body, id);
  }
  four(0x11, p.session_expiry_interval);
  str(0x12, p.assigned_client_identifier);
  two(0x13, p.server_keep_alive);
  str(0x15, p.authentication_method);
  str(0x16, p.authentication_data);
  byte(0x17, p.request_problem_information);
  four(0x18, p.will_delay_interval);
  byte(0x19, p.request_response_information);
  str(0x1A, p.response_information);
  str(0x1C, p.server_reference);
  str(0x1F, p.reason_string);
  two(0x21, p.receive_maximum);
  two(0x22, p.topic_alias_maximum);
  two(0x23, p.topic_alias);
  byte(0x24, p.maximum_qos);
  byte(0x25, p.retain_available);
  for (const auto& [key, value] : p.user_properties) {
    AppendByte(body, 0x26);
    AppendBinary(body, key);
    AppendBinary(body, value);
  }
  four(0x27, p.maximum_packet_size);
  byte(0x28, p.wildcard_subscription_available);
  byte(0x29, p.subscription_identifiers_available);
  byte(0x2A, p.shared_subscription_available);
  AppendVariableByteInteger(out, static_cast<uint32_t>(body.size()));
  out.append(body);
}

Result<Properties> ReadProperties(std::string_view& in) {
  std::string_view rest = in;
  auto length = ReadVariableByteInteger(rest);
  if (!length.ok()) return length.status();
  if (rest.size() < *length) return Malformed("property length exceeds the packet");
  std::string_view props = rest.substr(0, *length);
  Properties result;
  while (!props.empty()) CCC_RETURN_IF_ERROR(ReadOneProperty(props, result));
  rest.remove_prefix(*length);
  in = rest;
  return result;
}

std::string EncodeConnect(const ConnectPacket& p) {
  std::string body;
  AppendBinary(body, "MQTT");
  AppendByte(body, 5);
  uint8_t flags = p.clean_start ? 0x02 : 0x00;
  if (p.will) {
    flags |= 0x04;
    flags |= static_cast<uint8_t>((p.will->qos & 0x03) << 3);
    if (p.will->retain) flags |= 0x20;
  }
  if (p.password) flags |= 0x40;
  if (p.username) flags |= 0x80;
  AppendByte(body, flags);
  AppendTwoByte(body, p.keep_alive_s);
  AppendProperties(body, p.properties);
  AppendBinary(body, p.client_id);
  if (p.will) {
    AppendProperties(body, p.will->properties);
    AppendBinary(body, p.will->topic);
    AppendBinary(body, p.will->payload);
  }
  if (p.username) AppendBinary(body, *p.username);
  if (p.password) AppendBinary(body, *p.password);
  return Frame(PacketType::kConnect, 0, body);
}

std::string EncodePublish(const PublishPacket& p) {
  std::string body;
  body.reserve(p.topic.size() + p.payload.size() + 8);
  AppendBinary(body, p.topic);
  if (p.qos > 0) AppendTwoByte(body, p.packet_id);
  AppendProperties(body, p.properties);
  body.append(p.payload);
  auto flags =
      static_cast<uint8_t>((p.dup ? 0x08 : 0) | ((p.qos & 0x03) << 1) | (p.retain ? 1 : 0));
  return Frame(PacketType::kPublish, flags, body);
}

std::string EncodePuback(const PubackPacket& p) {
  std::string body;
  AppendTwoByte(body, p.packet_id);
  if (p.reason_code != 0 || p.properties != Properties{}) {
    AppendByte(body, p.reason_code);
    AppendProperties(body, p.properties);
  }
  return Frame(PacketType::kPuback, 0, body);
}

std::string EncodeSubscribe(const SubscribePacket& p) {
  std::string body;
  AppendTwoByte(body, p.packet_id);
  AppendProperties(body, p.properties);
  for (const auto& entry : p.entries) {
    AppendBinary(body, entry.filter);
    AppendByte(body, entry.options);
  }
  return Frame(PacketType::kSubscribe, 0x02, body);
}

std::string EncodePingreq() { return Frame(PacketType::kPingreq, 0, {}); }
std::string EncodePingresp() { return Frame(PacketType::kPingresp, 0, {}); }

std::string EncodeDisconnect(const DisconnectPacket& p) {
  std::string body;
  if (p.reason_code != 0 || p.properties != Properties{}) {
    AppendByte(body, p.reason_code);
    AppendProperties(body, p.properties);
  }
  return Frame(PacketType::kDisconnect, 0, body);
}

std::string EncodeConnack(const ConnackPacket& p) {
  std::string body;
  AppendByte(body, p.session_present ? 1 : 0);
  AppendByte(body, p.reason_code);
  AppendProperties(body, p.properties);
  return Frame(PacketType::kConnack, 0, body);
}

std::string EncodeSuback(const SubackPacket& p) {
  std::string body;
  AppendTwoByte(body, p.packet_id);
  AppendProperties(body, p.properties);
  for (uint8_t code : p.reason_codes) AppendByte(body, code);
  return Frame(PacketType::kSuback, 0, body);
}

Result<ConnackPacket> DecodeConnack(uint8_t flags, std::string_view in) {
  CCC_RETURN_IF_ERROR(ExpectFlags(flags, 0, "CONNACK"));
  ConnackPacket p;
  auto ack_flags = ReadByte(in);
  if (!ack_flags.ok()) return ack_flags.status();
  if ((*ack_flags & 0xFE) != 0) return Malformed("reserved CONNACK flags set");
  p.session_present = (*ack_flags & 1) != 0;
  auto reason = ReadByte(in);
  if (!reason.ok()) return reason.status();
  p.reason_code = *reason;
  auto props = ReadProperties(in);
  if (!props.ok()) return props.status();
  p.properties = std::move(props).value();
  if (!in.empty()) return Malformed("trailing bytes in CONNACK");
  return p;
}

Result<PublishPacket> DecodePublish(uint8_t flags, std::string_view in) {
  PublishPacket p;
  p.retain = (flags & 0x01) != 0;
  p.qos = static_cast<uint8_t>((flags >> 1) & 0x03);
  p.dup = (flags & 0x08) != 0;
  if (p.qos == 3) return Malformed("PUBLISH with QoS 3");
  if (p.qos == 0 && p.dup) return Malformed("PUBLISH with QoS 0 and DUP");
  auto topic = ReadUtf8String(in);
  if (!topic.ok()) return topic.status();
  p.topic = std::move(topic).value();
  if (p.topic.find_first_of("+#") != std::string::npos) {
    return Malformed("wildcard in PUBLISH topic");
  }
  if (p.qos > 0) {
    auto id = ReadTwoByte(in);
    if (!id.ok()) return id.status();
    if (*id == 0) return Malformed("packet identifier 0");
    p.packet_id = *id;
  }
  auto props = ReadProperties(in);
  if (!props.ok()) return props.status();
  p.properties = std::move(props).value();
  p.payload.assign(in);
  return p;
}

Result<PubackPacket> DecodePuback(uint8_t flags, std::string_view in) {
  CCC_RETURN_IF_ERROR(ExpectFlags(flags, 0, "PUBACK"));
  PubackPacket p;
  auto id = ReadTwoByte(in);
  if (!id.ok()) return id.status();
  p.packet_id = *id;
  CCC_RETURN_IF_ERROR(ReadOptionalReasonAndProperties(in, p.reason_code, p.properties));
  if (!in.empty()) return Malformed("trailing bytes in PUBACK");
  return p;
}

Result<SubackPacket> DecodeSuback(uint8_t flags, std::string_view in) {
  CCC_RETURN_IF_ERROR(ExpectFlags(flags, 0, "SUBACK"));
  SubackPacket p;
  auto id = ReadTwoByte(in);
  if (!id.ok()) return id.status();
  p.packet_id = *id;
  auto props = ReadProperties(in);
  if (!props.ok()) return props.status();
  p.properties = std::move(props).value();
  if (in.empty()) return Malformed("SUBACK without reason codes");
  for (char c : in) p.reason_codes.push_back(static_cast<uint8_t>(c));
  return p;
}

Result<DisconnectPacket> DecodeDisconnect(uint8_t flags, std::string_view in) {
  CCC_RETURN_IF_ERROR(ExpectFlags(flags, 0, "DISCONNECT"));
  DisconnectPacket p;
  CCC_RETURN_IF_ERROR(ReadOptionalReasonAndProperties(in, p.reason_code, p.properties));
  if (!in.empty()) return Malformed("trailing bytes in DISCONNECT");
  return p;
}

Status DecodePingresp(uint8_t flags, std::string_view body) {
  CCC_RETURN_IF_ERROR(ExpectFlags(flags, 0, "PINGRESP"));
  if (!body.empty()) return Malformed("PINGRESP with a body");
  return Status::Ok();
}

void FrameSplitter::Feed(std::string_view bytes) {
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

Result<std::optional<RawPacket>> FrameSplitter::Next() {
  std::string_view in(buffer_);
  in.remove_prefix(consumed_);
  if (in.size() < 2) return std::optional<RawPacket>();
  auto first = static_cast<uint8_t>(in[0]);
  std::string_view rest = in.substr(1);
  auto length = ReadVariableByteInteger(rest);
  if (!length.ok()) {
    // With fewer than 4 length bytes buffered the integer is merely incomplete.
    if (rest.size() < 4) return std::optional<RawPacket>();
    return length.status();
  }
  size_t header = in.size() - rest.size();
  uint64_t total = header + static_cast<uint64_t>(*length);
  if (total > max_packet_size_) {
    return TooLarge(
        fmt::format("packet of {} bytes exceeds the maximum of {} bytes", total, max_packet_size_));
  }
  if (in.size() < total) return std::optional<RawPacket>();
  auto type = static_cast<uint8_t>(first >> 4);
  if (type == 0) return Malformed("reserved packet type 0");
  RawPacket packet;
  packet.type = static_cast<PacketType>(type);
  packet.flags = static_cast<uint8_t>(first & 0x0F);
  packet.body = rest.substr(0, *length);
  consumed_ += static_cast<size_t>(total);
  return std::optional<RawPacket>(packet);
}

}  // namespace ccc::relay::mqtt
