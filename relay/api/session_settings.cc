#include "relay/api/session_settings.h"

#include <string>

namespace ccc::relay::api {

SessionSettings LoadSessionSettings(ccc::config::ConfigReader& reader) {
  using std::chrono::hours;
  using std::chrono::minutes;
  constexpr std::chrono::milliseconds kMaxDuration = hours(24 * 400);
  SessionSettings settings;
  settings.absolute_lifetime =
      reader.Duration("auth.session_lifetime", minutes(5), kMaxDuration, hours(24 * 7));
  settings.idle_timeout = reader.Duration("auth.session_idle", minutes(1), kMaxDuration, hours(12));
  settings.secure_cookies = reader.Bool("auth.secure_cookies", false);
  if (settings.idle_timeout > settings.absolute_lifetime) {
    throw config::ConfigError(reader.source() + ": key 'auth.session_idle' has value " +
                              std::to_string(settings.idle_timeout.count() / 1000) +
                              "s, expected at most auth.session_lifetime (" +
                              std::to_string(settings.absolute_lifetime.count() / 1000) + "s)");
  }
  return settings;
}

}  // namespace ccc::relay::api
