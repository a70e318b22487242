#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "relay/directory/directory.h"
#include "relay/directory/directory_test_util.h"

namespace ccc::relay::directory {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DirectoryNews : public testutil::DirectoryTest {
 protected:
  std::vector<std::string> Titles(const ListQuery& query = {}) {
    auto page = dir().ListNews(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> titles;
    if (page.ok()) {
      for (const NewsItem& item : page->items) titles.push_back(item.title);
    }
    return titles;
  }

  Status AddError(const std::string& title, const std::string& body) {
    auto added = dir().AddNews(title, body, kNow, OperatorActor());
    return added.ok() ? Status::Ok() : added.status();
  }
};

TEST_F(DirectoryNews, ListsNewestFirstWithTheTotal) {
  ASSERT_TRUE(dir().AddNews("Old", "a", kNow, OperatorActor()).ok());
  ASSERT_TRUE(dir().AddNews("New", "b", kNow + 1, OperatorActor()).ok());
  ASSERT_TRUE(dir().AddNews("Same time, later id", "c", kNow + 1, OperatorActor()).ok());
  EXPECT_THAT(Titles(), ElementsAre("Same time, later id", "New", "Old"));
  ListQuery page;
  page.limit = 1;
  page.offset = 2;
  auto listed = dir().ListNews(page);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->total, 3);
  EXPECT_EQ(listed->items.at(0).title, "Old");
}

TEST_F(DirectoryNews, QMatchesTitleAndBodyWithWildcardsTakenLiterally) {
  ASSERT_TRUE(dir().AddNews("100% uptime", "x", kNow, OperatorActor()).ok());
  ASSERT_TRUE(dir().AddNews("Plain", "nothing 100 here", kNow, OperatorActor()).ok());
  ASSERT_TRUE(dir().AddNews("Other", "also 100% in the body", kNow, OperatorActor()).ok());
  ListQuery query;
  query.q = "100%";
  EXPECT_THAT(Titles(query), ElementsAre("Other", "100% uptime"));
}

TEST_F(DirectoryNews, AddingAndRemovingIsAuditedForNoCompany) {
  const int64_t company = MakeCompany();
  const int64_t start = *dir().LastAuditId();
  Actor actor{std::nullopt, company, "operator", ""};
  auto id = dir().AddNews("Title", "Body", kNow, actor);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(dir().RemoveNews(*id, actor).ok());
  auto rows = dir().AuditEntriesAfter(start, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].action, "news.add");
  EXPECT_EQ((*rows)[0].target_type, "news");
  EXPECT_EQ((*rows)[0].target_id, std::to_string(*id));
  EXPECT_FALSE((*rows)[0].company_id.has_value());
  EXPECT_EQ((*rows)[1].action, "news.remove");
  EXPECT_FALSE((*rows)[1].company_id.has_value());
  EXPECT_TRUE(Titles().empty());
}

TEST_F(DirectoryNews, RemovingAnUnknownItemIsNotFound) {
  EXPECT_EQ(dir().RemoveNews(12345, OperatorActor()).code(), StatusCode::kNotFound);
}

TEST_F(DirectoryNews, RefusesTextsThatBreakTheRules) {
  EXPECT_EQ(AddError(" ", "body").code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(AddError("Title", "\n\n").message(), HasSubstr("body must not be empty"));
  EXPECT_THAT(AddError("Bad \xC3(", "body").message(), HasSubstr("title is not valid UTF-8"));
  EXPECT_THAT(AddError("Title", "bell\x07").message(), HasSubstr("control characters"));
  EXPECT_THAT(AddError("Tab\tbed", "body").message(), HasSubstr("control characters"));
  EXPECT_TRUE(AddError("Title", "Line\r\nand\ttab").ok());
  EXPECT_TRUE(AddError(std::string(200, 'x'), std::string(20000, 'y')).ok());
  EXPECT_FALSE(AddError(std::string(201, 'x'), "body").ok());
}

}  // namespace
}  // namespace ccc::relay::directory
