#include "relay/api/json_input.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace ccc::relay::api {
namespace {

http::Request JsonRequest(std::string body, std::string content_type = "application/json") {
  http::Request request;
  request.method = http::Method::kPost;
  request.headers.emplace_back("content-type", std::move(content_type));
  request.body = std::move(body);
  return request;
}

std::string ErrorCode(const http::Response& response) {
  return std::string(boost::json::parse(response.body).at("error").at("code").as_string());
}

std::string ErrorMessage(const http::Response& response) {
  return std::string(boost::json::parse(response.body).at("error").at("message").as_string());
}

// Parses `body`, lets `read` call accessors, and returns Finish()'s response (or nullopt).
template <typename Read>
std::optional<http::Response> Check(std::string body, Read read) {
  auto parsed = JsonInput::Parse(JsonRequest(std::move(body)));
  EXPECT_TRUE(parsed.ok());
  if (!parsed.ok()) return parsed.error();
  read(*parsed.input);
  return parsed->Finish();
}

TEST(JsonInputParse, TreatsAnEmptyBodyAsAnEmptyObject) {
  http::Request request;
  request.method = http::Method::kPost;
  auto parsed = JsonInput::Parse(request);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->Finish().has_value());
}

TEST(JsonInputParse, RefusesABodyThatIsNotJsonWith415) {
  auto parsed = JsonInput::Parse(JsonRequest("{}", "text/plain"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().status, 415);
  EXPECT_EQ(ErrorCode(parsed.error()), "unsupported_media_type");
}

TEST(JsonInputParse, RefusesABodyWithoutContentTypeWith415) {
  http::Request request;
  request.body = "{}";
  auto parsed = JsonInput::Parse(request);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().status, 415);
}

TEST(JsonInputParse, AcceptsACharsetParameterAndAnyCase) {
  EXPECT_TRUE(JsonInput::Parse(JsonRequest("{}", "Application/JSON; charset=utf-8")).ok());
}

