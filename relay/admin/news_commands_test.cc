#include "relay/admin/news_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "relay/admin/admin_cli.h"
#include "relay/directory/directory_test_util.h"

namespace ccc::relay::admin {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

class NewsCommands : public directory::testutil::DirectoryTest {
 protected:
  NewsCommand Add(std::string title, std::string body) {
    NewsCommand command;
    command.verb = "add";
    command.title = std::move(title);
    command.body = std::move(body);
    return command;
  }

  std::vector<directory::NewsItem> AllNews() {
    auto page = dir().ListNews(directory::ListQuery{});
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<directory::NewsItem>{};
  }

  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(NewsCommands, AddPublishesTheItemNow) {
  EXPECT_EQ(NewsAdd(dir(), Add("Maintenance", "Sunday night"), kNow, out_, err_), kExitOk);
  auto news = AllNews();
  ASSERT_EQ(news.size(), 1u);
  EXPECT_EQ(news[0].title, "Maintenance");
  EXPECT_EQ(news[0].body, "Sunday night");
  EXPECT_EQ(news[0].published_ms, kNow);
  EXPECT_EQ(news[0].created_by, "operator");
  EXPECT_THAT(out_.str(), HasSubstr("added news " + std::to_string(news[0].id)));
}

TEST_F(NewsCommands, AddReadsTheBodyFromAFileWithoutItsFinalLineBreak) {
  const auto path = dir_ / "body.txt";
  std::ofstream(path) << "Line one\nLine two\n";
  NewsCommand command;
  command.verb = "add";
  command.title = "From a file";
  command.body_file = path.string();
  ASSERT_EQ(NewsAdd(dir(), command, kNow, out_, err_), kExitOk) << err_.str();
  EXPECT_EQ(AllNews().at(0).body, "Line one\nLine two");
}

TEST_F(NewsCommands, AddRefusesAMissingBodyFile) {
  NewsCommand command;
  command.verb = "add";
  command.title = "Nothing";
  command.body_file = (dir_ / "missing.txt").string();
  EXPECT_EQ(NewsAdd(dir(), command, kNow, out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("cannot read --body-file"));
  EXPECT_THAT(AllNews(), IsEmpty());
}

TEST_F(NewsCommands, AddNeedsExactlyOneBodySource) {
  NewsCommand command;
  command.verb = "add";
  command.title = "No body";
  EXPECT_EQ(NewsAdd(dir(), command, kNow, out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("exactly one of --body"));
}

TEST_F(NewsCommands, AddExplainsTitleAndBodyRules) {
  EXPECT_EQ(NewsAdd(dir(), Add(std::string(201, 't'), "body"), kNow, out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("title must be at most 200 characters"));
  EXPECT_EQ(NewsAdd(dir(), Add("", "body"), kNow, out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("title must not be empty"));
  EXPECT_EQ(NewsAdd(dir(), Add("Title", std::string(20001, 'b')), kNow, out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("body must be at most 20000 characters"));
  EXPECT_EQ(NewsAdd(dir(), Add("Two\nlines", "body"), kNow, out_, err_), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("title must not contain control characters"));
  EXPECT_THAT(AllNews(), IsEmpty());
}

TEST_F(NewsCommands, TheLimitsCountCharactersNotBytes) {
  std::string title;
  for (int i = 0; i < 200; ++i) title += "\xC3\xA4";  // "ä": two bytes, one character
  EXPECT_EQ(NewsAdd(dir(), Add(title, "body"), kNow, out_, err_), kExitOk) << err_.str();
}

TEST_F(NewsCommands, ListPrintsNewestFirst) {
  ASSERT_EQ(NewsAdd(dir(), Add("Older", "a"), kNow, out_, err_), kExitOk);
  ASSERT_EQ(NewsAdd(dir(), Add("Newer", "b"), kNow + 1000, out_, err_), kExitOk);
  std::ostringstream listed;
  ASSERT_EQ(NewsList(dir(), false, listed, err_), kExitOk);
  EXPECT_LT(listed.str().find("Newer"), listed.str().find("Older"));
  EXPECT_THAT(listed.str(), HasSubstr("\t2023-11-14T22:13:21Z\tNewer\n"));
}

TEST_F(NewsCommands, ListAsJsonHasEveryField) {
  ASSERT_EQ(NewsAdd(dir(), Add("Title", "Body"), kNow, out_, err_), kExitOk);
  std::ostringstream listed;
  ASSERT_EQ(NewsList(dir(), true, listed, err_), kExitOk);
  auto items = boost::json::parse(listed.str()).as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("title").as_string(), "Title");
  EXPECT_EQ(items[0].at("body").as_string(), "Body");
  EXPECT_EQ(items[0].at("published_at").as_string(), "2023-11-14T22:13:20Z");
  EXPECT_EQ(items[0].at("created_by").as_string(), "operator");
}

TEST_F(NewsCommands, RemoveWithdrawsTheItem) {
  ASSERT_EQ(NewsAdd(dir(), Add("Gone soon", "x"), kNow, out_, err_), kExitOk);
  const int64_t id = AllNews().at(0).id;
  EXPECT_EQ(NewsRemove(dir(), id, out_, err_), kExitOk);
  EXPECT_THAT(AllNews(), IsEmpty());
  EXPECT_EQ(NewsRemove(dir(), id, out_, err_), kExitFailure);
  EXPECT_THAT(err_.str(), HasSubstr("there is no news item"));
}

TEST_F(NewsCommands, TheCommandLineChoosesTheVerb) {
  CLI::App app;
  CLI::App* admin = app.add_subcommand("admin");
  NewsCommand command;
  AddNewsCommands(*admin, command);
  app.parse("admin news add --title Hello --body World", /*program_name_included=*/false);
  EXPECT_EQ(command.verb, "add");
  EXPECT_EQ(command.title, "Hello");
  EXPECT_EQ(command.body, "World");
}

}  // namespace
}  // namespace ccc::relay::admin
