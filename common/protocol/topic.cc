#include "common/protocol/topic.h"

#include <string>
#include <vector>

namespace ccc::protocol {
namespace {

constexpr size_t kMaxDeviceIdLength = 64;
constexpr size_t kMaxNameLength = 32;

bool IsDeviceIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

std::vector<std::string_view> SplitSegments(std::string_view text) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  for (;;) {
    const size_t slash = text.find('/', start);
    if (slash == std::string_view::npos) {
      segments.push_back(text.substr(start));
      return segments;
    }
    segments.push_back(text.substr(start, slash - start));
    start = slash + 1;
  }
}

// Quotes a piece of untrusted input for an error message, cut short so a hostile topic
// cannot flood the logs.
std::string Quote(std::string_view text) {
  constexpr size_t kMaxShown = 80;
  std::string out = "'";
  out.append(text.substr(0, kMaxShown));
  if (text.size() > kMaxShown) out.append("...");
  out.append("'");
  return out;
}

Status BadTopic(std::string_view topic, std::string_view why) {
  return InvalidArgument("bad topic " + Quote(topic) + ": " + std::string(why));
}

}  // namespace

bool IsValidDeviceId(std::string_view device) {
  if (device.empty() || device.size() > kMaxDeviceIdLength || device.front() == '.') {
    return false;
  }
  for (const char c : device) {
    if (!IsDeviceIdChar(c)) return false;
  }
  return true;
}

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (const char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

std::string UpTopic(std::string_view device, std::string_view stream) {
  std::string topic(kTopicRoot);
  topic.append(device).append("/up/").append(stream);
  return topic;
}

std::string DownTopic(std::string_view device, std::string_view command) {
  std::string topic(kTopicRoot);
  topic.append(device).append("/down/").append(command);
  return topic;
}

std::string PresenceTopic(std::string_view device) {
  std::string topic(kTopicRoot);
  topic.append(device).append("/presence");
  return topic;
}

std::string RelayUpSubscription(bool shared) {
  std::string topic;
  if (shared) topic.append("$share/").append(kRelayShareGroup).append("/");
  topic.append(kTopicRoot).append("+/up/#");
  return topic;
}

std::string RelayPresenceSubscription() {
  std::string topic(kTopicRoot);
  topic.append("+/presence");
  return topic;
}

Result<TopicParts> ParseTopic(std::string_view topic) {
  if (!topic.starts_with(kTopicRoot)) {
    return BadTopic(topic, "does not start with '" + std::string(kTopicRoot) + "'");
  }
  const std::vector<std::string_view> segments = SplitSegments(topic.substr(kTopicRoot.size()));
  // segments: {device}, then "presence" or "up"/"down" followed by a name.
  if (segments.size() < 2 || segments.size() > 3) {
    return BadTopic(topic,
                    "expected {device}/presence, {device}/up/{stream} or "
                    "{device}/down/{command} after the root, got " +
                        std::to_string(segments.size()) + " segment(s)");
  }
  const std::string_view device = segments[0];
  if (!IsValidDeviceId(device)) {
    return BadTopic(topic, "invalid device id " + Quote(device) +
                               " (1..64 of [A-Za-z0-9._-], not starting with '.')");
  }
  TopicParts parts;
  parts.device = std::string(device);
  const std::string_view kind = segments[1];
  if (segments.size() == 2) {
    if (kind != "presence") {
      return BadTopic(topic, "unknown segment " + Quote(kind) + ", expected 'presence'");
    }
    parts.kind = TopicKind::kPresence;
    return parts;
  }
  if (kind == "up") {
    parts.kind = TopicKind::kUp;
  } else if (kind == "down") {
    parts.kind = TopicKind::kDown;
  } else {
    return BadTopic(topic, "unknown direction " + Quote(kind) + ", expected 'up' or 'down'");
  }
  const std::string_view name = segments[2];
  if (!IsValidName(name)) {
    return BadTopic(topic, std::string(parts.kind == TopicKind::kUp ? "stream" : "command") +
                               " name " + Quote(name) + " is invalid (1..32 of [a-z0-9_])");
  }
  parts.name = std::string(name);
  return parts;
}

}  // namespace ccc::protocol
