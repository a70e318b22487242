#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "relay/directory/directory.h"
#include "relay/directory/directory_test_util.h"

namespace ccc::relay::directory {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

class DirectoryEvents : public testutil::DirectoryTest {};

TEST_F(DirectoryEvents, LastAuditIdIsZeroForAnEmptyLogAndThenTheNewestRow) {
  auto empty = dir().LastAuditId();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, 0);
  MakeCompany("Acme");
  auto entries = dir().AuditEntriesAfter(0, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_FALSE(entries->empty());
  EXPECT_EQ(*dir().LastAuditId(), entries->back().id);
}

TEST_F(DirectoryEvents, AuditEntriesAfterGivesNewerRowsOfEveryCompanyOldestFirst) {
  const int64_t start = *dir().LastAuditId();
  const int64_t acme = MakeCompany("Acme");
  const int64_t other = MakeCompany("Other");
  const int64_t user = MakeUser(other, "u@other.example");
  auto all = dir().AuditEntriesAfter(start, 100);
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(
      *all, ElementsAre(Field(&AuditEntry::company_id, acme), Field(&AuditEntry::company_id, other),
                        Field(&AuditEntry::target_id, std::to_string(user))));
  auto limited = dir().AuditEntriesAfter(start, 2);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 2u);
  auto rest = dir().AuditEntriesAfter(limited->back().id, 100);
  ASSERT_TRUE(rest.ok());
  EXPECT_THAT(*rest, ElementsAre(Field(&AuditEntry::action, "user.create")));
}

TEST_F(DirectoryEvents, SystemDevicesJoinsTheIngestFactsToTheirSystems) {
  const int64_t company = MakeCompany();
  const int64_t owner = MakeUser(company);
  const int64_t reported = MakeSystem(company, owner, "PBX-REF-1");
  MakeSystem(company, owner, "PBX-REF-2");  // no device row yet
  ReportDevice("PBX-REF-1", true, kNow, R"({"firmware":"2.6.6"})");
  ReportDevice("PBX-NO-SYSTEM", true, kNow);
  auto devices = dir().SystemDevices();
  ASSERT_TRUE(devices.ok()) << devices.status().ToString();
  ASSERT_EQ(devices->size(), 1u);
  const SystemDevice& device = devices->front();
  EXPECT_EQ(device.system_id, reported);
  EXPECT_EQ(device.company_id, company);
  EXPECT_EQ(device.serial, "PBX-REF-1");
  EXPECT_TRUE(device.online);
  EXPECT_EQ(device.registered_ms, kNow);
  EXPECT_EQ(device.sysinfo_json, R"({"firmware":"2.6.6"})");
}

TEST_F(DirectoryEvents, SystemDevicesIsEmptyBeforeTheIngestStoreExists) {
  const int64_t company = MakeCompany();
  MakeSystem(company, MakeUser(company), "PBX-EARLY-1");
  auto devices = dir().SystemDevices();
  ASSERT_TRUE(devices.ok()) << devices.status().ToString();
  EXPECT_TRUE(devices->empty());
}

}  // namespace
}  // namespace ccc::relay::directory
