#include "relay/app/admin_runner.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>

#include "relay/admin/system_commands.h"
#include "relay/app/relay_settings.h"
#include "relay/auth/password_hasher.h"
#include "relay/directory/directory.h"

namespace ccc::relay::app {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void AddAdminCommands(CLI::App& app, AdminCli& cli) {
  cli.admin = app.add_subcommand("admin", "Administer the relay's database");
  cli.admin->add_option("--config", cli.device.config_path, "Relay configuration file (TOML)")
      ->required();
  cli.admin->require_subcommand(1);
  auto* device = cli.admin->add_subcommand("device", "Devices the ingest accepts without pairing");
  device->require_subcommand(1);
  cli.add = device->add_subcommand("add", "Register devices (one transaction each)");
  cli.add->add_option("ids", cli.device.ids, "Device ids (certificate CNs)")->required();
  cli.remove = device->add_subcommand("remove", "Unregister devices");
  cli.remove->add_option("ids", cli.device.ids, "Device ids")->required();
  cli.list = device->add_subcommand("list", "List registered devices");
  cli.list->add_flag("--json", cli.device.json, "Print a JSON array");

  admin::AddAccountCommands(*cli.admin, cli.account);
  admin::AddCallRetentionCommands(*cli.admin, cli.call_retention);
  admin::AddNewsCommands(*cli.admin, cli.news);

  auto* system = cli.admin->add_subcommand("system", "Systems of all companies");
  system->require_subcommand(1);
  cli.maintenance = system->add_subcommand("maintenance", "Set a system's maintenance contract");
  cli.maintenance->add_option("--serial", cli.system.serial, "The PBX serial")->required();
  auto* until = cli.maintenance->add_option("--until", cli.system.until,
                                            "Last day of the contract (YYYY-MM-DD, UTC)");
  auto* off = cli.maintenance->add_flag("--off", cli.system.off, "No maintenance contract");
  until->excludes(off);
  cli.system_list = system->add_subcommand("list", "List every system");
  cli.system_list->add_flag("--json", cli.system.json, "Print a JSON array");
  auto* firmware = cli.admin->add_subcommand("firmware", "Firmware rules");
  firmware->require_subcommand(1);
  cli.minimum = firmware->add_subcommand(
      "minimum", "Show or set the minimum PBX firmware for management functions");
  cli.minimum->add_option("version", cli.system.version, "e.g. 2.6.6");
  cli.minimum->add_flag("--clear", cli.system.clear, "No minimum");
}

// Loads the whole configuration (so a typo anywhere is reported), then opens only what the
// command needs: the ingest store for `device`, the directory for everything else.
int RunAdmin(AdminCli& cli) {
  if (*cli.add) cli.device.verb = "add";
  if (*cli.remove) cli.device.verb = "remove";
  if (*cli.list) cli.device.verb = "list";
  if (*cli.maintenance) cli.system.verb = "maintenance";
  if (*cli.system_list) cli.system.verb = "list";
  if (*cli.minimum) cli.system.verb = "firmware-minimum";
  const admin::AdminCommand& device_command = cli.device;
  const admin::AccountCommand& account_command = cli.account;
  const SystemCommand& system_command = cli.system;
  app::RelaySettings settings;
  try {
    settings = app::LoadRelaySettingsFile(device_command.config_path);
  } catch (const ccc::config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return admin::kExitUsage;
  }
  const config::RelayConfig& config = settings.core;
  if (!device_command.verb.empty()) {
    return admin::RunDeviceCommand(config, device_command, std::cout, std::cerr);
  }
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    std::cerr << "cannot create data_dir " << config.data_dir << ": " << ec.message() << "\n";
    return admin::kExitFailure;
  }
  auto directory = directory::Directory::Open(
      {config.directory_path, config.store_path, config.store_sync_full, 1});
  if (!directory.ok()) {
    std::cerr << "cannot open directory " << config.directory_path << ": "
              << directory.status().ToString() << "\n";
    return admin::kExitFailure;
  }
  if (!cli.call_retention.verb.empty()) {
    return admin::RunCallRetentionCommand(**directory, cli.call_retention, std::cout, std::cerr);
  }
  if (!account_command.noun.empty()) {
    auth::PasswordHasher hasher;
    return admin::RunAccountCommand(**directory, hasher, account_command, NowMs(), std::cin,
                                    std::cout, std::cerr);
  }
  if (!cli.news.verb.empty()) {
    return admin::RunNewsCommand(**directory, cli.news, NowMs(), std::cout, std::cerr);
  }
  if (system_command.verb == "maintenance") {
    std::optional<std::string> until;
    if (!system_command.off) {
      if (system_command.until.empty()) {
        std::cerr << "system maintenance needs --until YYYY-MM-DD or --off\n";
        return admin::kExitUsage;
      }
      until = system_command.until;
    }
    return admin::SystemMaintenance(**directory, system_command.serial, until, std::cout,
                                    std::cerr);
  }
  if (system_command.verb == "list") {
    return admin::SystemList(**directory, system_command.json, std::cout, std::cerr);
  }
  if (system_command.verb == "firmware-minimum") {
    std::optional<std::string> version;
    if (system_command.clear) {
      version = "";
    } else if (!system_command.version.empty()) {
      version = system_command.version;
    }
    return admin::FirmwareMinimum(**directory, version, std::cout, std::cerr);
  }
  std::cerr << "nothing to do\n";
  return admin::kExitUsage;
}

}  // namespace ccc::relay::app
