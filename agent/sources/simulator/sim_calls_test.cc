#include "agent/sources/simulator/sim_calls.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "agent/sources/simulator/sim_random.h"

namespace ccc::agent::sources::sim {
namespace {

int64_t Utc(int64_t year, int month, int day, int hour = 0, int minute = 0) {
  return DaysFromCivil({year, month, day}) * kDayMs + hour * kHourMs + minute * kMinuteMs;
}

constexpr size_t kAll = 1'000'000;
const std::regex kE164(R"(^\+[1-9][0-9]{6,14}$)");

class SimCallsTest : public ::testing::Test {
 protected:
  // Wednesday 4 June 2025, 15:00 CEST.
  const int64_t now_ = Utc(2025, 6, 4, 13);
  const Fleet fleet_ = BuildFleet(Hash(4711, 1), 24);
};

TEST_F(SimCallsTest, IdsAscendStrictly) {
  const CallGenerator calls(fleet_, {60, 7});
  const auto records = calls.CallsAfter(0, kAll, now_);
  ASSERT_GT(records.size(), 1000u);
  for (size_t i = 1; i < records.size(); ++i) ASSERT_LT(records[i - 1].id, records[i].id);
}

TEST_F(SimCallsTest, ReadingInPagesGivesTheSameRecordsAsReadingAtOnce) {
  const CallGenerator calls(fleet_, {60, 7});
  const auto all = calls.CallsAfter(0, kAll, now_);
  for (size_t page : {1u, 7u, 500u}) {
    std::vector<CallRecord> paged;
    uint64_t cursor = 0;
    for (;;) {
      const auto batch = calls.CallsAfter(cursor, page, now_);
      if (batch.empty()) break;
      ASSERT_LE(batch.size(), page);
      paged.insert(paged.end(), batch.begin(), batch.end());
      cursor = batch.back().id;
    }
    EXPECT_EQ(paged, all) << "page size " << page;
  }
}

TEST_F(SimCallsTest, OnlyCallsThatHaveEndedAreReturned) {
  const CallGenerator calls(fleet_, {600, 1});
  for (int64_t now = now_; now < now_ + kHourMs; now += 61'000) {
    for (const CallRecord& r : calls.CallsAfter(0, kAll, now)) {
      ASSERT_LE(r.start_ms + r.duration_s * 1000, now) << r.id;
    }
  }
}

TEST_F(SimCallsTest, ARecordNeverAppearsBehindTheCursorLater) {
  // The agent's guarantee: what it has read up to id X is complete, whenever it reads.
  const CallGenerator calls(fleet_, {600, 1});
  const uint64_t start = calls.CallsAfter(0, 1, now_ - 3 * kHourMs).at(0).id;
  uint64_t cursor = start;
  std::vector<CallRecord> polled;
  for (int64_t now = now_ - 2 * kHourMs; now <= now_; now += 5'000) {
    const auto batch = calls.CallsAfter(cursor, 50, now);
    polled.insert(polled.end(), batch.begin(), batch.end());
    if (!batch.empty()) cursor = batch.back().id;
  }
  const auto at_once = calls.CallsAfter(start, kAll, now_);
  ASSERT_GT(polled.size(), 500u);
  EXPECT_EQ(polled, at_once);
}

TEST_F(SimCallsTest, AtMostMaxRecordsAreReturnedAndReserved) {
  const CallGenerator calls(fleet_, {600, 21});
  for (size_t max : {1u, 3u, 17u, 500u, 1000u}) {
    const auto records = calls.CallsAfter(0, max, now_);
    EXPECT_EQ(records.size(), max);
    EXPECT_LE(records.capacity(), max);
  }
  EXPECT_TRUE(calls.CallsAfter(0, 0, now_).empty());
}

TEST_F(SimCallsTest, AFreshCursorStartsAtTheHistoryStart) {
  const CallGenerator calls(fleet_, {12, 21});
  const auto records = calls.CallsAfter(0, kAll, now_);
  const int64_t history_start = now_ - 21 * kDayMs;
  ASSERT_FALSE(records.empty());
  const auto first_end_minute = static_cast<int64_t>(records.front().id / kRecordsPerMinute);
  EXPECT_GE(first_end_minute, history_start / kMinuteMs);
  EXPECT_LT(records.front().start_ms, history_start + 3 * kDayMs);  // a weekend at most
  EXPECT_GE(records.front().start_ms, history_start - kMaxCallMinutes * kMinuteMs);
  // Weeks of history at the default rate.
  EXPECT_GT(records.size(), 1000u);
  // And the PBX keeps making calls: some ended in the last hour of a working afternoon.
  EXPECT_GT(records.back().start_ms, now_ - kHourMs);
}

TEST_F(SimCallsTest, WithoutHistoryAFreshCursorStartsNow) {
  const CallGenerator calls(fleet_, {600, 0});
  for (const CallRecord& r : calls.CallsAfter(0, kAll, now_)) {
    EXPECT_GE(static_cast<int64_t>(r.id / kRecordsPerMinute), now_ / kMinuteMs);
  }
}

TEST_F(SimCallsTest, NoCallsAtARateOfZero) {
  const CallGenerator calls(fleet_, {0, 21});
  EXPECT_TRUE(calls.CallsAfter(0, kAll, now_).empty());
}

TEST_F(SimCallsTest, TheSameFleetAndOptionsGiveTheSameCalls) {
  const Fleet other = BuildFleet(Hash(4711, 1), 24);
  const CallGenerator a(fleet_, {60, 3});
  const CallGenerator b(other, {60, 3});
  EXPECT_EQ(a.CallsAfter(0, kAll, now_), b.CallsAfter(0, kAll, now_));
}

class SimCallsMixTest : public SimCallsTest {
 protected:
  // Four weeks at 120 calls in the busy hour.
  void SetUp() override { records_ = CallGenerator(fleet_, {120, 28}).CallsAfter(0, kAll, now_); }
  std::vector<CallRecord> records_;
};

TEST_F(SimCallsMixTest, AFixedShareOfCallsIsUnsuccessful) {
  size_t unsuccessful = 0;
  for (const CallRecord& r : records_) {
    if (r.result == CallResult::kUnsuccessful) {
      ++unsuccessful;
      EXPECT_EQ(r.duration_s, 0);
    } else {
      EXPECT_GT(r.duration_s, 0);
    }
  }
  const double share = static_cast<double>(unsuccessful) / static_cast<double>(records_.size());
  EXPECT_NEAR(share, kUnsuccessfulShare, 0.02);
}

TEST_F(SimCallsMixTest, MostExternalCallsLastHalfAMinuteToFiveMinutes) {
  std::vector<int64_t> durations;
  size_t typical = 0;
  for (const CallRecord& r : records_) {
    if (r.result != CallResult::kSuccessful || r.direction == CallDirection::kInternal) continue;
    durations.push_back(r.duration_s);
    typical += r.duration_s >= 30 && r.duration_s <= 300;
  }
  std::sort(durations.begin(), durations.end());
  EXPECT_GT(static_cast<double>(typical) / static_cast<double>(durations.size()), 0.6);
  EXPECT_GT(durations[durations.size() / 2], 45);
  EXPECT_LT(durations[durations.size() / 2], 200);
  EXPECT_GT(durations.back(), 1200);  // a few long ones
}

TEST_F(SimCallsMixTest, OfficeHoursAreBusyAndNightsAndSundaysQuiet) {
  std::map<std::string, int> by_time;
  for (const CallRecord& r : records_) {
    const LocalTime t = GermanLocalTime(r.start_ms);
    if (t.weekday == 6) {
      ++by_time["sunday"];
    } else if (t.weekday < 5 && !t.holiday && t.hour >= 9 && t.hour < 17) {
      ++by_time["office"];
    } else if (t.hour < 6) {
      ++by_time["night"];
    }
  }
  EXPECT_GT(by_time["office"], 10 * by_time["night"]);
  EXPECT_GT(by_time["office"], 10 * by_time["sunday"]);
  EXPECT_GT(by_time["sunday"] + by_time["night"], 0);
}

TEST_F(SimCallsMixTest, EveryDirectionAndCallTypeOccurs) {
  std::set<CallDirection> directions;
  std::set<std::string> types;
  for (const CallRecord& r : records_) {
    directions.insert(r.direction);
    types.insert(r.call_type);
  }
  EXPECT_EQ(directions.size(), 3u);
  EXPECT_EQ(types,
            (std::set<std::string>{"business", "private", "forwarding", "door", "call_through"}));
}

TEST_F(SimCallsMixTest, ExternalCallsCarryNumbersTheWayThePbxStoresThem) {
  std::set<std::string> extensions;
  for (const SimPhone& p : fleet_.phones) extensions.insert(p.telephone.extension);
  size_t withheld = 0;
  size_t named = 0;
  for (const CallRecord& r : records_) {
    EXPECT_FALSE(r.billing_number.empty());
    EXPECT_FALSE(r.billing_name.empty());
    EXPECT_FALSE(r.real_name.empty());
    if (r.direction == CallDirection::kInternal) {
      EXPECT_TRUE(extensions.count(r.external_number)) << r.external_number;
      EXPECT_TRUE(extensions.count(r.billing_number)) << r.billing_number;
      EXPECT_NE(r.external_number, r.billing_number);
      EXPECT_EQ(r.own_number, "");
      continue;
    }
    EXPECT_TRUE(std::regex_match(r.own_number, kE164)) << r.own_number;
    EXPECT_EQ(r.own_number.rfind("+49" + fleet_.area_code, 0), 0u) << r.own_number;
    if (r.external_number.empty()) {
      EXPECT_EQ(r.direction, CallDirection::kIncoming);
      ++withheld;
    } else {
      EXPECT_TRUE(std::regex_match(r.external_number, kE164)) << r.external_number;
    }
    named += !r.external_name.empty();
  }
  EXPECT_GT(withheld, 0u);
  EXPECT_GT(named, records_.size() / 3);
}

TEST_F(SimCallsMixTest, IncomingCallsToTheMainNumberAreBilledToAGroupAndTakenByAPerson) {
  std::set<std::string> groups;
  for (const SimParty& g : fleet_.groups) groups.insert(g.number);
  std::set<std::string> user_names;
  for (size_t i : fleet_.users) user_names.insert(fleet_.phones[i].telephone.name);
  size_t to_group = 0;
  for (const CallRecord& r : records_) {
    if (r.direction != CallDirection::kIncoming || !groups.count(r.billing_number)) continue;
    ++to_group;
    if (r.result == CallResult::kSuccessful) {
      EXPECT_TRUE(user_names.count(r.real_name)) << r.real_name;
    } else {
      EXPECT_EQ(r.real_name, r.billing_name);
    }
  }
  EXPECT_GT(to_group, 100u);
}

TEST_F(SimCallsTest, PollingAtTheLiveEdgeIsCheap) {
  const CallGenerator calls(fleet_, {12, 21});
  uint64_t cursor = calls.CallsAfter(0, kAll, now_).back().id;
  const auto started = std::chrono::steady_clock::now();
  size_t seen = 0;
  constexpr int kPolls = 1000;
  for (int i = 0; i < kPolls; ++i) {
    const auto batch = calls.CallsAfter(cursor, 500, now_ + i * 5'000);
    seen += batch.size();
    if (!batch.empty()) cursor = batch.back().id;
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::printf("[ figures  ] %d polls at the live edge (%zu new records): %.1f ms, %.1f us/poll\n",
              kPolls, seen, ms, ms * 1000 / kPolls);
  EXPECT_LT(ms / kPolls, 5.0);  // generous: typically tens of microseconds
}

TEST_F(SimCallsTest, ACursorFromWeeksAgoContinuesRightAfterItsRecord) {
  const CallGenerator calls(fleet_, {12, 90});
  const auto first = calls.CallsAfter(0, 3, now_);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_LT(first[0].start_ms, now_ - 80 * kDayMs);
  const auto next = calls.CallsAfter(first[0].id, 2, now_);
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(next[0], first[1]);
  EXPECT_EQ(next[1], first[2]);
}

}  // namespace
}  // namespace ccc::agent::sources::sim
