#include "agent/collect/registration_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ccc::agent::collect {
namespace {

using sources::AccountStatus;
using sources::ProviderAccount;
using sources::RegistrationState;
using sources::Telephone;
using sources::TelephoneKind;
using sources::TelephoneStatus;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

Telephone Phone(std::string id, TelephoneStatus status = TelephoneStatus::kRegisteredEncrypted) {
  Telephone t;
  t.id = std::move(id);
  t.name = "Phone " + t.id;
  t.extension = "20" + t.id.substr(t.id.size() - 1);
  t.kind = TelephoneKind::kSipDesk;
  t.mac = "00:09:52:00:00:0" + t.id.substr(t.id.size() - 1);
  t.model = "COMfortel D-400";
  t.status = status;
  return t;
}

ProviderAccount Account(std::string id,
                        AccountStatus status = AccountStatus::kRegisteredEncrypted) {
  ProviderAccount a;
  a.id = std::move(id);
  a.name = "Line " + a.id;
  a.provider = "sipgate";
  a.number = "+49 521 1234";
  a.status = status;
  return a;
}

std::vector<std::string> Ids(const std::vector<Telephone>& phones) {
  std::vector<std::string> ids;
  for (const auto& p : phones) ids.push_back(p.id);
  return ids;
}

RegistrationState ThreePhonesOneAccount() {
  return {{Phone("tel-1"), Phone("tel-2"), Phone("tel-3")}, {Account("acc-1")}};
}

TEST(RegistrationDiff, SnapshotHoldsEveryEntry) {
  const RegistrationState state = ThreePhonesOneAccount();
  const RegistrationUpdate update = SnapshotOf(state);
  EXPECT_EQ(update.kind, RegistrationUpdateKind::kSnapshot);
  EXPECT_EQ(update.telephones, state.telephones);
  EXPECT_EQ(update.accounts, state.accounts);
  EXPECT_THAT(update.removed_telephones, IsEmpty());
}

TEST(RegistrationDiff, EqualStatesHaveNoChanges) {
  EXPECT_TRUE(ChangesBetween(ThreePhonesOneAccount(), ThreePhonesOneAccount()).empty());
}

TEST(RegistrationDiff, AChangedStatusSendsTheWholeEntry) {
  RegistrationState after = ThreePhonesOneAccount();
  after.telephones[1].status = TelephoneStatus::kRegistrationIncomplete;
  const RegistrationUpdate update = ChangesBetween(ThreePhonesOneAccount(), after);
  EXPECT_EQ(update.kind, RegistrationUpdateKind::kChanges);
  ASSERT_EQ(update.telephones.size(), 1u);
  EXPECT_EQ(update.telephones[0], after.telephones[1]);
  EXPECT_THAT(update.accounts, IsEmpty());
}

TEST(RegistrationDiff, AChangeInAnyFieldCounts) {
  RegistrationState after = ThreePhonesOneAccount();
  after.telephones[0].name = "Reception";
  after.accounts[0].stun_server = "stun.sipgate.net";
  const RegistrationUpdate update = ChangesBetween(ThreePhonesOneAccount(), after);
  EXPECT_THAT(Ids(update.telephones), ElementsAre("tel-1"));
  ASSERT_EQ(update.accounts.size(), 1u);
  EXPECT_EQ(update.accounts[0].stun_server, "stun.sipgate.net");
}

TEST(RegistrationDiff, AddedEntriesAreSentInFull) {
  RegistrationState after = ThreePhonesOneAccount();
  after.telephones.push_back(Phone("tel-4"));
  after.accounts.push_back(Account("acc-2", AccountStatus::kStunFailed));
  const RegistrationUpdate update = ChangesBetween(ThreePhonesOneAccount(), after);
  ASSERT_EQ(update.telephones.size(), 1u);
  EXPECT_EQ(update.telephones[0], Phone("tel-4"));
  ASSERT_EQ(update.accounts.size(), 1u);
  EXPECT_EQ(update.accounts[0], Account("acc-2", AccountStatus::kStunFailed));
}

TEST(RegistrationDiff, RemovedEntriesAreSentAsIdsInTheirOldOrder) {
  RegistrationState after = ThreePhonesOneAccount();
  after.telephones = {Phone("tel-2")};
  after.accounts.clear();
  const RegistrationUpdate update = ChangesBetween(ThreePhonesOneAccount(), after);
  EXPECT_THAT(update.telephones, IsEmpty());
  EXPECT_THAT(update.removed_telephones, ElementsAre("tel-1", "tel-3"));
  EXPECT_THAT(update.removed_accounts, ElementsAre("acc-1"));
}

TEST(RegistrationDiff, ReorderedEntriesAreNoChange) {
  RegistrationState after = ThreePhonesOneAccount();
  std::swap(after.telephones[0], after.telephones[2]);
  EXPECT_TRUE(ChangesBetween(ThreePhonesOneAccount(), after).empty());
}

TEST(RegistrationTracker, FirstRecordIsASnapshot) {
  RegistrationTracker tracker;
  auto next = tracker.Next(ThreePhonesOneAccount(), /*snapshot=*/false);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->kind, RegistrationUpdateKind::kSnapshot);
}

TEST(RegistrationTracker, NothingWhenUnchangedSinceTheLastSentState) {
  RegistrationTracker tracker;
  tracker.Sent(ThreePhonesOneAccount());
  EXPECT_FALSE(tracker.Next(ThreePhonesOneAccount(), false).has_value());
}

TEST(RegistrationTracker, ChangesAreRelativeToTheLastSentStateOnly) {
  RegistrationTracker tracker;
  tracker.Sent(ThreePhonesOneAccount());
  RegistrationState changed = ThreePhonesOneAccount();
  changed.telephones[2].status = TelephoneStatus::kUnknown;
  // Computed but not stored: the next answer still includes the change.
  ASSERT_TRUE(tracker.Next(changed, false).has_value());
  auto next = tracker.Next(changed, false);
  ASSERT_TRUE(next.has_value());
  EXPECT_THAT(Ids(next->telephones), ElementsAre("tel-3"));
  tracker.Sent(changed);
  EXPECT_FALSE(tracker.Next(changed, false).has_value());
}

TEST(RegistrationTracker, ASnapshotCanBeAskedForEvenWhenNothingChanged) {
  RegistrationTracker tracker;
  tracker.Sent(ThreePhonesOneAccount());
  auto next = tracker.Next(ThreePhonesOneAccount(), /*snapshot=*/true);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->kind, RegistrationUpdateKind::kSnapshot);
  EXPECT_EQ(next->telephones.size(), 3u);
}

TEST(RegistrationTracker, ForgettingMakesTheNextRecordASnapshot) {
  RegistrationTracker tracker;
  tracker.Sent(ThreePhonesOneAccount());
  tracker.Forget();
  auto next = tracker.Next(ThreePhonesOneAccount(), false);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->kind, RegistrationUpdateKind::kSnapshot);
}

}  // namespace
}  // namespace ccc::agent::collect
