#include "agent/sources/simulator/sim_status.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/sources/simulator/sim_random.h"

namespace ccc::agent::sources::sim {
namespace {

int64_t Utc(int64_t year, int month, int day, int hour = 0, int minute = 0) {
  return DaysFromCivil({year, month, day}) * kDayMs + hour * kHourMs + minute * kMinuteMs;
}

// Statuses of every entry in every slot of [from, from + duration).
struct Timeline {
  std::vector<std::vector<TelephoneStatus>> phones;  // [slot][entry]
  std::vector<std::vector<AccountStatus>> accounts;
};

Timeline Record(const Fleet& fleet, int64_t from_ms, int64_t duration_ms) {
  Timeline t;
  for (int64_t at = from_ms; at < from_ms + duration_ms; at += kStatusSlotMs) {
    const StatusAt status(fleet, at);
    auto& phones = t.phones.emplace_back();
    for (size_t i = 0; i < fleet.phones.size(); ++i) phones.push_back(status.Telephone(i));
    auto& accounts = t.accounts.emplace_back();
    for (size_t i = 0; i < fleet.accounts.size(); ++i) accounts.push_back(status.Account(i));
  }
  return t;
}

TEST(SimStatus, EveryTelephoneStatusOccursWithinAnyDayOfADefaultPbx) {
  for (uint64_t seed = 0; seed < 25; ++seed) {
    const Fleet fleet = BuildFleet(seed, 24);
    // Start at an odd time: any 24 hours hold a whole 12-hour period.
    const int64_t from = Utc(2025, 6, 3, 7, 20) + static_cast<int64_t>(seed) * 3 * kHourMs;
    const Timeline t = Record(fleet, from, kDayMs);
    std::set<TelephoneStatus> seen;
    for (const auto& slot : t.phones) seen.insert(slot.begin(), slot.end());
    for (TelephoneStatus s : AllValues<TelephoneStatus>()) {
      EXPECT_TRUE(seen.count(s)) << "seed " << seed << " never showed " << ToWire(s);
    }
  }
}

TEST(SimStatus, EveryAccountStatusOccursWithinAnyDayOfADefaultPbx) {
  for (uint64_t seed = 0; seed < 25; ++seed) {
    const Fleet fleet = BuildFleet(seed, 24);
    const int64_t from = Utc(2025, 6, 3, 7, 20) + static_cast<int64_t>(seed) * 3 * kHourMs;
    const Timeline t = Record(fleet, from, kDayMs);
    std::set<AccountStatus> seen;
    for (const auto& slot : t.accounts) seen.insert(slot.begin(), slot.end());
    for (AccountStatus s : AllValues<AccountStatus>()) {
      EXPECT_TRUE(seen.count(s)) << "seed " << seed << " never showed " << ToWire(s);
    }
  }
}

TEST(SimStatus, EachKindOfTelephoneOnlyTakesTheStatusesItCanHave) {
  using S = TelephoneStatus;
  const std::map<TelephoneKind, std::set<S>> allowed{
      {TelephoneKind::kAnalogue, {S::kConnectedAnalogue, S::kUnknown}},
      {TelephoneKind::kDectBase, {S::kProvisioningDone, S::kUnknown}},
      {TelephoneKind::kDect,
       {S::kRegisteredEncrypted, S::kRegisteredUnencrypted, S::kRegistrationIncomplete,
        S::kUnknown}},
      {TelephoneKind::kSipDesk,
       {S::kNoProvisioningFile, S::kProvisioningPending, S::kProvisioningDone,
        S::kRegisteredEncrypted, S::kRegisteredUnencrypted, S::kRegistrationIncomplete,
        S::kUnknown}}};
  const Fleet fleet = BuildFleet(77, 200);
  const Timeline t = Record(fleet, Utc(2025, 5, 1), 7 * kDayMs);
  for (const auto& slot : t.phones) {
    for (size_t i = 0; i < slot.size(); ++i) {
      const TelephoneKind kind = fleet.phones[i].telephone.kind;
      EXPECT_TRUE(allowed.at(kind).count(slot[i])) << ToWire(kind) << " showed " << ToWire(slot[i]);
    }
  }
}

TEST(SimStatus, MostTelephonesAndAccountsAreFineMostOfTheTime) {
  const Fleet fleet = BuildFleet(5, 200);
  const Timeline t = Record(fleet, Utc(2025, 5, 5), 7 * kDayMs);
  int64_t phone_slots = 0;
  int64_t phones_fine = 0;
  int64_t account_slots = 0;
  int64_t accounts_fine = 0;
  for (size_t s = 0; s < t.phones.size(); ++s) {
    for (size_t i = 0; i < fleet.phones.size(); ++i) {
      ++phone_slots;
      phones_fine += t.phones[s][i] == fleet.phones[i].baseline;
    }
    for (size_t i = 0; i < fleet.accounts.size(); ++i) {
      ++account_slots;
      accounts_fine += t.accounts[s][i] == fleet.accounts[i].baseline;
    }
  }
  EXPECT_GT(static_cast<double>(phones_fine) / static_cast<double>(phone_slots), 0.95);
  EXPECT_GT(static_cast<double>(accounts_fine) / static_cast<double>(account_slots), 0.9);
  EXPECT_LT(phones_fine, phone_slots);  // but not all of them all of the time
}

TEST(SimStatus, StatusIsConstantWithinATenMinuteSlot) {
  const Fleet fleet = BuildFleet(2, 100);
  const int64_t slot_start = Utc(2025, 6, 3, 9, 40);
  const Timeline at_start = Record(fleet, slot_start, 1);
  const Timeline later = Record(fleet, slot_start + kStatusSlotMs - 1, 1);
  EXPECT_EQ(at_start.phones, later.phones);
  EXPECT_EQ(at_start.accounts, later.accounts);
}

TEST(SimStatus, StatusChangesOverTime) {
  const Fleet fleet = BuildFleet(2, 100);
  const Timeline t = Record(fleet, Utc(2025, 6, 3, 9), 6 * kHourMs);
  int changes = 0;
  for (size_t s = 1; s < t.phones.size(); ++s) changes += t.phones[s] != t.phones[s - 1];
  EXPECT_GT(changes, 5);
}

TEST(SimStatus, AReplacedPhoneGoesThroughProvisioningInOrder) {
  const Fleet fleet = BuildFleet(31, 24);
  const Timeline t = Record(fleet, Utc(2025, 6, 1), 3 * kDayMs);
  int replacements = 0;
  for (size_t i = 0; i < fleet.phones.size(); ++i) {
    for (size_t s = 1; s < t.phones.size(); ++s) {
      const TelephoneStatus before = t.phones[s - 1][i];
      const TelephoneStatus now = t.phones[s][i];
      if (before == TelephoneStatus::kNoProvisioningFile && now != before) {
        ++replacements;
        EXPECT_EQ(now, TelephoneStatus::kProvisioningPending) << fleet.phones[i].telephone.id;
      }
    }
  }
  EXPECT_GE(replacements, 6);  // one per 12 hours
}

TEST(SimStatus, DectHandsetsCannotRegisterWhileTheirBaseIsDown) {
  const Fleet fleet = BuildFleet(40, kMaxPhones);
  const Timeline t = Record(fleet, Utc(2025, 6, 2), kDayMs);
  int outages = 0;
  for (const auto& slot : t.phones) {
    for (size_t i = 0; i < slot.size(); ++i) {
      const SimPhone& p = fleet.phones[i];
      if (p.telephone.kind != TelephoneKind::kDect) continue;
      if (slot[static_cast<size_t>(p.dect_base)] != TelephoneStatus::kUnknown) continue;
      ++outages;
      EXPECT_EQ(slot[i], TelephoneStatus::kRegistrationIncomplete);
    }
  }
  EXPECT_GT(outages, 0);
}

TEST(SimStatus, NothingIsRegisteredWhileThePbxRestarts) {
  const Fleet fleet = BuildFleet(12, 60);
  const int64_t boot = LastBootAtOrBefore(fleet.seed, Utc(2025, 6, 3, 12));
  const StatusAt status(fleet, boot);
  for (size_t i = 0; i < fleet.accounts.size(); ++i) {
    const AccountStatus s = status.Account(i);
    EXPECT_NE(s, AccountStatus::kRegisteredEncrypted);
    EXPECT_NE(s, AccountStatus::kRegisteredUnencrypted);
    EXPECT_NE(s, AccountStatus::kInviteAnswered);
  }
  int registered = 0;
  for (size_t i = 0; i < fleet.phones.size(); ++i) {
    const TelephoneStatus s = status.Telephone(i);
    registered += s == TelephoneStatus::kRegisteredEncrypted ||
                  s == TelephoneStatus::kRegisteredUnencrypted ||
                  s == TelephoneStatus::kConnectedAnalogue;
  }
  EXPECT_EQ(registered, 0);
}

TEST(SimStatus, ThePbxRestartsAtNightEveryFewWeeks) {
  const uint64_t seed = 99;
  int64_t now = Utc(2025, 6, 30, 12);
  std::vector<int64_t> boots;
  while (boots.size() < 10) {
    const int64_t boot = LastBootAtOrBefore(seed, now);
    ASSERT_LE(boot, now);
    const int64_t hour_utc = (boot % kDayMs) / kHourMs;
    EXPECT_TRUE(hour_utc == 2 || hour_utc == 3) << boot;
    if (!boots.empty()) {
      EXPECT_LE(boots.back() - boot, 60 * kDayMs);
    }
    boots.push_back(boot);
    now = boot - 1;
  }
  // The same start is reported until the next one.
  EXPECT_EQ(LastBootAtOrBefore(seed, boots[1] + kHourMs), boots[1]);
  EXPECT_EQ(LastBootAtOrBefore(seed, boots[0]), boots[0]);
}

}  // namespace
}  // namespace ccc::agent::sources::sim
