#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// Duplicate member names in a JSON text. JSON parsers disagree on them (Boost.JSON keeps the
// last, others the first), so a body like {"role":"monitoring","role":"administrator"} could
// mean one thing to a proxy or audit log and another to the relay: strict input refuses it.
namespace ccc::relay::api {

// The first member name that appears twice in the same object, at any depth; nullopt when
// there is none or when `json` is not valid JSON (the caller's parser reports that).
// Nesting deeper than `max_depth` counts as invalid.
std::optional<std::string> FirstDuplicateKey(std::string_view json, std::size_t max_depth = 32);

}  // namespace ccc::relay::api
