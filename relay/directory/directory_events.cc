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
using detail::OptionalInt;
using sqlite::Statement;

AuditEntry ReadAuditRow(const Statement& stmt) {
  AuditEntry entry;
  entry.id = stmt.ColumnInt(0);
  entry.ts_ms = stmt.ColumnInt(1);
  entry.company_id = OptionalInt(stmt, 2);
  entry.actor_user_id = OptionalInt(stmt, 3);
  entry.actor = stmt.ColumnText(4);
  entry.address = stmt.ColumnText(5);
  entry.action = stmt.ColumnText(6);
  entry.target_type = stmt.ColumnText(7);
  entry.target_id = stmt.ColumnText(8);
  entry.details_json = stmt.ColumnText(9);
  return entry;
}

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
        Result<Statement*> stmt = c.Cached(
            "SELECT id, ts_ms, company_id, actor_user_id, actor, address, action, target_type,"
            " target_id, details_json FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2");
        if (!stmt.ok()) return stmt.status();
        (*stmt)->Bind(1, after_id).Bind(2, limit);
        return detail::ReadAll(**stmt, ReadAuditRow);
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
