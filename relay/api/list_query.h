#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "relay/directory/directory.h"
#include "relay/http/router.h"

// The list conventions of ARCHITECTURE.md: `q`, `sort`, `order` (asc|desc), `limit`,
// `offset` in the query string; the answer is {"items": [...], "total": N}.
namespace ccc::relay::api {

inline constexpr int64_t kDefaultLimit = 50;
inline constexpr int64_t kMaxLimit = 1000;
inline constexpr std::size_t kMaxFilterChars = 200;

struct ParsedListQuery {
  std::optional<directory::ListQuery> query;
  std::optional<http::Response> failure;  // 400 invalid_parameter naming the parameter
  bool ok() const { return query.has_value(); }
};

// Parses and validates the list parameters (percent-decoding them). `sort_keys` are the
// accepted sort keys; "" in the query means the default (first key). Unknown parameters,
// a sort key not in the list, order other than asc/desc, limit outside 1..kMaxLimit,
// negative offset, q longer than kMaxFilterChars or with control characters are
// 400 invalid_parameter. `extra_params` names further parameters the endpoint accepts
// (their values are read by the handler with QueryParam).
ParsedListQuery ParseListQuery(const http::Request& request,
                               const std::vector<std::string_view>& sort_keys,
                               const std::vector<std::string_view>& extra_params = {});

// One percent-decoded query parameter ('+' is a space); nullopt when absent.
std::optional<std::string> QueryParam(const http::Request& request, std::string_view name);

}  // namespace ccc::relay::api
