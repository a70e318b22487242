#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "relay/directory/directory.h"
#include "relay/directory/directory_test_util.h"

namespace ccc::relay::directory {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DirectoryRetention : public testutil::DirectoryTest {};

TEST_F(DirectoryRetention, NewCompaniesKeepCallDataForNinetyDays) {
  const int64_t company = MakeCompany();
  EXPECT_EQ(*dir().GetCallRetentionDays(company), kDefaultCallRetentionDays);
}

TEST_F(DirectoryRetention, SettingTheRetentionIsStoredAndAudited) {
  const int64_t company = MakeCompany();
  ASSERT_TRUE(dir().SetCallRetentionDays(company, 30, OperatorActor()).ok());
  EXPECT_EQ(*dir().GetCallRetentionDays(company), 30);
  auto entries = dir().AuditEntriesAfter(0, 100);
  ASSERT_TRUE(entries.ok());
  ASSERT_FALSE(entries->empty());
  const AuditEntry& last = entries->back();
  EXPECT_EQ(last.action, "company.call_retention");
  EXPECT_EQ(last.company_id, company);
  EXPECT_EQ(last.target_id, std::to_string(company));
  EXPECT_THAT(last.details_json, HasSubstr("\"days\":30"));
  EXPECT_THAT(last.details_json, HasSubstr("\"previous\":90"));
}

TEST_F(DirectoryRetention, RetentionOutsideOneToTenYearsIsRefused) {
  const int64_t company = MakeCompany();
  for (int days : {0, -1, 3651}) {
    EXPECT_EQ(dir().SetCallRetentionDays(company, days, OperatorActor()).code(),
              StatusCode::kInvalidArgument)
        << days;
  }
  EXPECT_TRUE(dir().SetCallRetentionDays(company, 3650, OperatorActor()).ok());
  EXPECT_TRUE(dir().SetCallRetentionDays(company, 1, OperatorActor()).ok());
}

TEST_F(DirectoryRetention, UnknownCompanyIsNotFound) {
  EXPECT_EQ(dir().SetCallRetentionDays(4242, 30, OperatorActor()).code(), StatusCode::kNotFound);
  EXPECT_EQ(dir().GetCallRetentionDays(4242).status().code(), StatusCode::kNotFound);
}

TEST_F(DirectoryRetention, ListNamesEveryCompanyWithItsSystemsSerials) {
  const int64_t a = MakeCompany("Alpha");
  const int64_t b = MakeCompany("Beta");
  const int64_t empty = MakeCompany("Empty");
  const int64_t owner_a = MakeUser(a);
  const int64_t owner_b = MakeUser(b);
  MakeSystem(a, owner_a, "SN-A-2");
  MakeSystem(a, owner_a, "SN-A-1");
  MakeSystem(b, owner_b, "SN-B-1");
  ASSERT_TRUE(dir().SetCallRetentionDays(b, 7, OperatorActor()).ok());
  auto list = dir().ListCallRetention();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].company_id, a);
  EXPECT_EQ((*list)[0].days, 90);
  EXPECT_THAT((*list)[0].serials, ElementsAre("SN-A-1", "SN-A-2"));
  EXPECT_EQ((*list)[1].company_name, "Beta");
  EXPECT_EQ((*list)[1].days, 7);
  EXPECT_THAT((*list)[1].serials, ElementsAre("SN-B-1"));
  EXPECT_EQ((*list)[2].company_id, empty);
  EXPECT_TRUE((*list)[2].serials.empty());
}

}  // namespace
}  // namespace ccc::relay::directory
