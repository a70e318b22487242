#include "relay/store/call_seeder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace ccc::relay::store {
namespace {

constexpr int64_t kEnd = 1'760'000'000'000;

TEST(CallSeeder, StoresEveryCallOnceSpreadOverTheSpan) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("call_seeder_test_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    Result<std::unique_ptr<Store>> store = OpenSqliteStore({(dir / "relay.db").string(), false});
    ASSERT_TRUE(store.ok());
    CallSeedOptions o;
    o.device = "seed-dev";
    o.count = 1200;
    o.end_ms = kEnd;
    o.span_days = 10;
    Result<uint64_t> stored = SeedCalls(**store, o);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_EQ(*stored, 1200u);
    EXPECT_EQ(*SeedCalls(**store, o), 0u);  // the same ids again: nothing new
    CallQuery q;
    q.filter.devices = {"seed-dev"};
    q.limit = 1;
    Result<CallPage> newest = (*store)->Calls(q);
    ASSERT_TRUE(newest.ok());
    EXPECT_EQ(newest->total, 1200u);
    EXPECT_LT(newest->items.at(0).start_ms, kEnd);
    q.descending = false;
    EXPECT_EQ((*store)->Calls(q)->items.at(0).start_ms, kEnd - 10ll * 24 * 3600 * 1000);
    q.filter.result = "unsuccessful";
    const uint64_t unsuccessful = (*store)->Calls(q)->total;
    EXPECT_GT(unsuccessful, 120u);  // about 20 %
    EXPECT_LT(unsuccessful, 360u);
  }
  std::filesystem::remove_all(dir);
}

TEST(CallSeeder, IsDeterministicForASeed) {
  CallSeedOptions o;
  o.device = "d";
  o.count = 10;
  o.end_ms = kEnd;
  EXPECT_EQ(SeededCall(o, 3).external_number, SeededCall(o, 3).external_number);
  o.seed = 2;
  CallSeedOptions other = o;
  other.seed = 3;
  EXPECT_NE(SeededCall(o, 3).external_number + SeededCall(o, 4).real_name,
            SeededCall(other, 3).external_number + SeededCall(other, 4).real_name);
}

}  // namespace
}  // namespace ccc::relay::store
