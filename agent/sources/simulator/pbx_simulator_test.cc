#include "agent/sources/simulator/pbx_simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <stdexcept>

#include "agent/sources/simulator/sim_calendar.h"

namespace ccc::agent::sources {
namespace {

int64_t Utc(int64_t year, int month, int day, int hour = 0, int minute = 0) {
  return sim::DaysFromCivil({year, month, day}) * sim::kDayMs + hour * sim::kHourMs +
         minute * sim::kMinuteMs;
}

const int64_t kNow = Utc(2025, 6, 4, 13, 7);  // a Wednesday afternoon

PbxSimulatorOptions Options(std::string serial, int phones = 24) {
  PbxSimulatorOptions o;
  o.serial = std::move(serial);
  o.phones = phones;
  return o;
}

TEST(PbxSimulator, ReportsTheConfiguredIdentity) {
  PbxSimulator sim({"SN-1", "COMtrexx Business", "2.7.1", 3});
  auto identity = sim.Identity();
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(*identity, (PbxIdentity{"SN-1", "COMtrexx Business", "2.7.1"}));
}

TEST(PbxSimulator, IdentityIsStableAcrossCalls) {
  PbxSimulator sim({"SN-1", "COMtrexx Advanced", "2.6.6", 1});
  EXPECT_EQ(*sim.Identity(), *sim.Identity());
}

TEST(PbxSimulator, SameSerialAndSeedGiveTheSameSimulation) {
  PbxSimulator a({"SN-1", "m", "f", 5});
  PbxSimulator b({"SN-1", "m", "f", 5});
  PbxSimulator c({"SN-2", "m", "f", 5});
  EXPECT_EQ(a.effective_seed(), b.effective_seed());
  EXPECT_NE(a.effective_seed(), c.effective_seed());
}

TEST(PbxSimulator, SameSerialSeedAndTimeGiveIdenticalAnswers) {
  PbxSimulator a(Options("SN-DET-1"));
  PbxSimulator b(Options("SN-DET-1"));
  for (int64_t now : {kNow, kNow + 3 * sim::kHourMs, kNow - 9 * sim::kDayMs}) {
    EXPECT_EQ(*a.Registrations(now), *b.Registrations(now));
    EXPECT_EQ(*a.CallsAfter(0, 5000, now), *b.CallsAfter(0, 5000, now));
    EXPECT_EQ(*a.Information(now), *b.Information(now));
  }
  // Asking in another order changes nothing: the simulator keeps no state.
  const auto later = *a.Registrations(kNow + 3 * sim::kHourMs);
  (void)a.Registrations(kNow);
  EXPECT_EQ(*a.Registrations(kNow + 3 * sim::kHourMs), later);
}

TEST(PbxSimulator, DifferentSerialsGiveDifferentPbxs) {
  PbxSimulator a(Options("SN-A"));
  PbxSimulator b(Options("SN-B"));
  const auto ra = *a.Registrations(kNow);
  const auto rb = *b.Registrations(kNow);
  ASSERT_EQ(ra.telephones.size(), rb.telephones.size());
  EXPECT_NE(ra.telephones, rb.telephones);
  EXPECT_NE(ra.telephones[0].mac, rb.telephones[0].mac);
  EXPECT_NE(*a.CallsAfter(0, 100, kNow), *b.CallsAfter(0, 100, kNow));
  EXPECT_NE(a.Information(kNow)->mac, b.Information(kNow)->mac);
}

TEST(PbxSimulator, DifferentSeedsGiveDifferentPbxs) {
  PbxSimulatorOptions o = Options("SN-A");
  PbxSimulator a(o);
  o.seed = 2;
  PbxSimulator b(o);
  EXPECT_NE(a.Registrations(kNow)->telephones, b.Registrations(kNow)->telephones);
}

TEST(PbxSimulator, HonoursTheConfiguredNumberOfPhones) {
  for (int phones : {5, 24, 250, 2000}) {
    PbxSimulator sim(Options("SN-N", phones));
    const auto state = sim.Registrations(kNow);
    ASSERT_TRUE(state.ok());
    EXPECT_EQ(state->telephones.size(), static_cast<size_t>(phones));
    EXPECT_GE(state->accounts.size(), 3u);
  }
}

TEST(PbxSimulator, ADefaultPbxShowsEveryStatusValueWithinADay) {
  PbxSimulator sim(Options("SN-DEFAULT"));
  std::set<TelephoneStatus> telephones;
  std::set<AccountStatus> accounts;
  for (int64_t now = kNow; now < kNow + sim::kDayMs; now += 10 * sim::kMinuteMs) {
    const auto state = sim.Registrations(now);
    ASSERT_TRUE(state.ok());
    for (const Telephone& t : state->telephones) telephones.insert(t.status);
    for (const ProviderAccount& a : state->accounts) accounts.insert(a.status);
  }
  EXPECT_EQ(telephones.size(), AllValues<TelephoneStatus>().size());
  EXPECT_EQ(accounts.size(), AllValues<AccountStatus>().size());
}

TEST(PbxSimulator, BuildsATwoThousandPhoneSnapshotQuickly) {
  PbxSimulator sim(Options("SN-BIG", 2000));
  double best_ms = std::numeric_limits<double>::max();
  for (int run = 0; run < 7; ++run) {
    const auto started = std::chrono::steady_clock::now();
    const auto state = sim.Registrations(kNow + run * sim::kHourMs);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    ASSERT_EQ(state->telephones.size(), 2000u);
    best_ms = std::min(best_ms, ms);
  }
  std::printf("[ figures  ] 2000-phone registration snapshot: %.3f ms (best of 7)\n", best_ms);
  EXPECT_LT(best_ms, 20.0);
}

TEST(PbxSimulator, TelephoneIdsStayTheSameOverTime) {
  PbxSimulator sim(Options("SN-IDS", 100));
  const auto before = *sim.Registrations(kNow);
  const auto after = *sim.Registrations(kNow + 5 * sim::kDayMs);
  ASSERT_EQ(before.telephones.size(), after.telephones.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < before.telephones.size(); ++i) {
    EXPECT_EQ(before.telephones[i].id, after.telephones[i].id);
    EXPECT_EQ(before.telephones[i].mac, after.telephones[i].mac);
    EXPECT_TRUE(ids.insert(before.telephones[i].id).second);
  }
}

TEST(PbxSimulator, CallsAfterFollowsTheCursorContract) {
  PbxSimulatorOptions o = Options("SN-CALLS");
  o.calls_per_hour = 90;
  o.history_days = 2;
  PbxSimulator sim(o);
  const auto all = *sim.CallsAfter(0, 100'000, kNow);
  ASSERT_GT(all.size(), 200u);
  std::vector<CallRecord> paged;
  uint64_t cursor = 0;
  for (auto batch = *sim.CallsAfter(cursor, 64, kNow); !batch.empty();
       batch = *sim.CallsAfter(cursor, 64, kNow)) {
    ASSERT_LE(batch.size(), 64u);
    for (const CallRecord& r : batch) {
      EXPECT_GT(r.id, cursor);
      EXPECT_LE(r.start_ms + r.duration_s * 1000, kNow);
      cursor = r.id;
    }
    paged.insert(paged.end(), batch.begin(), batch.end());
  }
  EXPECT_EQ(paged, all);
}

TEST(PbxSimulator, AFreshPbxHasWeeksOfCallHistoryByDefault) {
  PbxSimulator sim(Options("SN-HIST"));
  const auto records = *sim.CallsAfter(0, 100'000, kNow);
  ASSERT_FALSE(records.empty());
  EXPECT_LT(records.front().start_ms, kNow - 20 * sim::kDayMs);
  EXPECT_GE(records.front().start_ms, kNow - 21 * sim::kDayMs - 2 * sim::kHourMs);
  EXPECT_GT(records.size(), 1000u);
}

TEST(PbxSimulator, InformationIsPlausible) {
  PbxSimulatorOptions o = Options("SN-INFO", 300);
  o.model = "COMtrexx Business";
  o.firmware = "2.7.0";
  PbxSimulator sim(o);
  const auto info = sim.Information(kNow);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->model, "COMtrexx Business");
  EXPECT_EQ(info->serial, "SN-INFO");
  EXPECT_EQ(info->firmware, "2.7.0");
  EXPECT_FALSE(info->hardware_revision.empty());
  EXPECT_EQ(info->mac.rfind("00:09:52:", 0), 0u);
  EXPECT_LE(info->booted_at_ms, kNow);
  EXPECT_EQ(info->uptime_s, (kNow - info->booted_at_ms) / 1000);
  EXPECT_LE(info->uptime_s, 60 * 86400);
  ASSERT_FALSE(info->licences.empty());
  for (const Licence& l : info->licences) {
    EXPECT_LE(l.used, l.total) << l.name;
    EXPECT_GE(l.used, 0) << l.name;
  }
  ASSERT_FALSE(info->modules.empty());
  for (const ExpansionModule& m : info->modules) {
    EXPECT_GT(m.slot, 0);
    EXPECT_GT(m.ports, 0);
  }
}

TEST(PbxSimulator, UptimeGrowsUntilTheNextRestart) {
  PbxSimulator sim(Options("SN-UP"));
  const auto a = *sim.Information(kNow);
  const auto b = *sim.Information(kNow + 60'000);
  if (a.booted_at_ms == b.booted_at_ms) {
    EXPECT_EQ(b.uptime_s, a.uptime_s + 60);
  } else {
    EXPECT_GT(b.booted_at_ms, kNow);
  }
  const auto again = *sim.Information(kNow);
  EXPECT_EQ(again.booted_at_ms, a.booted_at_ms);
}

TEST(PbxSimulator, RejectsOptionsOutOfRange) {
  auto make = [](auto change) {
    PbxSimulatorOptions o = Options("SN-X");
    change(o);
    PbxSimulator sim(o);
  };
  EXPECT_THROW(make([](PbxSimulatorOptions& o) { o.phones = 4; }), std::invalid_argument);
  EXPECT_THROW(make([](PbxSimulatorOptions& o) { o.phones = 2001; }), std::invalid_argument);
  EXPECT_THROW(make([](PbxSimulatorOptions& o) { o.history_days = 91; }), std::invalid_argument);
  EXPECT_THROW(make([](PbxSimulatorOptions& o) { o.history_days = -1; }), std::invalid_argument);
  EXPECT_THROW(make([](PbxSimulatorOptions& o) { o.calls_per_hour = -1; }), std::invalid_argument);
  EXPECT_THROW(make([](PbxSimulatorOptions& o) { o.calls_per_hour = std::nan(""); }),
               std::invalid_argument);
  EXPECT_NO_THROW(make([](PbxSimulatorOptions& o) {
    o.phones = 5;
    o.history_days = 0;
    o.calls_per_hour = 0;
  }));
}

}  // namespace
}  // namespace ccc::agent::sources
