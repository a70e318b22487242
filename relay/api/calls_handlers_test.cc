#include "relay/api/calls_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "relay/api/call_page.h"
#include "relay/api/pbxdata_test_support.h"

namespace ccc::relay::api {
namespace {

using testing::Body;
using ::testing::ElementsAre;
using testing::ErrorCode;
using testing::ExpectAnswer;
using testing::HeaderValue;
using testing::PbxDataEnv;

constexpr char kBom[] = "\xEF\xBB\xBF";

class CallsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    system_ = pbx.MakeSystem("PBX-CALLS-1");
    path_ = "/api/v1/systems/" + std::to_string(system_);
  }

  std::vector<uint64_t> Ids(const http::Response& response) {
    std::vector<uint64_t> ids;
    const boost::json::value body = Body(response);
    for (const auto& item : body.at("items").as_array()) {
      ids.push_back(item.at("id").to_number<uint64_t>());
    }
    return ids;
  }

  // CSV rows without the head, split on CRLF (the test data has no line breaks unless said).
  static std::vector<std::string> Rows(const std::string& csv) {
    std::vector<std::string> rows;
    size_t at = csv.find("\r\n") + 2;
    while (at < csv.size()) {
      size_t end = csv.find("\r\n", at);
      rows.push_back(csv.substr(at, end - at));
      at = end + 2;
    }
    return rows;
  }

  std::vector<directory::AuditEntry> ExportAudits() {
    directory::ListQuery query;
    query.limit = 1000;
    query.q = "calls.export";
    auto page = pbx.env.directory().ListAudit(pbx.company, query);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->items : std::vector<directory::AuditEntry>{};
  }

  PbxDataEnv pbx;
  int64_t system_ = 0;
  std::string path_;
};

// --- role gating (H4), company isolation, maintenance ---------------------------------------

TEST_F(CallsApiTest, CallDataAdministratorAndOwnerMayListCalls) {
  for (int64_t user : {pbx.call_data, pbx.administrator, pbx.owner}) {
    ExpectAnswer(pbx.Get(user, path_ + "/calls"), 200);
  }
}

TEST_F(CallsApiTest, AMonitoringOnlyUserIsForbiddenCallsAndTheExport) {
  ExpectAnswer(pbx.Get(pbx.monitoring, path_ + "/calls"), 403, "forbidden");
  ExpectAnswer(pbx.Get(pbx.monitoring, path_ + "/calls.csv"), 403, "forbidden");
}

TEST_F(CallsApiTest, OtherCompaniesAndUsersWithoutAPathGetNotFound) {
  for (int64_t user : {pbx.stranger, pbx.no_role}) {
    ExpectAnswer(pbx.Get(user, path_ + "/calls"), 404, "not_found");
    ExpectAnswer(pbx.Get(user, path_ + "/calls.csv"), 404, "not_found");
  }
  ExpectAnswer(
      pbx.Get(pbx.owner, "/api/v1/systems/" + std::to_string(pbx.stranger_system) + "/calls"), 404,
      "not_found");
}

TEST_F(CallsApiTest, AnonymousCallersAreNotAuthenticated) {
  ExpectAnswer(pbx.Get(std::nullopt, path_ + "/calls"), 401, "not_authenticated");
  ExpectAnswer(pbx.Get(std::nullopt, "/api/v1/fleet/calls.csv"), 401, "not_authenticated");
}

TEST_F(CallsApiTest, WithoutActiveMaintenanceCallDataIsAPreconditionFailure) {
  const int64_t expired = pbx.MakeSystem("PBX-NO-MAINT", false);
  const std::string path = "/api/v1/systems/" + std::to_string(expired);
  ExpectAnswer(pbx.Get(pbx.call_data, path + "/calls"), 422, "maintenance_inactive");
  ExpectAnswer(pbx.Get(pbx.administrator, path + "/calls.csv"), 422, "maintenance_inactive");
}

// --- the page ------------------------------------------------------------------------------

