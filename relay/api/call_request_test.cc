#include "relay/api/call_request.h"

#include <gtest/gtest.h>

#include <string>

#include "relay/api/api_test_support.h"

namespace ccc::relay::api {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

ParsedCallRequest Parse(const std::string& query,
                        CallEndpoint endpoint = CallEndpoint::kSystemPage) {
  http::Request request;
  request.query = query;
  return ParseCallRequest(request, endpoint, kNow);
}

void ExpectInvalid(const std::string& query, CallEndpoint endpoint = CallEndpoint::kSystemPage) {
  ParsedCallRequest parsed = Parse(query, endpoint);
  ASSERT_FALSE(parsed.ok()) << query;
  testing::ExpectAnswer(*parsed.failure, 400, "invalid_parameter");
}

TEST(CallRequest, DefaultsToTheLast30DaysNewestFirstFiftyAtATime) {
  ParsedCallRequest parsed = Parse("");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.request->filter.from_ms, kNow - kDefaultCallWindowMs);
  EXPECT_FALSE(parsed.request->filter.to_ms.has_value());
  EXPECT_TRUE(parsed.request->descending);
  EXPECT_EQ(parsed.request->sort, store::CallSort::kTime);
  EXPECT_EQ(parsed.request->limit, 50u);
  EXPECT_EQ(parsed.request->offset, 0u);
}

TEST(CallRequest, ReadsEveryFilter) {
  ParsedCallRequest parsed = Parse(
      "from=2026-11-01T00:00:00Z&to=2026-11-02T01:00:00%2B01:00&q=M%C3%BCller&result=successful"
      "&direction=incoming&call_type=business&sort=duration&order=asc&limit=500&offset=20");
  ASSERT_TRUE(parsed.ok()) << parsed.failure->body;
  const CallRequest& r = *parsed.request;
  EXPECT_EQ(r.filter.from_ms, 1'793'491'200'000);
  EXPECT_EQ(r.filter.to_ms, 1'793'577'600'000);
  EXPECT_EQ(r.filter.q, "Müller");
  EXPECT_EQ(r.filter.result, "successful");
  EXPECT_EQ(r.filter.direction, "incoming");
  EXPECT_EQ(r.filter.call_type, "business");
  EXPECT_EQ(r.sort, store::CallSort::kDuration);
  EXPECT_FALSE(r.descending);
  EXPECT_EQ(r.limit, 500u);
  EXPECT_EQ(r.offset, 20u);
}

TEST(CallRequest, WithoutFromTheWindowEndsAtTo) {
  ParsedCallRequest parsed = Parse("to=2026-11-01T00:00:00Z");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed.request->filter.from_ms, 1'793'491'200'000 - kDefaultCallWindowMs);
}

TEST(CallRequest, BadTimesAreRefused) {
  for (const char* bad :
       {"from=yesterday", "from=2026-11-01", "from=2026-11-01T00:00:00",
        "from=2026-02-30T00:00:00Z", "from=2026-13-01T00:00:00Z", "from=2026-11-01T24:00:00Z",
        "to=2026-11-01T00:00:00%2B1", "from=1969-12-31T23:59:59Z",
        "from=", "from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z",
        "from=2026-11-01T00:00:00Z&to=2026-11-01T00:00:00Z"}) {
    ExpectInvalid(bad);
  }
}

TEST(CallRequest, UnknownEnumValuesAndBadPagingAreRefused) {
  for (const char* bad : {"result=ok", "direction=inbound", "result=", "sort=name", "order=up",
                          "limit=501", "limit=0", "offset=-1", "status=ok", "call_type=a%0Ab",
                          "system_id=1", "result=successful&result=unsuccessful"}) {
    ExpectInvalid(bad);
  }
}

TEST(CallRequest, FleetTakesAPositiveSystemId) {
  ParsedCallRequest parsed = Parse("system_id=42", CallEndpoint::kFleetPage);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.request->system_id, 42);
  for (const char* bad : {"system_id=0", "system_id=-1", "system_id=abc", "system_id="}) {
    ExpectInvalid(bad, CallEndpoint::kFleetPage);
  }
}

TEST(CallRequest, TheExportTakesNoPagingAndNoDurationSort) {
  EXPECT_TRUE(Parse("sort=time&order=asc", CallEndpoint::kSystemExport).ok());
  ExpectInvalid("limit=10", CallEndpoint::kSystemExport);
  ExpectInvalid("offset=10", CallEndpoint::kFleetExport);
  ExpectInvalid("sort=duration", CallEndpoint::kSystemExport);
}

TEST(CallRequest, Rfc3339AcceptsFractionsOffsetsAndLowerCase) {
  EXPECT_EQ(ParseRfc3339Ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339Ms("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(ParseRfc3339Ms("1970-01-01t01:00:00.123456+01:00"), 123);
  EXPECT_EQ(ParseRfc3339Ms("2024-02-29T12:00:00z"), 1'709'208'000'000);
  EXPECT_EQ(ParseRfc3339Ms("1970-01-01T00:00:00-00:30"), 1'800'000);
  EXPECT_FALSE(ParseRfc3339Ms("2023-02-29T12:00:00Z"));
  EXPECT_FALSE(ParseRfc3339Ms("2024-01-01T00:00:00.Z"));
  EXPECT_FALSE(ParseRfc3339Ms("2024-01-01T00:00:00Zjunk"));
  EXPECT_FALSE(ParseRfc3339Ms("2024-01-01 00:00:00Z"));
}

TEST(CallRequest, AuditDetailsNameTheFiltersGiven) {
  ParsedCallRequest parsed = Parse("q=0301&result=unsuccessful", CallEndpoint::kSystemExport);
  ASSERT_TRUE(parsed.ok());
  boost::json::object details = parsed.request->AuditDetails();
  EXPECT_EQ(details.at("q"), "0301");
  EXPECT_EQ(details.at("result"), "unsuccessful");
  EXPECT_EQ(details.at("from"), boost::json::value(Rfc3339(kNow - kDefaultCallWindowMs)));
  EXPECT_TRUE(details.at("to").is_null());
  EXPECT_FALSE(details.contains("direction"));
}

}  // namespace
}  // namespace ccc::relay::api