TEST(JsonInputParse, RefusesMalformedJson) {
  auto parsed = JsonInput::Parse(JsonRequest("{\"a\":"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().status, 400);
  EXPECT_EQ(ErrorCode(parsed.error()), "malformed_json");
}

TEST(JsonInputParse, RefusesInvalidUtf8AsMalformed) {
  auto parsed = JsonInput::Parse(JsonRequest("{\"a\":\"\xff\"}"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(ErrorCode(parsed.error()), "malformed_json");
}

TEST(JsonInputParse, RefusesNestingDeeperThan32) {
  std::string deep = "{\"a\":" + std::string(40, '[') + std::string(40, ']') + "}";
  auto parsed = JsonInput::Parse(JsonRequest(deep));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(ErrorCode(parsed.error()), "malformed_json");
}

TEST(JsonInputParse, RefusesADuplicatedFieldNamingIt) {
  auto parsed = JsonInput::Parse(JsonRequest(R"({"name":"a","role":"x","role":"y"})"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().status, 400);
  EXPECT_EQ(ErrorCode(parsed.error()), "duplicate_field");
  EXPECT_EQ(ErrorMessage(parsed.error()), "field 'role' appears more than once");
}

TEST(JsonInputParse, RefusesABodyThatIsNotAnObject) {
  auto parsed = JsonInput::Parse(JsonRequest("[1,2]"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().status, 400);
  EXPECT_EQ(ErrorCode(parsed.error()), "invalid_body");
}

TEST(JsonInputString, ReturnsTheValue) {
  std::optional<std::string> name;
  auto error = Check(R"({"name":"Büro Nord"})", [&](JsonInput& in) { name = in.String("name"); });
  EXPECT_FALSE(error.has_value());
  EXPECT_EQ(name, "Büro Nord");
}

TEST(JsonInputString, ReportsAMissingRequiredField) {
  auto error = Check("{}", [](JsonInput& in) { in.String("name"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->status, 400);
  EXPECT_EQ(ErrorCode(*error), "missing_field");
  EXPECT_EQ(ErrorMessage(*error), "field 'name' is required");
}

TEST(JsonInputString, TreatsNullAsMissing) {
  auto error = Check(R"({"name":null})", [](JsonInput& in) { in.String("name"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "missing_field");
}

TEST(JsonInputString, ReturnsNulloptForAnAbsentOptionalField) {
  std::optional<std::string> name = "x";
  auto error = Check("{}", [&](JsonInput& in) { name = in.String("name", {.required = false}); });
  EXPECT_FALSE(error.has_value());
  EXPECT_FALSE(name.has_value());
}

TEST(JsonInputString, ReportsAWrongType) {
  auto error =
      Check(R"({"serial":12})", [](JsonInput& in) { in.String("serial", {.max_chars = 32}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
  EXPECT_EQ(ErrorMessage(*error), "field 'serial' must be a string of at most 32 characters");
}

TEST(JsonInputString, CountsCodePointsNotBytes) {
  std::optional<std::string> name;
  auto error = Check(R"({"name":"äöü"})",
                     [&](JsonInput& in) { name = in.String("name", {.max_chars = 3}); });
  EXPECT_FALSE(error.has_value());
  EXPECT_EQ(name, "äöü");
}

TEST(JsonInputString, ReportsATooLongString) {
  auto error =
      Check(R"({"name":"abcd"})", [](JsonInput& in) { in.String("name", {.max_chars = 3}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->status, 400);
  EXPECT_EQ(ErrorCode(*error), "field_too_long");
}

TEST(JsonInputString, ReportsAOneMegabyteStringAsTooLong) {
  std::string body = "{\"name\":\"" + std::string(1 << 20, 'a') + "\"}";
  auto error = Check(body, [](JsonInput& in) { in.String("name"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "field_too_long");
}

TEST(JsonInputString, RefusesAnEmptyStringByDefault) {
  auto error = Check(R"({"name":""})", [](JsonInput& in) { in.String("name"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
  EXPECT_EQ(ErrorMessage(*error), "field 'name' must not be empty");
}

TEST(JsonInputString, AcceptsAnEmptyStringWhenMinCharsIsZero) {
  auto error = Check(R"({"description":""})",
                     [](JsonInput& in) { in.String("description", {.min_chars = 0}); });
  EXPECT_FALSE(error.has_value());
}

TEST(JsonInputString, ReportsAStringShorterThanMinChars) {
  auto error = Check(R"({"password":"short"})",
                     [](JsonInput& in) { in.String("password", {.min_chars = 10}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
  EXPECT_EQ(ErrorMessage(*error), "field 'password' must have at least 10 characters");
}

TEST(JsonInputString, RefusesNewlinesUnlessAllowed) {
  auto error = Check(R"({"name":"a\nb"})", [](JsonInput& in) { in.String("name"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputString, AcceptsNewlinesWhenAllowed) {
  auto error = Check(R"({"description":"a\r\nb\tc"})",
                     [](JsonInput& in) { in.String("description", {.allow_newlines = true}); });
  EXPECT_FALSE(error.has_value());
}

TEST(JsonInputString, RefusesOtherControlCharactersEvenWithNewlinesAllowed) {
  auto error = Check(R"({"description":"a\u0000b"})",
                     [](JsonInput& in) { in.String("description", {.allow_newlines = true}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputString, RefusesC1ControlCharacters) {
  auto error = Check(R"({"name":"a\u0085b"})", [](JsonInput& in) { in.String("name"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputString, RefusesDelete) {
  auto error = Check(R"({"name":"a\u007fb"})", [](JsonInput& in) { in.String("name"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputInt, ReturnsTheValue) {
  std::optional<int64_t> days;
  auto error = Check(R"({"days":30})", [&](JsonInput& in) { days = in.Int("days"); });
  EXPECT_FALSE(error.has_value());
  EXPECT_EQ(days, 30);
}

TEST(JsonInputInt, ReportsAValueOutOfRange) {
  auto error =
      Check(R"({"days":0})", [](JsonInput& in) { in.Int("days", {.min = 1, .max = 3650}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
  EXPECT_EQ(ErrorMessage(*error), "field 'days' must be an integer from 1 to 3650");
}

TEST(JsonInputInt, ReportsAFraction) {
  auto error = Check(R"({"days":1.5})", [](JsonInput& in) { in.Int("days"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputInt, ReportsAString) {
  auto error = Check(R"({"days":"3"})", [](JsonInput& in) { in.Int("days"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputInt, ReportsANumberBeyondInt64) {
  auto error = Check(R"({"days":18446744073709551615})", [](JsonInput& in) { in.Int("days"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputInt, ReportsAMissingRequiredField) {
  auto error = Check("{}", [](JsonInput& in) { in.Int("days"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "missing_field");
}

TEST(JsonInputBool, ReturnsTheValue) {
  std::optional<bool> flag;
  auto error = Check(R"({"public":false})", [&](JsonInput& in) { flag = in.Bool("public"); });
  EXPECT_FALSE(error.has_value());
  EXPECT_EQ(flag, false);
}

TEST(JsonInputBool, ReportsANumber) {
  auto error = Check(R"({"public":1})", [](JsonInput& in) { in.Bool("public"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputBool, AllowsAnAbsentOptionalField) {
  auto error = Check("{}", [](JsonInput& in) { in.Bool("public", false); });
  EXPECT_FALSE(error.has_value());
}

TEST(JsonInputEnum, ReturnsAnAllowedValue) {
  std::optional<std::string> language;
  auto error = Check(R"({"language":"de"})", [&](JsonInput& in) {
    language = in.Enum("language", {"en", "de"});
  });
  EXPECT_FALSE(error.has_value());
  EXPECT_EQ(language, "de");
}

TEST(JsonInputEnum, ReportsAValueNotAllowed) {
  auto error = Check(R"({"language":"fr"})", [](JsonInput& in) {
    in.Enum("language", {"en", "de"});
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
  EXPECT_EQ(ErrorMessage(*error), "field 'language' must be one of 'en', 'de'");
}

TEST(JsonInputEnum, ComparesCaseSensitively) {
  auto error = Check(R"({"language":"DE"})", [](JsonInput& in) {
    in.Enum("language", {"en", "de"});
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputEnumArray, ReturnsTheValuesInOrder) {
  std::optional<std::vector<std::string>> roles;
  auto error = Check(R"({"roles":["backup","monitoring"]})", [&](JsonInput& in) {
    roles = in.EnumArray("roles", {"monitoring", "backup"});
  });
  EXPECT_FALSE(error.has_value());
  EXPECT_EQ(roles, (std::vector<std::string>{"backup", "monitoring"}));
}

TEST(JsonInputEnumArray, ReportsDuplicates) {
  auto error = Check(R"({"roles":["backup","backup"]})", [](JsonInput& in) {
    in.EnumArray("roles", {"monitoring", "backup"});
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputEnumArray, ReportsTooFewItems) {
  auto error = Check(R"({"roles":[]})", [](JsonInput& in) {
    in.EnumArray("roles", {"monitoring", "backup"});
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputEnumArray, ReportsAnUnknownValue) {
  auto error = Check(R"({"roles":["owner"]})", [](JsonInput& in) {
    in.EnumArray("roles", {"monitoring", "backup"});
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputEnumArray, ReportsANonArray) {
  auto error = Check(R"({"roles":"backup"})", [](JsonInput& in) {
    in.EnumArray("roles", {"monitoring", "backup"});
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputEnumArray, ReportsANonStringItem) {
  auto error = Check(R"({"roles":[1]})", [](JsonInput& in) {
    in.EnumArray("roles", {"monitoring", "backup"});
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
}

TEST(JsonInputHas, MarksTheFieldKnownAndTellsWhetherItIsPresent) {
  bool has = false;
  bool absent = true;
  auto error = Check(R"({"role":null})", [&](JsonInput& in) {
    has = in.Has("role");
    absent = in.Has("other");
  });
  EXPECT_FALSE(error.has_value());
  EXPECT_TRUE(has);
  EXPECT_FALSE(absent);
}

TEST(JsonInputIsNull, IsTrueOnlyForAnExplicitNull) {
  bool null_role = false;
  bool null_name = true;
  bool null_absent = true;
  auto error = Check(R"({"role":null,"name":"x"})", [&](JsonInput& in) {
    null_role = in.IsNull("role");
    null_name = in.IsNull("name");
    null_absent = in.IsNull("other");
  });
  EXPECT_FALSE(error.has_value());
  EXPECT_TRUE(null_role);
  EXPECT_FALSE(null_name);
  EXPECT_FALSE(null_absent);
}

TEST(JsonInputFinish, ReportsAnUnknownField) {
  auto error = Check(R"({"name":"a","nmae":"b"})", [](JsonInput& in) { in.String("name"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->status, 400);
  EXPECT_EQ(ErrorCode(*error), "unknown_field");
  EXPECT_EQ(ErrorMessage(*error), "unknown field 'nmae'");
}

TEST(JsonInputFinish, ReportsTheFirstAccessorErrorBeforeUnknownFields) {
  auto error = Check(R"({"name":1,"extra":true,"other":"x"})", [](JsonInput& in) {
    in.String("name");
    in.String("other", {.max_chars = 0});
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(ErrorCode(*error), "invalid_field");
  EXPECT_NE(ErrorMessage(*error).find("'name'"), std::string::npos);
}

TEST(JsonInputFinish, AnswersInJsonErrorShape) {
  auto error = Check(R"({"x":1})", [](JsonInput&) {});
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->content_type, "application/json");
  auto body = boost::json::parse(error->body);
  EXPECT_TRUE(body.at("error").is_object());
}

}  // namespace
}  // namespace ccc::relay::api