TEST_F(CallsApiTest, APageShowsEveryFieldNewestFirst) {
  store::CallRow call = pbx.Call(7, 5);
  call.external_name = "Jörg Müller";
  pbx.IngestCalls("PBX-CALLS-1", {pbx.Call(1, 60), call});
  http::Response response = pbx.Get(pbx.call_data, path_ + "/calls");
  ExpectAnswer(response, 200);
  EXPECT_THAT(Ids(response), ElementsAre(7, 1));
  const boost::json::value body = Body(response);
  EXPECT_EQ(body.at("total"), 2);
  EXPECT_EQ(body.at("total_capped"), false);
  const auto& item = body.at("items").at(0).as_object();
  EXPECT_EQ(item.at("start"), boost::json::value(Rfc3339(pbx.env.now_ms - 5 * 60'000)));
  EXPECT_EQ(item.at("external_name"), "Jörg Müller");
  for (const char* field :
       {"duration_s", "direction", "result", "external_number", "billing_number", "billing_name",
        "real_name", "own_number", "call_type"}) {
    EXPECT_TRUE(item.contains(field)) << field;
  }
  EXPECT_FALSE(item.contains("system"));
}

TEST_F(CallsApiTest, FiltersNarrowThePageAndTheTotal) {
  std::vector<store::CallRow> calls;
  for (uint64_t n = 1; n <= 30; ++n) calls.push_back(pbx.Call(n, static_cast<int64_t>(n)));
  calls[4].external_name = "Needle Person";  // call 5
  pbx.IngestCalls("PBX-CALLS-1", calls);

  EXPECT_THAT(Ids(pbx.Get(pbx.call_data, path_ + "/calls?q=needle")), ElementsAre(5));
  http::Response unsuccessful = pbx.Get(pbx.call_data, path_ + "/calls?result=unsuccessful");
  EXPECT_EQ(Body(unsuccessful).at("total"), 10);  // every third call
  for (uint64_t id : Ids(unsuccessful)) EXPECT_EQ(id % 3, 0u);
  const std::string from = Rfc3339(pbx.env.now_ms - 10 * 60'000);
  const std::string to = Rfc3339(pbx.env.now_ms - 5 * 60'000);
  EXPECT_THAT(Ids(pbx.Get(pbx.call_data, path_ + "/calls?from=" + from + "&to=" + to)),
              ElementsAre(6, 7, 8, 9, 10));
  http::Response typed =
      pbx.Get(pbx.call_data, path_ + "/calls?call_type=private&direction=incoming");
  EXPECT_GE(Body(typed).at("total").as_int64(), 1);  // call 1 at least
  const boost::json::value typed_body = Body(typed);
  for (const auto& item : typed_body.at("items").as_array()) {
    EXPECT_EQ(item.at("call_type"), "private");
    EXPECT_EQ(item.at("direction"), "incoming");
  }
}

TEST_F(CallsApiTest, PagesAreStableAndSortableByDuration) {
  std::vector<store::CallRow> calls;
  for (uint64_t n = 1; n <= 12; ++n) calls.push_back(pbx.Call(n, static_cast<int64_t>(n)));
  pbx.IngestCalls("PBX-CALLS-1", calls);
  EXPECT_THAT(Ids(pbx.Get(pbx.call_data, path_ + "/calls?limit=3&offset=3")), ElementsAre(4, 5, 6));
  http::Response by_duration =
      pbx.Get(pbx.call_data, path_ + "/calls?sort=duration&order=asc&limit=500");
  int64_t last = -1;
  const boost::json::value sorted = Body(by_duration);
  for (const auto& item : sorted.at("items").as_array()) {
    EXPECT_GE(item.at("duration_s").as_int64(), last);
    last = item.at("duration_s").as_int64();
  }
}

TEST_F(CallsApiTest, CallsOlderThanThirtyDaysAreOutsideTheDefaultWindow) {
  pbx.IngestCalls("PBX-CALLS-1", {pbx.Call(1, 31 * 24 * 60), pbx.Call(2, 29 * 24 * 60)});
  EXPECT_THAT(Ids(pbx.Get(pbx.call_data, path_ + "/calls")), ElementsAre(2));
}

TEST_F(CallsApiTest, TheTotalIsCappedBeyondTheLimit) {
  std::vector<store::CallRow> calls;
  for (uint64_t n = 1; n <= kCallTotalLimit + 5; ++n) {
    calls.push_back(pbx.Call(n, static_cast<int64_t>(n % 1000)));
    if (calls.size() == 2000) {
      pbx.IngestCalls("PBX-CALLS-1", calls);
      calls.clear();
    }
  }
  pbx.IngestCalls("PBX-CALLS-1", calls);
  const boost::json::value body = Body(pbx.Get(pbx.call_data, path_ + "/calls?limit=1"));
  EXPECT_EQ(body.at("total"), kCallTotalLimit);
  EXPECT_EQ(body.at("total_capped"), true);
}

TEST_F(CallsApiTest, BadParametersAreInvalid) {
  for (const char* query : {"?from=yesterday", "?limit=501", "?result=maybe", "?direction=up",
                            "?sort=name", "?system_id=1", "?nonsense=1"}) {
    ExpectAnswer(pbx.Get(pbx.call_data, path_ + "/calls" + query), 400, "invalid_parameter");
  }
  ExpectAnswer(pbx.Get(pbx.call_data, path_ + "/calls.csv?limit=5"), 400, "invalid_parameter");
}

// --- the export ------------------------------------------------------------------------------

TEST_F(CallsApiTest, TheExportIsAnAttachmentNamedGesprDatCsv) {
  http::Response response = pbx.Get(pbx.call_data, path_ + "/calls.csv");
  ExpectAnswer(response, 200);
  EXPECT_EQ(response.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(HeaderValue(response, "content-disposition"), "attachment; filename=\"gespr_dat.csv\"");
  EXPECT_EQ(pbx.Stream(response).rfind(std::string(kBom) + "Call ID,Start (UTC),", 0), 0u);
}

TEST_F(CallsApiTest, AGermanUserGetsTheGermanHeadAndSemicolons) {
  testing::Must(pbx.env.directory().SetLanguage(pbx.call_data, "de", testing::OperatorActor()));
  pbx.IngestCalls("PBX-CALLS-1", {pbx.Call(1, 1)});
  const std::string csv = pbx.Stream(pbx.Get(pbx.call_data, path_ + "/calls.csv"));
  EXPECT_EQ(csv.rfind(std::string(kBom) + "Datensatz-Nr.;Beginn (UTC);Dauer (s);", 0), 0u) << csv;
  ASSERT_EQ(Rows(csv).size(), 1u);
  EXPECT_EQ(Rows(csv)[0].rfind("1;", 0), 0u);
}

TEST_F(CallsApiTest, TheExportQuotesAndNeutralisesWhatASpreadsheetWouldMisread) {
  store::CallRow call = pbx.Call(1, 1);
  call.external_name = "Smith, \"Bob\"";
  call.billing_name = "=HYPERLINK(\"http://evil\")";
  call.real_name = "two\nlines";
  call.call_type = "@risk";
  call.own_number = "-1";
  pbx.IngestCalls("PBX-CALLS-1", {call});
  const std::string csv = pbx.Stream(pbx.Get(pbx.call_data, path_ + "/calls.csv"));
  EXPECT_NE(csv.find(",\"Smith, \"\"Bob\"\"\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://evil\"\")\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",\"two\nlines\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'-1,'@risk\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'+49301"), std::string::npos) << csv;
}

TEST_F(CallsApiTest, TheExportHoldsEveryMatchingRowOnce) {
  std::vector<store::CallRow> calls;
  for (uint64_t n = 1; n <= 1500; ++n) calls.push_back(pbx.Call(n, static_cast<int64_t>(n)));
  pbx.IngestCalls("PBX-CALLS-1", calls);
  const std::string csv =
      pbx.Stream(pbx.Get(pbx.call_data, path_ + "/calls.csv?result=successful&order=asc"));
  std::vector<std::string> rows = Rows(csv);
  std::set<uint64_t> ids;
  for (const std::string& row : rows) ids.insert(std::stoull(row.substr(0, row.find(','))));
  EXPECT_EQ(rows.size(), 1000u);  // every third of 1,500 is unsuccessful
  EXPECT_EQ(ids.size(), rows.size());
  EXPECT_EQ(std::stoull(rows.front()), 1499u);  // oldest first: 1,499 minutes ago
}

TEST_F(CallsApiTest, EachExportIsAuditedBeforeTheFirstByte) {
  http::Response response = pbx.Get(pbx.call_data, path_ + "/calls.csv?q=0301");
  ExpectAnswer(response, 200);
  std::vector<directory::AuditEntry> audits = ExportAudits();
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0].actor, "call-data@example.com");
  EXPECT_EQ(audits[0].target_type, "system");
  EXPECT_EQ(audits[0].target_id, std::to_string(system_));
  const boost::json::value details = boost::json::parse(audits[0].details_json);
  EXPECT_EQ(details.at("q"), "0301");
  pbx.Stream(response);
}

TEST_F(CallsApiTest, ARefusedOrHeadExportIsNotAudited) {
  ExpectAnswer(pbx.Get(pbx.monitoring, path_ + "/calls.csv"), 403);
  ExpectAnswer(pbx.Get(pbx.call_data, path_ + "/calls.csv?from=x"), 400);
  ExpectAnswer(pbx.env.CallAs(pbx.call_data, http::Method::kHead, path_ + "/calls.csv"), 200);
  EXPECT_TRUE(ExportAudits().empty());
}

TEST(CallsExportBusy, ExportsBeyondThePoolAreBusyUntilOneEnds) {
  CallExportOptions options;
  options.max_concurrent = 1;
  PbxDataEnv pbx(options);
  const std::string path =
      "/api/v1/systems/" + std::to_string(pbx.MakeSystem("PBX-BUSY-1")) + "/calls.csv";
  http::Response first = pbx.Get(pbx.call_data, path);
  ExpectAnswer(first, 200);
  http::Response second = pbx.Get(pbx.call_data, path);
  ExpectAnswer(second, 503, "export_busy");
  EXPECT_FALSE(HeaderValue(second, "retry-after").empty());
  pbx.Stream(first);
  first = http::Response();  // the handed-out stream callback held the slot
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  http::Response third;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    third = pbx.Get(pbx.call_data, path);
  } while (third.status == 503 && std::chrono::steady_clock::now() < until);
  ExpectAnswer(third, 200);
}

// --- fleet views ---------------------------------------------------------------------------

class FleetCallsTest : public CallsApiTest {
 protected:
  void SetUp() override {
    CallsApiTest::SetUp();
    without_maintenance_ = pbx.MakeSystem("PBX-CALLS-2", false);
    pbx.IngestCalls("PBX-CALLS-1", {pbx.Call(1, 10), pbx.Call(2, 5)});
    pbx.IngestCalls("PBX-CALLS-2", {pbx.Call(3, 7)});
    pbx.IngestCalls("STRANGER-1", {pbx.Call(4, 6)});
  }
  int64_t without_maintenance_ = 0;
};

TEST_F(FleetCallsTest, OnlySystemsWithCallDataAllowedAreListed) {
  http::Response response = pbx.Get(pbx.call_data, "/api/v1/fleet/calls");
  ExpectAnswer(response, 200);
  EXPECT_THAT(Ids(response), ElementsAre(2, 1));
  const boost::json::object system = Body(response).at("items").at(0).at("system").as_object();
  EXPECT_EQ(system.at("id"), system_);
  EXPECT_EQ(system.at("serial"), "PBX-CALLS-1");
  EXPECT_EQ(system.at("name"), "PBX PBX-CALLS-1");
}

TEST_F(FleetCallsTest, AMonitoringOnlyUserSeesAnEmptyFleet) {
  http::Response response = pbx.Get(pbx.monitoring, "/api/v1/fleet/calls");
  ExpectAnswer(response, 200);
  EXPECT_EQ(Body(response).at("total"), 0);
}

TEST_F(FleetCallsTest, SystemIdNarrowsTheFleetAndNeverOpensAnotherCompany) {
  EXPECT_THAT(Ids(pbx.Get(pbx.owner, "/api/v1/fleet/calls?system_id=" + std::to_string(system_))),
              ElementsAre(2, 1));
  EXPECT_TRUE(Ids(pbx.Get(pbx.owner,
                          "/api/v1/fleet/calls?system_id=" + std::to_string(pbx.stranger_system)))
                  .empty());
}

TEST_F(FleetCallsTest, TheFleetExportNamesTheSystemOfEveryRow) {
  http::Response response = pbx.Get(pbx.call_data, "/api/v1/fleet/calls.csv?order=asc");
  ExpectAnswer(response, 200);
  const std::string csv = pbx.Stream(response);
  EXPECT_EQ(csv.rfind(std::string(kBom) + "System,Serial number,Call ID,", 0), 0u);
  std::vector<std::string> rows = Rows(csv);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].rfind("PBX PBX-CALLS-1,PBX-CALLS-1,1,", 0), 0u) << rows[0];
  EXPECT_EQ(rows[1].rfind("PBX PBX-CALLS-1,PBX-CALLS-1,2,", 0), 0u) << rows[1];
  std::vector<directory::AuditEntry> audits = ExportAudits();
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0].target_type, "fleet");
}

}  // namespace
}  // namespace ccc::relay::api
