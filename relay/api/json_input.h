#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay/http/router.h"

// Strict reading of JSON request bodies ("never trust input"). A handler declares every
// field it reads; anything else in the body is an error, so a typo in a client never
// passes silently.
//
//   auto input = api::JsonInput::Parse(request);
//   if (!input.ok()) return input.error();
//   auto name = input->String("name", {.max_chars = 200});
//   auto serial = input->String("serial", {.max_chars = 32});
//   if (auto error = input->Finish()) return *error;   // missing/wrong/unknown fields
//
// Error responses (JSON, see http::JsonError), first problem wins:
//   415 unsupported_media_type  Content-Type is not application/json (a body is present)
//   400 malformed_json          not parseable, or nesting deeper than 32
//   400 invalid_body            not a JSON object
//   400 duplicate_field         a member name appears twice in one object (at any depth)
//   400 missing_field           a required field is absent (or null)
//   400 invalid_field           wrong type, out of range, not one of the allowed values,
//                               empty where min_chars > 0, control characters in text
//   400 field_too_long          a string longer than max_chars (code points)
//   400 unknown_field           a field that no accessor asked for
// Messages name the field, e.g. "field 'serial' must be a string of at most 32 characters".
// (Bodies above the server's limit never get here: the server answers 413 too_large.)
namespace ccc::relay::api {

struct StringRules {
  bool required = true;
  std::size_t min_chars = 1;
  std::size_t max_chars = 200;
  bool allow_newlines = false;  // descriptions may span lines; names may not
};

struct IntRules {
  bool required = true;
  int64_t min = 0;
  int64_t max = INT64_MAX;
};

class JsonInput {
 public:
  // Parses the body. An empty body counts as "{}" (for POSTs without fields).
  struct Parsed;
  static Parsed Parse(const http::Request& request);

  // Each accessor marks the field as known. It returns nullopt when the field is absent and
  // not required, or on error (then Finish() reports the first error).
  std::optional<std::string> String(std::string_view name, StringRules rules = {});
  std::optional<int64_t> Int(std::string_view name, IntRules rules = {});
  std::optional<bool> Bool(std::string_view name, bool required = true);
  // A string that must be one of `allowed`.
  std::optional<std::string> Enum(std::string_view name,
                                  const std::vector<std::string_view>& allowed,
                                  bool required = true);
  // An array of distinct strings from `allowed`, at least min_items long.
  std::optional<std::vector<std::string>> EnumArray(std::string_view name,
                                                    const std::vector<std::string_view>& allowed,
                                                    std::size_t min_items = 1,
                                                    bool required = true);
  // True when the field is present (even if null); marks it as known.
  bool Has(std::string_view name);
  // Explicit null is allowed for the field; returns true when it is present and null.
  bool IsNull(std::string_view name);

  // The first error, or an unknown field, as a response; nullopt when all is well.
  std::optional<http::Response> Finish();

  explicit JsonInput(boost::json::object object);

 private:
  void Fail(std::string_view code, std::string message);
  // Marks `name` as known and returns its value; nullptr when it is absent or null (then
  // missing_field is recorded if `required`).
  const boost::json::value* Present(std::string_view name, bool required);

  boost::json::object object_;
  std::vector<std::string> known_;
  std::optional<http::Response> error_;
};

struct JsonInput::Parsed {
  std::optional<JsonInput> input;
  std::optional<http::Response> failure;
  bool ok() const { return input.has_value(); }
  JsonInput* operator->() { return &*input; }
  const http::Response& error() const { return *failure; }
};

}  // namespace ccc::relay::api
