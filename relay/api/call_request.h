#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "relay/http/router.h"
#include "relay/store/store.h"

// The query parameters of the call data endpoints (FEATURES H1/H2), parsed and validated
// once for the page (GET …/calls) and the export (GET …/calls.csv), per system and fleet.
//
//   from, to    RFC 3339 ("2026-11-01T00:00:00Z", "2026-11-01T01:00:00+01:00", fractions
//               allowed); calls with from <= start < to. Without `from`: 30 days before
//               `to`, or before now when `to` is absent too; without `to`: no upper bound.
//   q           substring (case-insensitive) of any number or name column, <= 200 chars
//   result      successful | unsuccessful
//   direction   incoming | outgoing | internal
//   call_type   the PBX's call type text, exact, <= 200 chars
//   sort        time (default) | duration; order asc | desc (default desc)
//   limit       1..500 (default 50), offset >= 0   — page only
//   system_id   a positive id                      — fleet only
// Anything else, a repeated parameter or a bad value is 400 invalid_parameter.
// The export accepts sort=time only (it streams in time order).
namespace ccc::relay::api {

inline constexpr size_t kMaxCallPageLimit = 500;
inline constexpr int64_t kDefaultCallWindowMs = int64_t{30} * 24 * 3600 * 1000;

struct CallRequest {
  store::CallFilter filter;  // devices left empty: the handler fills them
  store::CallSort sort = store::CallSort::kTime;
  bool descending = true;
  size_t limit = 50;
  size_t offset = 0;
  std::optional<int64_t> system_id;  // fleet: only this system

  // The filters as the audit log records an export: {"from","to","q","result",...}, only
  // those given (from/to always, as applied).
  boost::json::object AuditDetails() const;
};

enum class CallEndpoint { kSystemPage, kFleetPage, kSystemExport, kFleetExport };

struct ParsedCallRequest {
  std::optional<CallRequest> request;
  std::optional<http::Response> failure;  // 400 invalid_parameter naming the parameter
  bool ok() const { return request.has_value(); }
};

ParsedCallRequest ParseCallRequest(const http::Request& request, CallEndpoint endpoint,
                                   int64_t now_ms);

// An RFC 3339 date-time as Unix ms; nullopt when malformed or out of range (years
// 1970..9999). Exposed for tests.
std::optional<int64_t> ParseRfc3339Ms(std::string_view text);

}  // namespace ccc::relay::api
