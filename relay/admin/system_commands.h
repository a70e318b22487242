#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "relay/directory/directory.h"

// Operator commands for systems (FEATURES A6), for `ccc-relay admin --config FILE ...`:
//   system maintenance --serial S --until YYYY-MM-DD   maintenance contract through that day
//   system maintenance --serial S --off                no maintenance contract
//   firmware minimum [VERSION]                         set ("" clears) or show the minimum
//   system list [--json]                               every system of every company
// Each returns an exit code of relay/admin/admin_cli.h (kExitOk, kExitFailure for a refusal
// by the directory such as an unknown serial, kExitUsage for bad arguments) and writes one
// line to out on success, a sentence to err otherwise. Changes are audited as "operator".
// Blocking; for the CLI thread. The caller opens the Directory (its [directory] config).
namespace ccc::relay::admin {

// until_date: "YYYY-MM-DD" (UTC); maintenance stays active until the end of that day, i.e.
// until 00:00 UTC of the next day (directory maintenance_until_ms, exclusive). nullopt:
// --off.
int SystemMaintenance(directory::Directory& directory, const std::string& serial,
                      const std::optional<std::string>& until_date, std::ostream& out,
                      std::ostream& err);

// version: "2.6.6" (dot-separated numbers), "" to clear, nullopt to print the current one.
int FirmwareMinimum(directory::Directory& directory, const std::optional<std::string>& version,
                    std::ostream& out, std::ostream& err);

// Tab-separated "id serial name company owner paired|unpaired maintenance_until firmware"
// lines sorted by serial ("-" for absent values; times UTC ISO 8601), or a JSON array of
// objects with those keys (absent values null).
int SystemList(directory::Directory& directory, bool json, std::ostream& out, std::ostream& err);

// "2026-12-31" -> unix ms of 2027-01-01T00:00:00Z; nullopt unless a real calendar date of
// years 1970..9999 in exactly that form.
std::optional<int64_t> MaintenanceEndMs(std::string_view date);

}  // namespace ccc::relay::admin
