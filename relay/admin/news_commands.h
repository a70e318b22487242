#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "relay/directory/directory.h"

namespace CLI {
class App;
}

// Operator news (FEATURES I3), for `ccc-relay admin --config FILE news ...`:
//   news add --title T (--body B | --body-file F)   publish an item now
//   news list [--json]                               every item, newest first
//   news remove --id N                               withdraw an item
// Every company's users read the news (GET /api/v1/news; portals are told at once over
// /api/v1/events). Titles are 1..200 characters on one line, bodies 1..20000 characters
// (line breaks allowed; a --body-file's trailing line breaks are dropped); both UTF-8.
// Each function returns an exit code of relay/admin/admin_cli.h (kExitOk; kExitUsage for
// bad arguments, with the rule that was broken; kExitFailure when the item does not exist
// or the directory fails), prints its result on `out` and problems on `err`. Changes are
// audited as "operator". Blocking; for the CLI thread.
namespace ccc::relay::admin {

// What the command line asked for; filled by AddNewsCommands (or by hand in tests).
struct NewsCommand {
  std::string verb;  // "add", "list", "remove"; empty when no news command was given
  std::string title;
  std::optional<std::string> body;
  std::string body_file;
  int64_t id = 0;
  bool json = false;
};

// "added news <id>: <title>".
int NewsAdd(directory::Directory& directory, const NewsCommand& command, int64_t now_ms,
            std::ostream& out, std::ostream& err);
// Tab-separated "id published_at title" lines (times UTC ISO 8601), or a JSON array of
// {id, title, body, published_at, created_by}.
int NewsList(directory::Directory& directory, bool json, std::ostream& out, std::ostream& err);
// "removed news <id>"; kExitFailure when there is no such item.
int NewsRemove(directory::Directory& directory, int64_t id, std::ostream& out, std::ostream& err);

// Dispatches on command.verb to the functions above.
int RunNewsCommand(directory::Directory& directory, const NewsCommand& command, int64_t now_ms,
                   std::ostream& out, std::ostream& err);

// Registers the "news" subcommand and its verbs on `admin`; `command` must outlive the parse.
void AddNewsCommands(CLI::App& admin, NewsCommand& command);

}  // namespace ccc::relay::admin
