#include "relay/api/call_request.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "common/protocol/pbx_wire.h"
#include "relay/api/api_context.h"
#include "relay/api/list_query.h"
#include "relay/api/pbxdata_scope.h"

namespace ccc::relay::api {
namespace {

namespace wire = ccc::protocol;

http::Response Invalid(const std::string& message) {
  return http::JsonError(400, "invalid_parameter", message);
}

ParsedCallRequest Failed(const std::string& message) {
  ParsedCallRequest parsed;
  parsed.failure = Invalid(message);
  return parsed;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::optional<int> Digits(std::string_view text, size_t at, size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// Text for an exact-match filter: at most kMaxFilterChars characters (UTF-8 lead bytes
// counted), no control characters.
bool AcceptableFilterText(std::string_view text) {
  size_t chars = 0;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return false;
    if ((byte & 0xC0) != 0x80) ++chars;
  }
  return chars <= kMaxFilterChars;
}

template <typename E>
std::optional<std::string> WireValue(const http::Request& request, std::string_view name,
                                     std::optional<http::Response>* failure) {
  std::optional<std::string> value = QueryParam(request, name);
  if (!value) return std::nullopt;
  if (!wire::FromWire<E>(*value)) {
    *failure =
        Invalid("parameter '" + std::string(name) + "' must be one of: " + wire::WireNameList<E>());
  }
  return value;
}

}  // namespace

std::optional<int64_t> ParseRfc3339Ms(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM); 't' and 'z' as RFC 3339 allows.
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't') ||
      t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  const auto year = Digits(t, 0, 4), month = Digits(t, 5, 2), day = Digits(t, 8, 2);
  const auto hour = Digits(t, 11, 2), minute = Digits(t, 14, 2), second = Digits(t, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (*year < 1970 || *month < 1 || *month > 12 || *day < 1 || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return std::nullopt;
  }
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int month_days = kDays[*month - 1] + (*month == 2 && IsLeap(*year) ? 1 : 0);
  if (*day > month_days) return std::nullopt;
  size_t i = 19;
  int64_t millis = 0;
  if (t[i] == '.') {
    ++i;
    const size_t first = i;
    int64_t scale = 100;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      millis += (t[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == first || i - first > 9) return std::nullopt;
  }
  int64_t offset_minutes = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    const auto oh = Digits(t, i + 1, 2), om = Digits(t, i + 4, 2);
    if (i + 6 != t.size() || t[i + 3] != ':' || !oh || !om || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    offset_minutes = (*oh * 60 + *om) * (t[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != t.size()) return std::nullopt;
  // A leap second (":60") counts as the next second's start.
  const int64_t seconds =
      DaysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86400 +
      *hour * 3600 + *minute * 60 + *second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

boost::json::object CallRequest::AuditDetails() const {
  boost::json::object details;
  details["from"] =
      filter.from_ms ? boost::json::value(Rfc3339(*filter.from_ms)) : boost::json::value(nullptr);
  details["to"] =
      filter.to_ms ? boost::json::value(Rfc3339(*filter.to_ms)) : boost::json::value(nullptr);
  if (!filter.q.empty()) details["q"] = filter.q;
  if (filter.result) details["result"] = *filter.result;
  if (filter.direction) details["direction"] = *filter.direction;
  if (filter.call_type) details["call_type"] = *filter.call_type;
  if (system_id) details["system_id"] = *system_id;
  details["order"] = descending ? "desc" : "asc";
  return details;
}

ParsedCallRequest ParseCallRequest(const http::Request& request, CallEndpoint endpoint,
                                   int64_t now_ms) {
  const bool page = endpoint == CallEndpoint::kSystemPage || endpoint == CallEndpoint::kFleetPage;
  const bool fleet = endpoint == CallEndpoint::kFleetPage || endpoint == CallEndpoint::kFleetExport;
  std::vector<std::string_view> extra = {"from", "to", "result", "direction", "call_type"};
  if (fleet) extra.push_back("system_id");
  const std::vector<std::string_view> sort_keys =
      page ? std::vector<std::string_view>{"time", "duration"}
           : std::vector<std::string_view>{"time"};
  ParsedListQuery list = ParseListQuery(request, sort_keys, extra);
  if (!list.ok()) {
    ParsedCallRequest parsed;
    parsed.failure = std::move(list.failure);
    return parsed;
  }
  if (!page) {
    for (std::string_view name : {"limit", "offset"}) {
      if (QueryParam(request, name)) {
        return Failed("parameter '" + std::string(name) +
                      "' is not accepted: the export holds every matching call");
      }
    }
  }

  CallRequest out;
  if (page) {
    if (list.query->limit > static_cast<int64_t>(kMaxCallPageLimit)) {
      return Failed("parameter 'limit' must be an integer from 1 to " +
                    std::to_string(kMaxCallPageLimit));
    }
    out.limit = static_cast<size_t>(list.query->limit);
    out.offset = static_cast<size_t>(list.query->offset);
  }
  out.sort = list.query->sort == "duration" ? store::CallSort::kDuration : store::CallSort::kTime;
  out.descending = QueryParam(request, "order") ? list.query->descending : true;
  out.filter.q = list.query->q;

  for (std::string_view name : {"from", "to"}) {
    std::optional<std::string> text = QueryParam(request, name);
    if (!text) continue;
    std::optional<int64_t> ms = ParseRfc3339Ms(*text);
    if (!ms) {
      return Failed("parameter '" + std::string(name) +
                    "' must be an RFC 3339 date-time such as 2026-11-01T00:00:00Z");
    }
    (name == "from" ? out.filter.from_ms : out.filter.to_ms) = *ms;
  }
  if (!out.filter.from_ms) {
    out.filter.from_ms = out.filter.to_ms.value_or(now_ms) - kDefaultCallWindowMs;
  }
  if (out.filter.to_ms && *out.filter.to_ms <= *out.filter.from_ms) {
    return Failed("parameter 'to' must be later than 'from'");
  }

  std::optional<http::Response> failure;
  out.filter.result = WireValue<wire::CallResult>(request, "result", &failure);
  if (!failure)
    out.filter.direction = WireValue<wire::CallDirection>(request, "direction", &failure);
  if (failure) {
    ParsedCallRequest parsed;
    parsed.failure = std::move(failure);
    return parsed;
  }
  if (std::optional<std::string> type = QueryParam(request, "call_type")) {
    if (!AcceptableFilterText(*type)) {
      return Failed("parameter 'call_type' must be text of at most " +
                    std::to_string(kMaxFilterChars) + " characters without control characters");
    }
    out.filter.call_type = std::move(*type);
  }
  if (fleet) {
    std::optional<http::Response> bad_id;
    out.system_id = SystemIdParam(request, &bad_id);
    if (bad_id) {
      ParsedCallRequest parsed;
      parsed.failure = std::move(bad_id);
      return parsed;
    }
  }
  ParsedCallRequest parsed;
  parsed.request = std::move(out);
  return parsed;
}

}  // namespace ccc::relay::api
