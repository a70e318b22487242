#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <utility>

// For the record body tests (call_body_test.cc, registration_body_test.cc): a body is a JSON
// object whose keys and values are the wire contract, so the tests parse it and compare it
// with the object the contract expects, key by key. For tests only.
namespace ccc::agent::collect::testing {

// The JSON object `body` encodes; an empty object (and a test failure) when it is not valid
// JSON or not an object.
inline boost::json::object ParseObject(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << body;
    return {};
  }
  return std::move(value.as_object());
}

// Success when `actual` has exactly the keys of `expected`, each with an equal value
// (integers compare by value whatever their signedness). Otherwise the message names every
// missing, unexpected and differing key.
inline ::testing::AssertionResult HasExactlyFields(const boost::json::object& actual,
                                                   const boost::json::object& expected) {
  std::string differences;
  for (const auto& [key, value] : expected) {
    const boost::json::value* got = actual.if_contains(key);
    if (got == nullptr) {
      differences += "\n  missing \"" + std::string(key) + "\"";
    } else if (*got != value) {
      differences += "\n  \"" + std::string(key) + "\": " + boost::json::serialize(*got) +
                     ", expected " + boost::json::serialize(value);
    }
  }
  for (const auto& [key, value] : actual) {
    if (!expected.contains(key)) {
      differences +=
          "\n  unexpected \"" + std::string(key) + "\": " + boost::json::serialize(value);
    }
  }
  if (differences.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "the body differs from the contract:" << differences;
}

}  // namespace ccc::agent::collect::testing
