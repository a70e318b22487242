#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "relay/admin/account_commands.h"
#include "relay/admin/admin_cli.h"
#include "relay/admin/call_retention.h"
#include "relay/admin/news_commands.h"

// `ccc-relay admin --config FILE ...`: the operator's command line (devices, companies,
// users, systems, firmware, news). Parsing is CLI11's; the work is done by relay/admin/*.
namespace ccc::relay::app {

// `admin system ...` and `admin firmware ...` as parsed from the command line.
struct SystemCommand {
  std::string verb;  // "maintenance", "list", "firmware-minimum"; "" = none of these
  std::string serial;
  std::string until;
  bool off = false;
  bool json = false;
  std::string version;
  bool clear = false;
};

// The parsed admin command line; filled by AddAdminCommands, read by RunAdmin.
struct AdminCli {
  CLI::App* admin = nullptr;
  admin::AdminCommand device;
  admin::AccountCommand account;
  admin::NewsCommand news;
  admin::CallRetentionCommand call_retention;
  SystemCommand system;
  CLI::App* add = nullptr;
  CLI::App* remove = nullptr;
  CLI::App* list = nullptr;
  CLI::App* maintenance = nullptr;
  CLI::App* system_list = nullptr;
  CLI::App* minimum = nullptr;
};

// Registers "admin" and its subcommands on app. cli must outlive parsing and RunAdmin.
void AddAdminCommands(CLI::App& app, AdminCli& cli);

// Runs the parsed command; returns the process exit code (relay/admin/admin_cli.h).
int RunAdmin(AdminCli& cli);

}  // namespace ccc::relay::app
