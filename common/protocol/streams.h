#pragma once

#include <string_view>

namespace ccc::protocol {

// Streams an agent publishes on (the {stream} of .../up/{stream}).
inline constexpr std::string_view kStreamTelemetry = "telemetry";    // host CPU/memory samples
inline constexpr std::string_view kStreamSystemInfo = "sysinfo";     // PBX identity on change
inline constexpr std::string_view kStreamEvents = "events";          // alerts raised on site
inline constexpr std::string_view kStreamCalls = "calls";            // call data records
inline constexpr std::string_view kStreamRegistrations = "registrations";
inline constexpr std::string_view kStreamBackup = "backup";

// Telemetry may be thinned when the agent's outbox is full; every other stream is durable:
// never dropped, its collection pauses instead (FEATURES K2, outbox policy).
constexpr bool IsThinnable(std::string_view stream) {
  return stream == kStreamTelemetry || stream == kStreamRegistrations;
}

}  // namespace ccc::protocol
