#pragma once

#include <string>
#include <string_view>

#include "common/status/status.h"

namespace ccc::protocol {

// Topic layout (ARCHITECTURE.md, wire protocol):
//   ccc/v1/dev/{device}/up/{stream}      agent -> relay, QoS 1
//   ccc/v1/dev/{device}/down/{command}   relay -> agent
//   ccc/v1/dev/{device}/presence         retained "online"/"offline" (last will)
// {device} is the CN of the agent's certificate: 1..64 characters of [A-Za-z0-9._-],
// not starting with '.', so it can never contain MQTT wildcards or separators.
inline constexpr std::string_view kTopicRoot = "ccc/v1/dev/";
inline constexpr std::string_view kRelayShareGroup = "ccc-relay";

enum class TopicKind { kUp, kDown, kPresence };

struct TopicParts {
  std::string device;
  TopicKind kind = TopicKind::kUp;
  std::string name;  // stream for kUp, command for kDown, empty for kPresence
};

bool IsValidDeviceId(std::string_view device);
// Stream and command names: 1..32 characters of [a-z0-9_].
bool IsValidName(std::string_view name);

std::string UpTopic(std::string_view device, std::string_view stream);
std::string DownTopic(std::string_view device, std::string_view command);
std::string PresenceTopic(std::string_view device);
// shared: "$share/ccc-relay/ccc/v1/dev/+/up/#", so N relays split the agents' uplink.
// Otherwise "ccc/v1/dev/+/up/#" for a single relay. Mosquitto 2.0.11 does not restore shared
// subscriptions from its persistence after a restart: until the relay subscribes again,
// agents' messages find no subscriber and are lost. A plain subscription is restored.
std::string RelayUpSubscription(bool shared);
std::string RelayPresenceSubscription();  // "ccc/v1/dev/+/presence" (every relay sees all)

// Strict: anything that is not exactly one of the three shapes above is kInvalidArgument
// with a message naming the offending part.
Result<TopicParts> ParseTopic(std::string_view topic);

}  // namespace ccc::protocol
