// ccc-seed-calls: adds generated call data records to a relay store (benchmarks, demos).
// Usage: ccc-seed-calls --store PATH --device SERIAL --count N [--first-id ID]
//          [--end-ms MS (default now)] [--days D (90)] [--seed S (1)] [--sync full|normal]
// Prints one JSON line: {"calls_stored": N, "seed_seconds": S, "seed_calls_per_s": R}.

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "relay/store/call_seeder.h"
#include "relay/store/store.h"

namespace {

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "ccc-seed-calls: %s\nusage: ccc-seed-calls --store PATH --device SERIAL "
               "--count N [--first-id ID] [--end-ms MS] [--days D] [--seed S] "
               "[--sync full|normal]\n",
               why);
  std::exit(2);
}

uint64_t Number(const char* flag, const char* text) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-') {
    Usage((std::string(flag) + " needs a non-negative integer").c_str());
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ccc::relay::store;
  CallSeedOptions o;
  o.end_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  SqliteOptions sqlite;
  sqlite.synchronous_full = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Usage((flag + " needs a value").c_str());
    const char* value = argv[++i];
    if (flag == "--store") {
      sqlite.path = value;
    } else if (flag == "--device") {
      o.device = value;
    } else if (flag == "--count") {
      o.count = Number("--count", value);
    } else if (flag == "--first-id") {
      o.first_id = Number("--first-id", value);
    } else if (flag == "--end-ms") {
      o.end_ms = static_cast<int64_t>(Number("--end-ms", value));
    } else if (flag == "--days") {
      o.span_days = static_cast<int64_t>(Number("--days", value));
    } else if (flag == "--seed") {
      o.seed = Number("--seed", value);
    } else if (flag == "--sync") {
      if (std::strcmp(value, "full") != 0 && std::strcmp(value, "normal") != 0) {
        Usage("--sync is full or normal");
      }
      sqlite.synchronous_full = std::strcmp(value, "full") == 0;
    } else {
      Usage(("unknown option " + flag).c_str());
    }
  }
  if (sqlite.path.empty() || o.device.empty() || o.count == 0) {
    Usage("--store, --device and --count (> 0) are required");
  }
  if (o.first_id == 0 || o.span_days <= 0) Usage("--first-id and --days must be > 0");
  auto store = OpenSqliteStore(sqlite);
  if (!store.ok()) {
    std::fprintf(stderr, "ccc-seed-calls: %s\n", store.status().ToString().c_str());
    return 1;
  }
  const auto t0 = std::chrono::steady_clock::now();
  ccc::Result<uint64_t> stored = SeedCalls(**store, o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!stored.ok()) {
    std::fprintf(stderr, "ccc-seed-calls: %s\n", stored.status().ToString().c_str());
    return 1;
  }
  std::printf("{\"calls_stored\": %llu, \"seed_seconds\": %.3f, \"seed_calls_per_s\": %.0f}\n",
              static_cast<unsigned long long>(*stored), seconds,
              static_cast<double>(*stored) / seconds);
  return 0;
}
