#include "relay/admin/call_retention.h"

#include <CLI/CLI.hpp>
#include <ostream>
#include <unordered_set>

#include "relay/admin/admin_cli.h"

namespace ccc::relay::admin {
namespace {

constexpr int64_t kDayMs = 24ll * 3600 * 1000;

}  // namespace

int CompanySetCallRetention(directory::Directory& directory, const std::string& company,
                            int64_t days, std::ostream& out, std::ostream& err) {
  if (days < directory::kMinCallRetentionDays || days > directory::kMaxCallRetentionDays) {
    err << "--days must be " << directory::kMinCallRetentionDays << ".."
        << directory::kMaxCallRetentionDays << ", not " << days << "\n";
    return kExitUsage;
  }
  auto found = directory.FindCompanyByName(company);
  if (!found.ok()) {
    err << "cannot read companies: " << found.status().ToString() << "\n";
    return kExitFailure;
  }
  if (!found->has_value()) {
    err << "no company named '" << company << "' (see `company list`)\n";
    return kExitFailure;
  }
  const directory::Company& c = **found;
  auto previous = directory.GetCallRetentionDays(c.id);
  Status status = previous.status();
  if (status.ok()) {
    status = directory.SetCallRetentionDays(c.id, static_cast<int>(days),
                                            directory::Actor{std::nullopt, c.id, "operator", ""});
  }
  if (!status.ok()) {
    err << "cannot set the call retention of '" << c.name << "': " << status.ToString() << "\n";
    return kExitFailure;
  }
  out << "company " << c.name << ": call data kept for " << days << " days (was " << *previous
      << ")\n";
  return kExitOk;
}

int RunCallRetentionCommand(directory::Directory& directory, const CallRetentionCommand& command,
                            std::ostream& out, std::ostream& err) {
  if (command.verb == "set-call-retention") {
    return CompanySetCallRetention(directory, command.company, command.days, out, err);
  }
  err << "unknown command " << command.verb << "\n";
  return kExitUsage;
}

void AddCallRetentionCommands(CLI::App& admin, CallRetentionCommand& command) {
  CLI::App* company = admin.get_subcommand("company");
  CLI::App* set = company->add_subcommand(
      "set-call-retention", "Days a company's call data is kept (1..3650; default 90)");
  set->add_option("--company", command.company, "Company name")->required();
  set->add_option("--days", command.days, "Days, 1..3650")->required();
  set->callback([&command] { command.verb = "set-call-retention"; });
}

Result<CallRetentionOutcome> ApplyCallRetention(directory::Directory& directory,
                                                store::Store& store, int64_t now_ms) {
  Result<std::vector<directory::CallRetention>> companies = directory.ListCallRetention();
  if (!companies.ok()) return companies.status();
  Result<std::vector<store::Device>> devices = store.ListDevices();
  if (!devices.ok()) return devices.status();
  CallRetentionOutcome outcome;
  Status first_error;
  std::unordered_set<std::string> owned;
  auto apply = [&](const std::string& device, int days) {
    ++outcome.devices;
    Result<uint64_t> removed = store.DeleteCallsBefore(device, now_ms - days * kDayMs);
    if (removed.ok()) {
      outcome.calls_removed += *removed;
    } else if (first_error.ok()) {
      first_error = removed.status();
    }
  };
  for (const directory::CallRetention& company : *companies) {
    ++outcome.companies;
    for (const std::string& serial : company.serials) {
      owned.insert(serial);
      apply(serial, company.days);
    }
  }
  for (const store::Device& device : *devices) {
    if (!owned.contains(device.id)) apply(device.id, directory::kDefaultCallRetentionDays);
  }
  if (!first_error.ok()) return first_error;
  return outcome;
}

}  // namespace ccc::relay::admin
