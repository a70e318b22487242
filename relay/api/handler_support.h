#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Wire names of the roles that can be granted (all but owner), in policy order: the
// accepted values of role fields in request bodies.
const std::vector<std::string_view>& GrantableRoleNames();

// 200 {"items":[to_json(row)...],"total":total}: the answer of every list endpoint.
template <typename T, typename ToJson>
http::Response ListResponse(const std::vector<T>& rows, int64_t total, ToJson to_json) {
  boost::json::array items;
  items.reserve(rows.size());
  for (const T& row : rows) items.emplace_back(to_json(row));
  return http::JsonResponse(200, boost::json::serialize(boost::json::object{
                                     {"items", std::move(items)}, {"total", total}}));
}

// Appends an audit entry the API writes itself (logins, logouts). A failure is logged as an
// error and not returned: what the entry describes has happened either way.
void AppendAuditOrLog(const ApiServices& services, const directory::AuditEntry& entry);

// A handler body that needs the services and the authenticated caller.
using ServicesCallerHandler = http::Response (*)(const ApiServices&, const http::Request&,
                                                 const Caller&);

// WithCaller around `body`; the handler keeps its own copy of `services`.
http::Handler BindWithCaller(const ApiServices& services, ServicesCallerHandler body);

}  // namespace ccc::relay::api
