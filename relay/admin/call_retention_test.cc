#include "relay/admin/call_retention.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <sstream>

#include "relay/admin/account_commands.h"
#include "relay/admin/admin_cli.h"
#include "relay/directory/directory_test_util.h"

namespace ccc::relay::admin {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kDayMs = 24ll * 3600 * 1000;

class CallRetentionTest : public directory::testutil::DirectoryTest {
 protected:
  void SetUp() override {
    DirectoryTest::SetUp();
    auto store = store::OpenSqliteStore({(dir_ / "calls.db").string(), false});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  void TearDown() override {
    store_.reset();
    DirectoryTest::TearDown();
  }

  // Stores one call per age (days before kNow) for device, call ids 1, 2, ...
  void CallsAged(const std::string& device, std::initializer_list<int> ages_days) {
    ASSERT_TRUE(store_->RegisterDevice(device, kNow).ok());
    protocol::Batch batch;
    batch.device = device;
    batch.stream = "calls";
    batch.epoch = 1;
    batch.range_lo = 1;
    uint64_t id = 0;
    for (int age : ages_days) {
      ++id;
      batch.records.push_back(
          {id, kNow,
           R"({"id":)" + std::to_string(id) + R"(,"start_ms":)" +
               std::to_string(kNow - age * kDayMs) +
               R"(,"duration_s":1,"direction":"incoming","result":"successful"})"});
    }
    batch.range_hi = id;
    auto out = store_->IngestBatches({batch}, kNow);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_EQ(out->records_stored, id);
  }

  uint64_t CallCount(const std::string& device) {
    store::CallQuery q;
    q.filter.devices = {device};
    auto page = store_->Calls(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->total : 0;
  }

  std::unique_ptr<store::Store> store_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CallRetentionTest, SetCallRetentionChangesTheCompanysDays) {
  const int64_t company = MakeCompany("Acme");
  EXPECT_EQ(CompanySetCallRetention(dir(), "Acme", 30, out_, err_), kExitOk) << err_.str();
  EXPECT_EQ(*dir().GetCallRetentionDays(company), 30);
  EXPECT_THAT(out_.str(), HasSubstr("company Acme: call data kept for 30 days (was 90)"));
}

TEST_F(CallRetentionTest, SetCallRetentionNamesAnUnknownCompany) {
  EXPECT_EQ(CompanySetCallRetention(dir(), "Nobody", 30, out_, err_), kExitFailure);
  EXPECT_THAT(err_.str(), HasSubstr("no company named 'Nobody'"));
}

TEST_F(CallRetentionTest, SetCallRetentionRefusesDaysOutOfRange) {
  MakeCompany("Acme");
  EXPECT_EQ(CompanySetCallRetention(dir(), "Acme", 0, out_, err_), kExitUsage);
  EXPECT_EQ(CompanySetCallRetention(dir(), "Acme", 3651, out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--days must be 1..3650"));
}

TEST_F(CallRetentionTest, CommandLineFillsTheCommand) {
  CLI::App app;
  AccountCommand account;
  CallRetentionCommand retention;
  AddAccountCommands(app, account);
  AddCallRetentionCommands(app, retention);
  ASSERT_NO_THROW(app.parse(std::vector<std::string>{"14", "--days", "Acme", "--company",
                                                     "set-call-retention", "company"}));
  EXPECT_EQ(retention.verb, "set-call-retention");
  EXPECT_EQ(retention.company, "Acme");
  EXPECT_EQ(retention.days, 14);
  EXPECT_TRUE(account.noun.empty());
}

TEST_F(CallRetentionTest, ApplyDeletesOnlyEachCompanysOldCalls) {
  const int64_t short_keeper = MakeCompany("Short");
  const int64_t default_keeper = MakeCompany("Default");
  MakeSystem(short_keeper, MakeUser(short_keeper), "SN-SHORT");
  MakeSystem(default_keeper, MakeUser(default_keeper), "SN-DEFAULT");
  ASSERT_TRUE(dir().SetCallRetentionDays(short_keeper, 30, OperatorActor()).ok());
  CallsAged("SN-SHORT", {100, 60, 31, 29, 1});
  CallsAged("SN-DEFAULT", {100, 60, 31, 29, 1});
  CallsAged("NO-SYSTEM", {120, 91, 89});
  auto outcome = ApplyCallRetention(dir(), *store_, kNow);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(CallCount("SN-SHORT"), 2u);
  EXPECT_EQ(CallCount("SN-DEFAULT"), 4u);
  EXPECT_EQ(CallCount("NO-SYSTEM"), 1u);
  EXPECT_EQ(outcome->calls_removed, 3u + 1u + 2u);
  EXPECT_EQ(outcome->companies, 2u);
}

}  // namespace
}  // namespace ccc::relay::admin
