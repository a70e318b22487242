// The Directory's change feed: what relay/events tails to tell portals about changes made
// by any relay process or the admin CLI.

#include <string>
#include <utility>
#include <vector>

#include "relay/directory/directory.h"
#include "relay/directory/directory_impl.h"

namespace ccc::relay::directory {
namespace {

using detail::Connection;
using sqlite::Statement;

SystemDevice ReadSystemDevice(const Statement& stmt) {
  SystemDevice device;
  device.system_id = stmt.ColumnInt(0);
  device.company_id = stmt.ColumnInt(1);
  device.serial = stmt.ColumnText(2);
  device.online = stmt.ColumnInt(3) != 0;
  device.registered_ms = stmt.ColumnInt(4);
  device.sysinfo_json = stmt.ColumnText(5);
  return device;
}

}  // namespace

Result<int64_t> Directory::LastAuditId() {
  return impl_->Read<int64_t>([](Connection& c) -> Result<int64_t> {
    return detail::CountRows(c, "SELECT coalesce(max(id), 0) FROM audit_log", [](Statement&) {});
  });
}

Result<std::vector<AuditEntry>> Directory::AuditEntriesAfter(int64_t after_id, int64_t limit) {
  if (limit < 1) return InvalidArgument("limit must be positive");
  return impl_->Read<std::vector<AuditEntry>>(
      [&](Connection& c) -> Result<std::vector<AuditEntry>> {
        static const std::string kSql =
            std::string(detail::kAuditSelect) + " WHERE id > ?1 ORDER BY id LIMIT ?2";
        Result<Statement*> stmt = c.Cached(kSql);
        if (!stmt.ok()) return stmt.status();
        (*stmt)->Bind(1, after_id).Bind(2, limit);
        return detail::ReadAll(**stmt, detail::ReadAuditEntry);
      });
}

Result<std::vector<SystemDevice>> Directory::SystemDevices() {
  return impl_->Read<std::vector<SystemDevice>>(
      [](Connection& c) -> Result<std::vector<SystemDevice>> {
        Result<Statement*> stmt = c.Cached(
            "SELECT s.id, s.company_id, s.serial, d.online, d.registered_ms, d.sysinfo_json"
            " FROM ingest.devices d JOIN systems s ON s.serial = d.id ORDER BY s.id");
        if (!stmt.ok()) return stmt.status();
        return detail::ReadAll(**stmt, ReadSystemDevice);
      });
}

}  // namespace ccc::relay::directory
