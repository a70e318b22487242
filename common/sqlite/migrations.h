#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "common/sqlite/sqlite_db.h"
#include "common/status/status.h"

namespace ccc::sqlite {

// Brings `db` to schema version steps.size(): steps[v] is the SQL that takes a database from
// PRAGMA user_version v to v + 1. All pending steps, the new user_version and `on_created`
// (run only when the database was empty, version 0, e.g. to create a unique identity) commit
// in ONE transaction, so a crash mid-way leaves the old version intact.
// A database newer than this code is refused with kUnsupported naming `what` and the file:
// running old code on a newer schema could lose data silently.
// Returns the version the database had before.
Result<int64_t> ApplyMigrations(Database& db, std::span<const std::string_view> steps,
                                std::string_view what,
                                const std::function<Status()>& on_created = {});

}  // namespace ccc::sqlite
