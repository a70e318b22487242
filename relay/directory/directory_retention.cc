// Call data retention per company (issue 5): companies.call_retention_days (schema
// version 6), set by the operator, read by the relay's retention task.

#include <string>

#include "relay/directory/directory.h"
#include "relay/directory/directory_impl.h"

namespace ccc::relay::directory {

Status Directory::SetCallRetentionDays(int64_t company_id, int days, const Actor& actor) {
  if (days < kMinCallRetentionDays || days > kMaxCallRetentionDays) {
    return InvalidArgument("call retention must be " + std::to_string(kMinCallRetentionDays) +
                           ".." + std::to_string(kMaxCallRetentionDays) + " days");
  }
  return impl_->Write([&](sqlite::Database& db) -> Status {
    Result<sqlite::Statement> read =
        db.Prepare("SELECT call_retention_days FROM companies WHERE id = ?1");
    if (!read.ok()) return read.status();
    read->Bind(1, company_id);
    Result<bool> row = read->Step();
    if (!row.ok()) return row.status();
    if (!*row) return NotFound("no company " + std::to_string(company_id));
    const int64_t previous = read->ColumnInt(0);
    read->Reset();
    Result<sqlite::Statement> update =
        db.Prepare("UPDATE companies SET call_retention_days = ?2 WHERE id = ?1");
    if (!update.ok()) return update.status();
    update->Bind(1, company_id).Bind(2, int64_t{days});
    CCC_RETURN_IF_ERROR(update->Run());
    return detail::AppendAuditRow(db, detail::InCompany(actor, company_id),
                                  "company.call_retention", "company", std::to_string(company_id),
                                  detail::Json({{"days", days}, {"previous", previous}}),
                                  detail::NowMs());
  });
}

Result<int> Directory::GetCallRetentionDays(int64_t company_id) {
  auto lease = impl_->Reader();
  Result<sqlite::Statement*> stmt =
      lease->Cached("SELECT call_retention_days FROM companies WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, company_id);
  Result<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound("no company " + std::to_string(company_id));
  return static_cast<int>((*stmt)->ColumnInt(0));
}

Result<std::vector<CallRetention>> Directory::ListCallRetention() {
  return impl_->Read<std::vector<CallRetention>>(
      [](detail::Connection& c) -> Result<std::vector<CallRetention>> {
        Result<sqlite::Statement*> stmt = c.Cached(
            "SELECT c.id, c.name, c.call_retention_days, s.serial FROM companies AS c "
            "LEFT JOIN systems AS s ON s.company_id = c.id ORDER BY c.id, s.serial");
        if (!stmt.ok()) return stmt.status();
        std::vector<CallRetention> companies;
        for (;;) {
          Result<bool> row = (*stmt)->Step();
          if (!row.ok()) return row.status();
          if (!*row) return companies;
          const int64_t id = (*stmt)->ColumnInt(0);
          if (companies.empty() || companies.back().company_id != id) {
            CallRetention company;
            company.company_id = id;
            company.company_name = (*stmt)->ColumnText(1);
            company.days = static_cast<int>((*stmt)->ColumnInt(2));
            companies.push_back(std::move(company));
          }
          if (!(*stmt)->ColumnIsNull(3)) companies.back().serials.push_back((*stmt)->ColumnText(3));
        }
      });
}

}  // namespace ccc::relay::directory
