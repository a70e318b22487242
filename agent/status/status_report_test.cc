#include "agent/status/status_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <sstream>

namespace ccc::agent::status {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class StatusReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("status_report_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "outbox.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<outbox::Outbox> OpenOutbox() {
    auto outbox = outbox::Outbox::Open({.path = path_, .synchronous_full = false});
    EXPECT_TRUE(outbox.ok()) << outbox.status().ToString();
    return std::move(*outbox);
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(StatusReportTest, MissingOutboxIsAClearErrorWithExitCodeOne) {
  std::ostringstream out, err;
  EXPECT_EQ(PrintStatus(path_, false, out, err), 1);
  EXPECT_THAT(err.str(), HasSubstr("no outbox at " + path_));
  EXPECT_EQ(out.str(), "");
}

TEST_F(StatusReportTest, ShowsConnectionAndPerStreamDepth) {
  {
    auto outbox = OpenOutbox();
    const outbox::NewRecord records[] = {{1'700'000'000'000, R"({"cpu_pct":1})"},
                                         {1'700'000'001'000, R"({"cpu_pct":2})"}};
    ASSERT_TRUE(outbox->Append("telemetry", records).ok());
    ASSERT_TRUE(outbox->SetState("uplink.connected", "1").ok());
    ASSERT_TRUE(outbox->SetState("uplink.last_change_ms", "1700000000000").ok());
  }
  std::ostringstream out, err;
  ASSERT_EQ(PrintStatus(path_, false, out, err), 0) << err.str();
  EXPECT_THAT(out.str(), HasSubstr("connected since 2023-11-14 22:13:20 UTC"));
  EXPECT_THAT(out.str(), HasSubstr("telemetry"));
  EXPECT_THAT(out.str(), HasSubstr("2023-11-14 22:13:20 UTC"));
}

TEST_F(StatusReportTest, JsonCarriesDepthOldestAndAcknowledgedSeq) {
  {
    auto outbox = OpenOutbox();
    const outbox::NewRecord records[] = {{1'000, "{}"}, {2'000, "{}"}, {3'000, "{}"}};
    ASSERT_TRUE(outbox->Append("events", records).ok());
    auto batch = outbox->NextBatch("events", 1, 1024);
    ASSERT_TRUE(batch.ok() && batch->has_value());
    ASSERT_TRUE(outbox->Acknowledge("events", (*batch)->range_hi, 5'000).ok());
    ASSERT_TRUE(outbox->SetState("uplink.connected", "0").ok());
    ASSERT_TRUE(outbox->SetState("uplink.last_error", "connect timed out").ok());
  }
  auto report = CollectStatus(path_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto json = boost::json::parse(FormatStatusJson(*report, 10'000)).as_object();
  EXPECT_EQ(json["connected"], false);
  EXPECT_EQ(json["last_error"], "connect timed out");
  auto& stream = json["streams"].as_array().at(0).as_object();
  EXPECT_EQ(stream["stream"], "events");
  EXPECT_EQ(stream["depth"].to_number<int64_t>(), 2);
  EXPECT_EQ(stream["oldest_unsent_ts_ms"].to_number<int64_t>(), 2'000);
  EXPECT_EQ(stream["oldest_unsent_age_ms"].to_number<int64_t>(), 8'000);
  EXPECT_EQ(stream["last_acked_seq"].to_number<int64_t>(), 1);
  EXPECT_EQ(stream["last_acked_at_ms"].to_number<int64_t>(), 5'000);
  EXPECT_EQ(stream["next_seq"].to_number<int64_t>(), 4);
}

TEST_F(StatusReportTest, AgentThatNeverRanShowsUnknownUplink) {
  { auto outbox = OpenOutbox(); }
  auto report = CollectStatus(path_);
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(FormatStatusText(*report, 0), HasSubstr("unknown"));
}

TEST_F(StatusReportTest, PairedAgentShowsCertificateNameExpiryAndBroker) {
  PairingSummary pairing{true, "pbx-001", 1'800'000'000'000, "mqtt.example.net:8883", ""};
  const std::string text = FormatPairingText(pairing, 1'700'000'000'000);
  EXPECT_THAT(text, HasSubstr("paired:   yes"));
  EXPECT_THAT(text, HasSubstr("CN pbx-001"));
  EXPECT_THAT(text, HasSubstr("valid until 2027-01-15"));
  EXPECT_THAT(text, HasSubstr("mqtt.example.net:8883"));
}

TEST_F(StatusReportTest, ExpiredCertificateIsCalledExpired) {
  PairingSummary pairing{true, "pbx-001", 1'600'000'000'000, "", ""};
  EXPECT_THAT(FormatPairingText(pairing, 1'700'000'000'000), HasSubstr("EXPIRED"));
}

TEST_F(StatusReportTest, UnpairedAgentSaysHowToPair) {
  EXPECT_THAT(FormatPairingText(PairingSummary{}, 0), HasSubstr("paired:   no"));
}

TEST_F(StatusReportTest, PairingLineIsShownEvenBeforeTheAgentRan) {
  std::ostringstream out, err;
  EXPECT_EQ(PrintStatus(path_, false, out, err, PairingSummary{}), 1);
  EXPECT_THAT(out.str(), HasSubstr("paired:   no"));
}

TEST_F(StatusReportTest, JsonCarriesPairing) {
  OpenOutbox();
  std::ostringstream out, err;
  PairingSummary pairing{true, "pbx-001", 1'800'000'000'000, "h:1", ""};
  ASSERT_EQ(PrintStatus(path_, true, out, err, pairing), 0) << err.str();
  const auto json = boost::json::parse(out.str()).as_object();
  EXPECT_EQ(json.at("pairing").at("paired").as_bool(), true);
  EXPECT_EQ(json.at("pairing").at("common_name").as_string(), "pbx-001");
  EXPECT_EQ(json.at("pairing").at("not_after_ms").as_int64(), 1'800'000'000'000);
}

}  // namespace
}  // namespace ccc::agent::status
