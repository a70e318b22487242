#pragma once

#include "common/config/config_reader.h"
#include "relay/api/api_context.h"

namespace ccc::relay::api {

// Reads the [auth] section of the relay config:
//   session_lifetime = "7d"   absolute end of a login session (5m .. 400d)
//   session_idle     = "12h"  a session unused this long ends (1m .. 400d, at most the lifetime)
//   secure_cookies   = false  true when the relay is served over HTTPS: the cookie gets "Secure"
// Throws config::ConfigError naming the file, key and value.
SessionSettings LoadSessionSettings(ccc::config::ConfigReader& reader);

}  // namespace ccc::relay::api
