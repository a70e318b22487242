#include "relay/store/call_seeder.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "relay/store/pbx_test_bodies.h"

namespace ccc::relay::store {
namespace {

constexpr std::array<std::string_view, 16> kFirstNames = {
    "Anna", "Jörg", "Zoë",   "Tom",   "Ines", "Lukas", "Marie", "Özlem",
    "Paul", "Sven", "Heike", "Björn", "Lena", "Malte", "Frida", "Ümit"};
constexpr std::array<std::string_view, 12> kLastNames = {
    "Becker", "Müller", "Schmidt",  "Weber", "Wagner",  "Fischer",
    "Meyer",  "Schulz", "Hoffmann", "Koch",  "Richter", "Krüger"};
constexpr std::array<std::string_view, 6> kGroups = {"Sales",    "Support",   "Reception",
                                                     "Accounts", "Logistics", "Management"};
constexpr std::array<std::string_view, 5> kCallTypes = {"business", "private", "forwarding", "door",
                                                        "call_through"};

// SplitMix64: a fast, well-mixed, deterministic stream per (seed, n).
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::string PersonName(uint64_t r) {
  return std::string(kFirstNames[r % kFirstNames.size()]) + " " +
         std::string(kLastNames[(r / kFirstNames.size()) % kLastNames.size()]);
}

}  // namespace

CallRow SeededCall(const CallSeedOptions& o, uint64_t n) {
  const uint64_t r = Mix(o.seed * 0x100000001B3ull + n);
  const uint64_t r2 = Mix(r);
  const int64_t span_ms = o.span_days * 24 * 3600 * 1000;
  CallRow c;
  c.device = o.device;
  c.call_id = o.first_id + n;
  c.start_ms = o.end_ms - span_ms +
               static_cast<int64_t>(static_cast<double>(span_ms) * static_cast<double>(n) /
                                    static_cast<double>(std::max<uint64_t>(o.count, 1)));
  const uint64_t dir = r % 10;  // 45 % incoming, 40 % outgoing, 15 % internal
  c.direction = dir < 5 ? "incoming" : dir < 9 ? "outgoing" : "internal";
  const bool ok = (r >> 8) % 5 != 0;  // 80 % successful
  c.result = ok ? "successful" : "unsuccessful";
  c.duration_s = ok ? static_cast<int64_t>(5 + (r2 % 900) * ((r2 >> 20) % 4 + 1) / 2) : 0;
  const uint64_t ext = 200 + (r >> 16) % 120;
  const uint64_t group = (r >> 24) % kGroups.size();
  if (c.direction == "internal") {
    c.external_number = std::to_string(200 + (r2 >> 8) % 120);
    c.external_name = PersonName(r2 >> 12);
  } else {
    c.external_number = "+49" + std::to_string(30 + (r2 >> 4) % 900) +
                        std::to_string(1000000 + (r2 >> 16) % 9000000);
    // A third of the external parties are unknown (no caller id name).
    c.external_name = (r2 >> 40) % 3 == 0 ? std::string() : PersonName(r2 >> 44);
    c.own_number = "+49521987650" + std::to_string((r >> 32) % 10);
  }
  c.billing_number = std::to_string(ext);
  c.billing_name = std::string(kGroups[group]);
  c.real_name = PersonName(r >> 36);
  c.call_type = std::string(kCallTypes[(r >> 48) % 10 < 7 ? 0 : 1 + (r >> 52) % 4]);
  return c;
}

Result<uint64_t> SeedCalls(Store& store, const CallSeedOptions& o) {
  CCC_RETURN_IF_ERROR(store.RegisterDevice(o.device, o.end_ms));
  uint64_t stored = 0;
  std::vector<protocol::Batch> batches;
  uint64_t n = 0;
  while (n < o.count) {
    batches.clear();
    for (size_t b = 0; b < o.batches_per_call && n < o.count; ++b) {
      protocol::Batch batch;
      batch.device = o.device;
      batch.stream = "calls";
      batch.epoch = o.epoch;
      batch.sent_ms = o.end_ms;
      batch.range_lo = o.first_id + n;
      for (size_t i = 0; i < o.records_per_batch && n < o.count; ++i, ++n) {
        const CallRow c = SeededCall(o, n);
        batch.records.push_back({c.call_id, c.start_ms, testing::CallBody(c)});
      }
      batch.range_hi = o.first_id + n - 1;
      batches.push_back(std::move(batch));
    }
    Result<IngestOutcome> out = store.IngestBatches(batches, o.end_ms);
    if (!out.ok()) return out.status();
    stored += out->records_stored;
  }
  return stored;
}

}  // namespace ccc::relay::store
