#include "relay/admin/system_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "relay/admin/admin_cli.h"
#include "relay/directory/directory_test_util.h"

namespace ccc::relay::admin {
namespace {

using ::testing::HasSubstr;

class SystemCommands : public directory::testutil::DirectoryTest {
 protected:
  void SetUp() override {
    DirectoryTest::SetUp();
    company_ = MakeCompany("Acme");
    owner_ = MakeUser(company_, "owner@acme.example");
    system_ = MakeSystem(company_, owner_, "PBX-0001", "Head office");
  }

  std::optional<int64_t> MaintenanceUntil() {
    auto system = dir().GetSystem(system_);
    EXPECT_TRUE(system.ok() && system->has_value());
    return (*system)->maintenance_until_ms;
  }

  std::ostringstream out_;
  std::ostringstream err_;
  int64_t company_ = 0;
  int64_t owner_ = 0;
  int64_t system_ = 0;
};

TEST(MaintenanceEndMs, IsMidnightUtcAfterTheGivenDay) {
  EXPECT_EQ(MaintenanceEndMs("2026-12-31"), int64_t{1798761600000});  // 2027-01-01T00:00Z
  EXPECT_EQ(MaintenanceEndMs("2024-02-29"), int64_t{1709251200000});  // 2024-03-01T00:00Z
}

TEST(MaintenanceEndMs, RefusesAnythingButARealDate) {
  for (const char* bad : {"2023-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026/01/01",
                          "1969-12-31", "2026-01-01T00:00", "", "tomorrow"}) {
    EXPECT_FALSE(MaintenanceEndMs(bad).has_value()) << bad;
  }
}

TEST_F(SystemCommands, MaintenanceUntilADateRunsThroughThatDay) {
  EXPECT_EQ(SystemMaintenance(dir(), "PBX-0001", "2026-12-31", out_, err_), kExitOk);
  EXPECT_EQ(MaintenanceUntil(), int64_t{1798761600000});
  EXPECT_THAT(out_.str(), HasSubstr("2027-01-01T00:00:00Z"));
}

TEST_F(SystemCommands, MaintenanceOffClearsIt) {
  ASSERT_EQ(SystemMaintenance(dir(), "PBX-0001", "2026-12-31", out_, err_), kExitOk);
  EXPECT_EQ(SystemMaintenance(dir(), "PBX-0001", std::nullopt, out_, err_), kExitOk);
  EXPECT_FALSE(MaintenanceUntil().has_value());
}

TEST_F(SystemCommands, MaintenanceIsAuditedAsTheOperator) {
  ASSERT_EQ(SystemMaintenance(dir(), "PBX-0001", "2026-12-31", out_, err_), kExitOk);
  bool found = false;
  for (const directory::AuditEntry& entry : AuditOf(company_)) {
    if (entry.action == "system.maintenance") found = entry.actor == "operator";
  }
  EXPECT_TRUE(found);
}

TEST_F(SystemCommands, MaintenanceOfAnUnknownSerialFails) {
  EXPECT_EQ(SystemMaintenance(dir(), "PBX-9999", "2026-12-31", out_, err_), kExitFailure);
  EXPECT_THAT(err_.str(), HasSubstr("PBX-9999"));
}

TEST_F(SystemCommands, MaintenanceWithABadDateIsAUsageErrorAndChangesNothing) {
  EXPECT_EQ(SystemMaintenance(dir(), "PBX-0001", "31.12.2026", out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("YYYY-MM-DD"));
  EXPECT_FALSE(MaintenanceUntil().has_value());
}

TEST_F(SystemCommands, FirmwareMinimumIsSetShownAndCleared) {
  EXPECT_EQ(FirmwareMinimum(dir(), "2.6.6", out_, err_), kExitOk);
  EXPECT_EQ(*dir().MinimumFirmware(), "2.6.6");
  EXPECT_EQ(FirmwareMinimum(dir(), std::nullopt, out_, err_), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("minimum firmware 2.6.6"));
  EXPECT_EQ(FirmwareMinimum(dir(), "", out_, err_), kExitOk);
  EXPECT_EQ(*dir().MinimumFirmware(), "");
}

TEST_F(SystemCommands, FirmwareMinimumRefusesAMalformedVersion) {
  EXPECT_EQ(FirmwareMinimum(dir(), "2.x", out_, err_), kExitUsage);
  EXPECT_EQ(*dir().MinimumFirmware(), "");
}

TEST_F(SystemCommands, ListShowsEverySystemOfEveryCompany) {
  const int64_t other = MakeCompany("Other");
  MakeSystem(other, MakeUser(other, "x@other.example"), "PBX-0002", "Branch");
  ASSERT_EQ(SystemList(dir(), false, out_, err_), kExitOk);
  EXPECT_EQ(out_.str(), std::to_string(system_) +
                            "\tPBX-0001\tHead office\tAcme\towner@acme.example\tunpaired\t-\t-\n" +
                            std::to_string(system_ + 1) +
                            "\tPBX-0002\tBranch\tOther\tx@other.example\tunpaired\t-\t-\n");
}

TEST_F(SystemCommands, ListAsJsonHasNullsForAbsentValues) {
  ASSERT_EQ(SystemList(dir(), true, out_, err_), kExitOk);
  auto items = boost::json::parse(out_.str()).as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("serial").as_string(), "PBX-0001");
  EXPECT_EQ(items[0].at("company").as_string(), "Acme");
  EXPECT_FALSE(items[0].at("paired").as_bool());
  EXPECT_TRUE(items[0].at("maintenance_until").is_null());
}

}  // namespace
}  // namespace ccc::relay::admin
