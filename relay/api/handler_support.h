#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "relay/api/api_context.h"
#include "relay/directory/directory.h"
#include "relay/http/router.h"

// Small helpers the account handlers share (and other handlers may use).
namespace ccc::relay::api {

// services.now_ms(), or the system clock when none is set (unix ms).
int64_t NowMs(const ApiServices& services);

// Adds "Cache-Control: no-store" unless the response already has a Cache-Control header.
// WithCaller does this for authenticated handlers; unauthenticated /api handlers call it.
void AddNoStore(http::Response& response);

// 204 with an empty body.
http::Response NoContent();

// ASCII lower-casing: e-mail addresses as throttle keys.
std::string LowerAscii(std::string_view text);

// UserMe on the wire: {id,email,name,language,company:{id,name},company_admin}.
boost::json::object UserMeJson(const Caller& caller);
boost::json::object UserMeJson(const directory::User& user);

// An optional time as an RFC 3339 string (Rfc3339), or null when absent.
boost::json::value OptionalTime(const std::optional<int64_t>& unix_ms);

}  // namespace ccc::relay::api
