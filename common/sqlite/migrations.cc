#include "common/sqlite/migrations.h"

#include <string>

namespace ccc::sqlite {

Result<int64_t> ApplyMigrations(Database& db, std::span<const std::string_view> steps,
                                std::string_view what, const std::function<Status()>& on_created) {
  Result<Transaction> txn = Transaction::Begin(db);
  if (!txn.ok()) return txn.status();
  Result<Statement> query = db.Prepare("PRAGMA user_version");
  if (!query.ok()) return query.status();
  Result<bool> row = query->Step();
  if (!row.ok()) return row.status();
  const int64_t version = *row ? query->ColumnInt(0) : 0;
  // An open statement would make DDL such as DROP INDEX in a step fail with "table is locked".
  query->Reset();
  const auto newest = static_cast<int64_t>(steps.size());
  if (version > newest) {
    return Unsupported(std::string(what) + " " + db.path() + " has schema version " +
                       std::to_string(version) + "; this program knows up to " +
                       std::to_string(newest));
  }
  if (version == newest) return version;
  for (int64_t v = version; v < newest; ++v) {
    CCC_RETURN_IF_ERROR(db.Exec(steps[static_cast<size_t>(v)]));
  }
  CCC_RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(newest)));
  if (version == 0 && on_created) CCC_RETURN_IF_ERROR(on_created());
  CCC_RETURN_IF_ERROR(txn->Commit());
  return version;
}

}  // namespace ccc::sqlite
