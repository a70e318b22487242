#include "relay/admin/news_commands.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <ctime>
#include <fstream>
#include <ostream>
#include <sstream>

#include "relay/admin/admin_cli.h"

namespace ccc::relay::admin {
namespace {

constexpr int64_t kPageSize = 1000;

directory::Actor Operator() { return directory::Actor{std::nullopt, std::nullopt, "operator", ""}; }

std::string Utc(int64_t unix_ms) {
  auto time = static_cast<std::time_t>(unix_ms / 1000);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char buffer[32];
  std::size_t length = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return std::string(buffer, length);
}

// The body from --body or --body-file; nullopt after a message on err.
std::optional<std::string> ReadBody(const NewsCommand& command, std::ostream& err) {
  const bool from_file = !command.body_file.empty();
  if (command.body.has_value() == from_file) {
    err << "news add needs exactly one of --body TEXT and --body-file FILE\n";
    return std::nullopt;
  }
  if (!from_file) return *command.body;
  std::ifstream file(command.body_file, std::ios::binary);
  if (!file) {
    err << "cannot read --body-file " << command.body_file << "\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    err << "cannot read --body-file " << command.body_file << "\n";
    return std::nullopt;
  }
  std::string body = std::move(text).str();
  // Editors end files with a line break; it is no part of the message.
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  return body;
}

}  // namespace

int NewsAdd(directory::Directory& directory, const NewsCommand& command, int64_t now_ms,
            std::ostream& out, std::ostream& err) {
  std::optional<std::string> body = ReadBody(command, err);
  if (!body) return kExitUsage;
  auto id = directory.AddNews(command.title, *body, now_ms, Operator());
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kInvalidArgument) {
      err << "news add: " << id.status().message() << "\n";
      return kExitUsage;
    }
    err << "cannot add the news item: " << id.status().ToString() << "\n";
    return kExitFailure;
  }
  out << "added news " << *id << ": " << command.title << "\n";
  return kExitOk;
}

int NewsList(directory::Directory& directory, bool json, std::ostream& out, std::ostream& err) {
  std::vector<directory::NewsItem> items;
  for (int64_t offset = 0;; offset += kPageSize) {
    directory::ListQuery query;
    query.limit = kPageSize;
    query.offset = offset;
    auto page = directory.ListNews(query);
    if (!page.ok()) {
      err << "cannot list the news: " << page.status().ToString() << "\n";
      return kExitFailure;
    }
    items.insert(items.end(), page->items.begin(), page->items.end());
    if (static_cast<int64_t>(page->items.size()) < kPageSize) break;
  }
  if (json) {
    boost::json::array list;
    for (const directory::NewsItem& item : items) {
      list.emplace_back(boost::json::object{{"id", item.id},
                                            {"title", item.title},
                                            {"body", item.body},
                                            {"published_at", Utc(item.published_ms)},
                                            {"created_by", item.created_by}});
    }
    out << boost::json::serialize(list) << "\n";
    return kExitOk;
  }
  for (const directory::NewsItem& item : items) {
    out << item.id << '\t' << Utc(item.published_ms) << '\t' << item.title << '\n';
  }
  return kExitOk;
}

int NewsRemove(directory::Directory& directory, int64_t id, std::ostream& out, std::ostream& err) {
  if (id <= 0) {
    err << "news remove needs --id N with the item's id (see news list)\n";
    return kExitUsage;
  }
  Status removed = directory.RemoveNews(id, Operator());
  if (removed.code() == StatusCode::kNotFound) {
    err << "there is no news item " << id << "\n";
    return kExitFailure;
  }
  if (!removed.ok()) {
    err << "cannot remove news item " << id << ": " << removed.ToString() << "\n";
    return kExitFailure;
  }
  out << "removed news " << id << "\n";
  return kExitOk;
}

int RunNewsCommand(directory::Directory& directory, const NewsCommand& command, int64_t now_ms,
                   std::ostream& out, std::ostream& err) {
  if (command.verb == "add") return NewsAdd(directory, command, now_ms, out, err);
  if (command.verb == "list") return NewsList(directory, command.json, out, err);
  if (command.verb == "remove") return NewsRemove(directory, command.id, out, err);
  err << "unknown command 'news " << command.verb << "'\n";
  return kExitUsage;
}

void AddNewsCommands(CLI::App& admin, NewsCommand& command) {
  CLI::App* news = admin.add_subcommand("news", "News every company's users read");
  news->require_subcommand(1);
  CLI::App* add = news->add_subcommand("add", "Publish a news item now");
  add->add_option("--title", command.title, "Title, one line (1..200 characters)")->required();
  CLI::Option* body = add->add_option("--body", command.body, "Text (1..20000 characters)");
  CLI::Option* body_file =
      add->add_option("--body-file", command.body_file, "Read the text from this file");
  body->excludes(body_file);
  add->callback([&command] { command.verb = "add"; });
  CLI::App* list = news->add_subcommand("list", "List the news, newest first");
  list->add_flag("--json", command.json, "Print a JSON array");
  list->callback([&command] { command.verb = "list"; });
  CLI::App* remove = news->add_subcommand("remove", "Withdraw a news item");
  remove->add_option("--id", command.id, "The item's id (see news list)")->required();
  remove->callback([&command] { command.verb = "remove"; });
}

}  // namespace ccc::relay::admin
