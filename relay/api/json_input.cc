#include "relay/api/json_input.h"

#include <algorithm>
#include <boost/json.hpp>
#include <utility>

#include "relay/api/duplicate_keys.h"

namespace ccc::relay::api {
namespace {

constexpr unsigned kMaxDepth = 32;

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// "application/json", optionally with parameters ("; charset=utf-8"), any case.
bool IsJsonMediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  return std::equal(type.begin(), type.end(), kJson.begin(), kJson.end(),
                    [](char a, char b) { return LowerAscii(a) == b; });
}

// Code points in valid UTF-8 (the parser rejects invalid UTF-8): every byte that is not a
// continuation byte starts one.
std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// C0 controls, DEL and C1 controls (U+0080..U+009F, "\xC2\x80".."\xC2\x9F" in UTF-8).
// Newlines (and the tab and carriage return that come with pasted text) pass when allowed.
bool HasControlCharacters(std::string_view text, bool allow_newlines) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20) {
      if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) continue;
      return true;
    }
    if (c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < text.size()) {
      auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

std::string Field(std::string_view name) { return "field '" + std::string(name) + "'"; }

std::string JoinQuoted(const std::vector<std::string_view>& values) {
  std::string out;
  for (std::string_view value : values) {
    if (!out.empty()) out += ", ";
    out += "'" + std::string(value) + "'";
  }
  return out;
}

}  // namespace

JsonInput::JsonInput(boost::json::object object) : object_(std::move(object)) {}

JsonInput::Parsed JsonInput::Parse(const http::Request& request) {
  Parsed parsed;
  if (request.body.empty()) {
    parsed.input.emplace(boost::json::object());
    return parsed;
  }
  if (!IsJsonMediaType(request.Header("content-type"))) {
    parsed.failure =
        http::JsonError(415, "unsupported_media_type", "the body must be application/json");
    return parsed;
  }
  boost::json::parse_options options;
  options.max_depth = kMaxDepth;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.body, ec, {}, options);
  if (ec) {
    parsed.failure = http::JsonError(400, "malformed_json", "the body is not valid JSON");
    return parsed;
  }
  if (!value.is_object()) {
    parsed.failure = http::JsonError(400, "invalid_body", "the body must be a JSON object");
    return parsed;
  }
  if (auto name = FirstDuplicateKey(request.body, kMaxDepth)) {
    parsed.failure =
        http::JsonError(400, "duplicate_field", "field '" + *name + "' appears more than once");
    return parsed;
  }
  parsed.input.emplace(std::move(value.as_object()));
  return parsed;
}

void JsonInput::Fail(std::string_view code, std::string message) {
  if (!error_) error_ = http::JsonError(400, code, message);
}

const boost::json::value* JsonInput::Present(std::string_view name, bool required) {
  known_.emplace_back(name);
  const boost::json::value* value = object_.if_contains(name);
  if (value == nullptr || value->is_null()) {
    if (required) Fail("missing_field", Field(name) + " is required");
    return nullptr;
  }
  return value;
}

std::optional<std::string> JsonInput::String(std::string_view name, StringRules rules) {
  const boost::json::value* value = Present(name, rules.required);
  if (value == nullptr) return std::nullopt;
  const std::string describe = Field(name) + " must be a string of at most " +
                               std::to_string(rules.max_chars) + " characters";
  if (!value->is_string()) {
    Fail("invalid_field", describe);
    return std::nullopt;
  }
  std::string_view text = value->get_string();
  std::size_t chars = CodePoints(text);
  if (chars > rules.max_chars) {
    Fail("field_too_long", describe);
    return std::nullopt;
  }
  if (chars < rules.min_chars) {
    Fail("invalid_field", rules.min_chars == 1
                              ? Field(name) + " must not be empty"
                              : Field(name) + " must have at least " +
                                    std::to_string(rules.min_chars) + " characters");
    return std::nullopt;
  }
  if (HasControlCharacters(text, rules.allow_newlines)) {
    Fail("invalid_field", Field(name) + " must not contain control characters");
    return std::nullopt;
  }
  return std::string(text);
}

std::optional<int64_t> JsonInput::Int(std::string_view name, IntRules rules) {
  const boost::json::value* value = Present(name, rules.required);
  if (value == nullptr) return std::nullopt;
  const std::string describe = Field(name) + " must be an integer from " +
                               std::to_string(rules.min) + " to " + std::to_string(rules.max);
  std::optional<int64_t> number;
  if (value->is_int64()) {
    number = value->get_int64();
  } else if (value->is_uint64()) {
    // Only values above INT64_MAX are stored as uint64: out of every range we accept.
    number = std::nullopt;
  }
  if (!number || *number < rules.min || *number > rules.max) {
    Fail("invalid_field", describe);
    return std::nullopt;
  }
  return number;
}

std::optional<bool> JsonInput::Bool(std::string_view name, bool required) {
  const boost::json::value* value = Present(name, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_bool()) {
    Fail("invalid_field", Field(name) + " must be true or false");
    return std::nullopt;
  }
  return value->get_bool();
}

std::optional<std::string> JsonInput::Enum(std::string_view name,
                                           const std::vector<std::string_view>& allowed,
                                           bool required) {
  const boost::json::value* value = Present(name, required);
  if (value == nullptr) return std::nullopt;
  if (value->is_string()) {
    std::string_view text = value->get_string();
    if (std::find(allowed.begin(), allowed.end(), text) != allowed.end()) {
      return std::string(text);
    }
  }
  Fail("invalid_field", Field(name) + " must be one of " + JoinQuoted(allowed));
  return std::nullopt;
}

std::optional<std::vector<std::string>> JsonInput::EnumArray(
    std::string_view name, const std::vector<std::string_view>& allowed, std::size_t min_items,
    bool required) {
  const boost::json::value* value = Present(name, required);
  if (value == nullptr) return std::nullopt;
  const std::string describe = Field(name) + " must be an array of at least " +
                               std::to_string(min_items) + " distinct values of " +
                               JoinQuoted(allowed);
  if (!value->is_array() || value->get_array().size() < min_items) {
    Fail("invalid_field", describe);
    return std::nullopt;
  }
  std::vector<std::string> items;
  for (const boost::json::value& item : value->get_array()) {
    if (!item.is_string()) {
      Fail("invalid_field", describe);
      return std::nullopt;
    }
    std::string_view text = item.get_string();
    if (std::find(allowed.begin(), allowed.end(), text) == allowed.end() ||
        std::find(items.begin(), items.end(), text) != items.end()) {
      Fail("invalid_field", describe);
      return std::nullopt;
    }
    items.emplace_back(text);
  }
  return items;
}

bool JsonInput::Has(std::string_view name) {
  known_.emplace_back(name);
  return object_.contains(name);
}

bool JsonInput::IsNull(std::string_view name) {
  known_.emplace_back(name);
  const boost::json::value* value = object_.if_contains(name);
  return value != nullptr && value->is_null();
}

std::optional<http::Response> JsonInput::Finish() {
  if (error_) return error_;
  for (const auto& member : object_) {
    std::string_view key = member.key();
    if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
      std::string_view shown = key.substr(0, 64);
      // Cut at a code point boundary so the message stays valid UTF-8.
      while (shown.size() < key.size() && !shown.empty() &&
             (static_cast<unsigned char>(key[shown.size()]) & 0xC0) == 0x80) {
        shown.remove_suffix(1);
      }
      return http::JsonError(400, "unknown_field", "unknown field '" + std::string(shown) + "'");
    }
  }
  return std::nullopt;
}

}  // namespace ccc::relay::api
