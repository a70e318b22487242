#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "common/status/status.h"
#include "relay/directory/directory.h"
#include "relay/store/store.h"

namespace CLI {
class App;
}

// Call data retention per company (FEATURES H1, issue 5).
//   `ccc-relay admin --config FILE company set-call-retention --company NAME --days N`
// sets how long a company's call records are kept (1..3650 days; new companies: 90); the
// relay applies it every 10 minutes (ApplyCallRetention, run by relay/main.cc).
namespace ccc::relay::admin {

// What the command line asked for; filled by AddCallRetentionCommands (or by hand in tests).
struct CallRetentionCommand {
  std::string verb;  // "set-call-retention"; empty when not given
  std::string company;
  int64_t days = 0;
};

// "company <name>: call data kept for N days (was M)". kExitUsage for days outside
// 1..3650, kExitFailure for an unknown company (named in the message) or a directory
// failure. Audited as "operator".
int CompanySetCallRetention(directory::Directory& directory, const std::string& company,
                            int64_t days, std::ostream& out, std::ostream& err);

int RunCallRetentionCommand(directory::Directory& directory, const CallRetentionCommand& command,
                            std::ostream& out, std::ostream& err);

// Adds "set-call-retention" to the "company" subcommand of `admin` (registered by
// AddAccountCommands, which must run first); `command` must outlive the parse.
void AddCallRetentionCommands(CLI::App& admin, CallRetentionCommand& command);

struct CallRetentionOutcome {
  uint64_t companies = 0;
  uint64_t devices = 0;  // devices whose old calls were looked for
  uint64_t calls_removed = 0;
};

// Deletes every company's calls that started before now - its retention (devices = its
// systems' serials), then, with the default of 90 days, those of registered devices that
// belong to no system. Each device in chunks (Store::DeleteCallsBefore), so ingest goes on.
// A failing device does not stop the others; the first error is returned after all ran.
// Blocking; run it on a background thread.
Result<CallRetentionOutcome> ApplyCallRetention(directory::Directory& directory,
                                                store::Store& store, int64_t now_ms);

}  // namespace ccc::relay::admin
