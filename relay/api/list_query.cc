#include "relay/api/list_query.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>

namespace ccc::relay::api {
namespace {

constexpr std::string_view kListParams[] = {"q", "sort", "order", "limit", "offset"};
// Longer numbers are refused before parsing, so no overflow reaches from_chars.
constexpr std::size_t kMaxNumberDigits = 18;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte. nullopt for a
// '%' not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF); counts code points.
std::optional<std::size_t> Utf8CodePoints(std::string_view text) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      length = 1;
      code = c;
    } else if ((c & 0xE0) == 0xC0) {
      length = 2;
      code = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code = c & 0x07u;
    } else {
      return std::nullopt;
    }
    if (i + length > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      code = (code << 6) | (next & 0x3Fu);
    }
    constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinForLength[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return std::nullopt;
    }
    // C0 and C1 controls and DEL have no place in a filter text.
    if (code < 0x20 || (code >= 0x7F && code <= 0x9F)) return std::nullopt;
    i += length;
    ++count;
  }
  return count;
}

std::optional<int64_t> ParseNonNegative(std::string_view text) {
  if (text.empty() || text.size() > kMaxNumberDigits) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

struct Param {
  std::string name;
  std::string value;
};

// Splits and decodes the query string. Empty pieces ("a=1&&b=2") are skipped.
std::optional<std::vector<Param>> SplitQuery(std::string_view query, std::string* bad_piece) {
  std::vector<Param> params;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    std::string_view raw_name = piece.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    auto name = PercentDecode(raw_name);
    auto value = PercentDecode(raw_value);
    if (!name || !value) {
      *bad_piece = std::string(raw_name.substr(0, 64));
      return std::nullopt;
    }
    params.push_back({std::move(*name), std::move(*value)});
  }
  return params;
}

ParsedListQuery Invalid(std::string message) {
  ParsedListQuery parsed;
  parsed.failure = http::JsonError(400, "invalid_parameter", message);
  return parsed;
}

// A parameter name for a message: printable ASCII only, bounded.
std::string Shown(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 64)) {
    out += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return out;
}

}  // namespace

ParsedListQuery ParseListQuery(const http::Request& request,
                               const std::vector<std::string_view>& sort_keys,
                               const std::vector<std::string_view>& extra_params) {
  std::string bad_piece;
  auto params = SplitQuery(request.query, &bad_piece);
  if (!params) {
    return Invalid("parameter '" + Shown(bad_piece) + "' is not properly percent-encoded");
  }
  directory::ListQuery query;
  query.limit = kDefaultLimit;
  bool order_given = false;
  std::vector<std::string_view> seen;
  for (const Param& param : *params) {
    const std::string& name = param.name;
    const std::string& value = param.value;
    bool is_list_param =
        std::find(std::begin(kListParams), std::end(kListParams), name) != std::end(kListParams);
    bool is_extra = std::find(extra_params.begin(), extra_params.end(), name) != extra_params.end();
    if (!is_list_param && !is_extra) {
      return Invalid("unknown parameter '" + Shown(name) + "'");
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return Invalid("parameter '" + Shown(name) + "' is given more than once");
    }
    seen.push_back(name);
    if (is_extra && !is_list_param) continue;
    if (name == "q") {
      auto chars = Utf8CodePoints(value);
      if (!chars || *chars > kMaxFilterChars) {
        return Invalid("parameter 'q' must be text of at most " + std::to_string(kMaxFilterChars) +
                       " characters without control characters");
      }
      query.q = value;
    } else if (name == "sort") {
      if (value.empty()) continue;
      if (std::find(sort_keys.begin(), sort_keys.end(), value) == sort_keys.end()) {
        std::string keys;
        for (std::string_view key : sort_keys) {
          if (!keys.empty()) keys += ", ";
          keys += key;
        }
        return Invalid("parameter 'sort' must be one of: " + keys);
      }
      query.sort = value;
    } else if (name == "order") {
      if (value != "asc" && value != "desc") {
        return Invalid("parameter 'order' must be 'asc' or 'desc'");
      }
      query.descending = value == "desc";
      order_given = true;
    } else if (name == "limit") {
      auto limit = ParseNonNegative(value);
      if (!limit || *limit < 1 || *limit > kMaxLimit) {
        return Invalid("parameter 'limit' must be an integer from 1 to " +
                       std::to_string(kMaxLimit));
      }
      query.limit = *limit;
    } else if (name == "offset") {
      auto offset = ParseNonNegative(value);
      if (!offset) return Invalid("parameter 'offset' must be an integer of at least 0");
      query.offset = *offset;
    }
  }
  // Without sort or order the directory applies the method's default key and direction
  // (e.g. audit: newest first); an explicit order needs an explicit key to apply to.
  if (order_given && query.sort.empty() && !sort_keys.empty()) {
    query.sort = std::string(sort_keys.front());
  }
  ParsedListQuery parsed;
  parsed.query = std::move(query);
  return parsed;
}

std::optional<std::string> QueryParam(const http::Request& request, std::string_view name) {
  std::string_view query = request.query;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::size_t eq = piece.find('=');
    auto decoded_name = PercentDecode(piece.substr(0, eq));
    if (!decoded_name || *decoded_name != name) continue;
    // A badly encoded value counts as absent; ParseListQuery reports it where it is used.
    return PercentDecode(eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1));
  }
  return std::nullopt;
}

}  // namespace ccc::relay::api
