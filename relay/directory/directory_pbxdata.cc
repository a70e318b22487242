// Directory reads for the PBX data views (issue 5): which systems a fleet view covers, with
// the facts to decide each one, and the device report behind the information and licences
// pages.

#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "relay/directory/directory.h"
#include "relay/directory/directory_impl.h"
#include "relay/directory/firmware_version.h"

namespace ccc::relay::directory {
namespace {

// ListVisibleSystems pages through the fleet this many systems at a time (its maximum).
constexpr int64_t kFleetPage = 1000;

FleetSystem ToFleetSystem(const System& system, const policy::UserFacts& user,
                          const std::string& minimum_firmware, Ms now) {
  FleetSystem out;
  out.id = system.id;
  out.name = system.name;
  out.serial = system.serial;
  policy::AccessFacts& facts = out.facts;
  facts.user = user;
  facts.system.id = system.id;
  facts.system.company_id = system.company_id;
  facts.system.owner_user_id = system.owner_user_id;
  facts.system.maintenance_active =
      system.maintenance_until_ms.has_value() && *system.maintenance_until_ms > now;
  facts.system.firmware_ok = FirmwareMeetsMinimum(system.firmware, minimum_firmware);
  facts.system.monitoring_recording_opt_in = system.monitoring_opt_in;
  facts.system.remote_configuration_opt_in = system.remote_configuration_opt_in;
  // The effective roles (authorisations and groups already resolved) decide exactly as
  // the separate sources would; ownership comes from owner_user_id, as in the policy.
  for (policy::Role role : system.roles.ToVector()) {
    if (role != policy::Role::kOwner) facts.direct_roles.Add(role);
  }
  return out;
}

}  // namespace

Result<std::vector<FleetSystem>> Directory::ListFleetSystems(const policy::UserFacts& user,
                                                             std::optional<int64_t> only_system,
                                                             Ms now) {
  Result<std::string> minimum = MinimumFirmware();
  if (!minimum.ok()) return minimum.status();
  std::vector<FleetSystem> fleet;
  if (only_system.has_value()) {
    Result<std::optional<System>> system = GetVisibleSystem(user.id, user.company_id, *only_system);
    if (!system.ok()) return system.status();
    if (system->has_value()) fleet.push_back(ToFleetSystem(**system, user, *minimum, now));
    return fleet;
  }
  // The same visibility and order as the systems list, page by page. A system created or
  // renamed between two pages may be missed or met twice; the second meeting is dropped.
  ListQuery query;
  query.sort = "name";
  query.limit = kFleetPage;
  std::unordered_set<int64_t> seen;
  for (;;) {
    Result<Page<System>> page = ListVisibleSystems(user.id, user.company_id, query);
    if (!page.ok()) return page.status();
    for (const System& system : page->items) {
      if (seen.insert(system.id).second) {
        fleet.push_back(ToFleetSystem(system, user, *minimum, now));
      }
    }
    query.offset += kFleetPage;
    if (static_cast<int64_t>(page->items.size()) < kFleetPage || query.offset >= page->total) {
      return fleet;
    }
  }
}

Result<std::optional<DeviceReport>> Directory::GetDeviceReport(int64_t system_id) {
  return impl_->Read<std::optional<DeviceReport>>(
      [&](detail::Connection& c) -> Result<std::optional<DeviceReport>> {
        Result<sqlite::Statement*> stmt = c.Cached(
            "SELECT s.serial, coalesce(d.sysinfo_json, '{}'), d.sysinfo_ts_ms FROM systems s"
            " LEFT JOIN ingest.devices d ON d.id = s.serial WHERE s.id = ?1");
        if (!stmt.ok()) return stmt.status();
        (*stmt)->Bind(1, system_id);
        Result<bool> row = (*stmt)->Step();
        if (!row.ok()) return row.status();
        if (!*row) return std::optional<DeviceReport>();
        DeviceReport report;
        report.serial = (*stmt)->ColumnText(0);
        report.sysinfo_json = (*stmt)->ColumnText(1);
        report.reported_ms = detail::OptionalInt(**stmt, 2);
        return std::optional<DeviceReport>(std::move(report));
      });
}

}  // namespace ccc::relay::directory
