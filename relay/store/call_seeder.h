#pragma once

#include <cstdint>
#include <string>

#include "common/status/status.h"
#include "relay/store/store.h"

// Fills a store with plausible call data records for benchmarks and demos, through the
// real ingest path (Store::IngestBatches with "calls" bodies as the agent sends them), so
// the rows are exactly what production ingest writes.
namespace ccc::relay::store {

struct CallSeedOptions {
  std::string device;      // registered first if unknown
  uint64_t count = 0;      // calls to add
  uint64_t first_id = 1;   // call ids first_id .. first_id + count - 1
  int64_t end_ms = 0;      // the newest call starts just before this
  int64_t span_days = 90;  // calls are spread evenly over [end_ms - span, end_ms)
  uint64_t seed = 1;       // numbers, names, results, ... (deterministic)
  uint64_t epoch = 1;      // outbox epoch of the batches; seqs are the call ids
  size_t records_per_batch = 500;
  size_t batches_per_call = 40;  // batches per IngestBatches call (one transaction)
};

// Returns the rows stored (fewer than count when some ids were already there).
Result<uint64_t> SeedCalls(Store& store, const CallSeedOptions& options);

// The call SeedCalls writes as number n of count (0-based), for tests of the seeder.
CallRow SeededCall(const CallSeedOptions& options, uint64_t n);

}  // namespace ccc::relay::store
