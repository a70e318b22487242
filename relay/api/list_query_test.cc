#include "relay/api/list_query.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace ccc::relay::api {
namespace {

const std::vector<std::string_view> kSortKeys = {"email", "name", "created"};

http::Request WithQuery(std::string query) {
  http::Request request;
  request.path = "/api/v1/users";
  request.query = std::move(query);
  return request;
}

directory::ListQuery Parse(std::string query) {
  ParsedListQuery parsed = ParseListQuery(WithQuery(std::move(query)), kSortKeys);
  EXPECT_TRUE(parsed.ok()) << (parsed.failure ? parsed.failure->body : "");
  return parsed.query.value_or(directory::ListQuery{});
}

// The error message of a refused query; fails the test when it was accepted.
std::string Refusal(std::string query, const std::vector<std::string_view>& extra = {}) {
  ParsedListQuery parsed = ParseListQuery(WithQuery(std::move(query)), kSortKeys, extra);
  EXPECT_FALSE(parsed.ok());
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.failure->status, 400);
  auto error = boost::json::parse(parsed.failure->body).at("error");
  EXPECT_EQ(error.at("code").as_string(), "invalid_parameter");
  return std::string(error.at("message").as_string());
}

TEST(ParseListQuery, UsesDefaultsWithoutParameters) {
  directory::ListQuery query = Parse("");
  EXPECT_EQ(query.q, "");
  EXPECT_EQ(query.sort, "");
  EXPECT_FALSE(query.descending);
  EXPECT_EQ(query.limit, kDefaultLimit);
  EXPECT_EQ(query.offset, 0);
}

TEST(ParseListQuery, ReadsEveryParameter) {
  directory::ListQuery query = Parse("q=nord&sort=name&order=desc&limit=10&offset=20");
  EXPECT_EQ(query.q, "nord");
  EXPECT_EQ(query.sort, "name");
  EXPECT_TRUE(query.descending);
  EXPECT_EQ(query.limit, 10);
  EXPECT_EQ(query.offset, 20);
}

TEST(ParseListQuery, PercentDecodesTheFilter) {
  EXPECT_EQ(Parse("q=B%C3%BCro%20Nord%2B1").q, "Büro Nord+1");
}

TEST(ParseListQuery, DecodesPlusAsSpace) { EXPECT_EQ(Parse("q=a+b").q, "a b"); }

TEST(ParseListQuery, DecodesParameterNames) { EXPECT_EQ(Parse("%71=x").q, "x"); }

TEST(ParseListQuery, SkipsEmptyPieces) { EXPECT_EQ(Parse("&q=x&&").q, "x"); }

TEST(ParseListQuery, TreatsAnEmptySortAsTheDefault) { EXPECT_EQ(Parse("sort=").sort, ""); }

TEST(ParseListQuery, AppliesAnOrderWithoutSortToTheFirstKey) {
  directory::ListQuery query = Parse("order=asc");
  EXPECT_EQ(query.sort, "email");
  EXPECT_FALSE(query.descending);
}

TEST(ParseListQuery, AcceptsTheLimitBounds) {
  EXPECT_EQ(Parse("limit=1").limit, 1);
  EXPECT_EQ(Parse("limit=1000").limit, kMaxLimit);
}

TEST(ParseListQuery, RefusesAnUnknownParameter) {
  EXPECT_EQ(Refusal("page=2"), "unknown parameter 'page'");
}

TEST(ParseListQuery, AcceptsExtraParametersTheEndpointNames) {
  ParsedListQuery parsed = ParseListQuery(WithQuery("owned=true&q=x"), kSortKeys, {"owned"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.query->q, "x");
}

TEST(ParseListQuery, RefusesARepeatedParameter) {
  EXPECT_EQ(Refusal("q=a&q=b"), "parameter 'q' is given more than once");
}

TEST(ParseListQuery, RefusesAnUnknownSortKey) {
  EXPECT_EQ(Refusal("sort=password"), "parameter 'sort' must be one of: email, name, created");
}

TEST(ParseListQuery, RefusesAnOrderOtherThanAscOrDesc) {
  EXPECT_EQ(Refusal("order=DESC"), "parameter 'order' must be 'asc' or 'desc'");
}

TEST(ParseListQuery, RefusesLimitZero) { Refusal("limit=0"); }

TEST(ParseListQuery, RefusesLimitAboveTheMaximum) {
  EXPECT_EQ(Refusal("limit=1001"), "parameter 'limit' must be an integer from 1 to 1000");
}

TEST(ParseListQuery, RefusesANonNumericLimit) { Refusal("limit=ten"); }

TEST(ParseListQuery, RefusesASignedLimit) { Refusal("limit=+5"); }

TEST(ParseListQuery, RefusesAnEmptyLimit) { Refusal("limit="); }

TEST(ParseListQuery, RefusesANegativeOffset) {
  EXPECT_EQ(Refusal("offset=-1"), "parameter 'offset' must be an integer of at least 0");
}

TEST(ParseListQuery, RefusesAnOffsetTooLargeToParse) { Refusal("offset=99999999999999999999"); }

TEST(ParseListQuery, AcceptsAFilterOfExactlyTheMaximumLength) {
  EXPECT_EQ(Parse("q=" + std::string(kMaxFilterChars, 'a')).q.size(), kMaxFilterChars);
}

TEST(ParseListQuery, CountsFilterLengthInCharacters) {
  std::string umlauts;
  for (std::size_t i = 0; i < kMaxFilterChars; ++i) umlauts += "%C3%BC";
  EXPECT_EQ(Parse("q=" + umlauts).q.size(), 2 * kMaxFilterChars);
}

TEST(ParseListQuery, RefusesAFilterLongerThanTheMaximum) {
  Refusal("q=" + std::string(kMaxFilterChars + 1, 'a'));
}

TEST(ParseListQuery, RefusesControlCharactersInTheFilter) { Refusal("q=a%0Ab"); }

TEST(ParseListQuery, RefusesANulByteInTheFilter) { Refusal("q=a%00b"); }

TEST(ParseListQuery, RefusesInvalidUtf8InTheFilter) { Refusal("q=%FF"); }

TEST(ParseListQuery, RefusesOverlongUtf8InTheFilter) { Refusal("q=%C0%AF"); }

TEST(ParseListQuery, RefusesATruncatedPercentEscape) {
  EXPECT_EQ(Refusal("q=a%2"), "parameter 'q' is not properly percent-encoded");
}

TEST(ParseListQuery, RefusesANonHexPercentEscape) { Refusal("q=%zz"); }

TEST(QueryParam, ReturnsTheDecodedValue) {
  EXPECT_EQ(QueryParam(WithQuery("return_to=%2Fsystems%3Fq%3Dx"), "return_to"), "/systems?q=x");
}

TEST(QueryParam, ReturnsNulloptWhenAbsent) {
  EXPECT_FALSE(QueryParam(WithQuery("a=1"), "b").has_value());
}

TEST(QueryParam, ReturnsAnEmptyValueForANameWithoutEquals) {
  EXPECT_EQ(QueryParam(WithQuery("owned"), "owned"), "");
}

TEST(QueryParam, IgnoresBadEncodingInOtherParameters) {
  EXPECT_EQ(QueryParam(WithQuery("x=%zz&owned=true"), "owned"), "true");
}

TEST(QueryParam, TreatsABadlyEncodedValueAsAbsent) {
  EXPECT_FALSE(QueryParam(WithQuery("owned=%z"), "owned").has_value());
}

}  // namespace
}  // namespace ccc::relay::api
