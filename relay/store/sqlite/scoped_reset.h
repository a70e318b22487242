#pragma once

#include "common/sqlite/sqlite_db.h"

namespace ccc::relay::store::sqlite_detail {

// Leaves a statement reusable (and releases its read snapshot) however the caller exits.
class ScopedReset {
 public:
  explicit ScopedReset(sqlite::Statement& stmt) : stmt_(stmt) {}
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;
  ~ScopedReset() { stmt_.Reset(); }

 private:
  sqlite::Statement& stmt_;
};

}  // namespace ccc::relay::store::sqlite_detail
