#include "common/protocol/pbx_wire.h"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

namespace ccc::protocol {
namespace {

template <typename E>
void ExpectRoundTrip() {
  std::set<std::string_view> seen;
  for (E value : AllValues<E>()) {
    const std::string_view name = ToWire(value);
    EXPECT_EQ(FromWire<E>(name), value) << name;
    EXPECT_TRUE(seen.insert(name).second) << "duplicate wire name " << name;
  }
}

bool IsSnakeCase(std::string_view name) {
  if (name.empty() || name.front() == '_' || name.back() == '_') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

TEST(PbxWire, EveryTelephoneStatusSurvivesTheRoundTrip) { ExpectRoundTrip<TelephoneStatus>(); }
TEST(PbxWire, EveryAccountStatusSurvivesTheRoundTrip) { ExpectRoundTrip<AccountStatus>(); }
TEST(PbxWire, EveryTelephoneKindSurvivesTheRoundTrip) { ExpectRoundTrip<TelephoneKind>(); }
TEST(PbxWire, EveryCallDirectionSurvivesTheRoundTrip) { ExpectRoundTrip<CallDirection>(); }
TEST(PbxWire, EveryCallResultSurvivesTheRoundTrip) { ExpectRoundTrip<CallResult>(); }

TEST(PbxWire, TelephoneKindsAreTheFourOfTheContract) {
  EXPECT_EQ(WireNameList<TelephoneKind>(), "sip_desk, dect_base, dect, analogue");
}

TEST(PbxWire, TelephoneStatusesAreExactlyTheEightOfE1) {
  EXPECT_EQ(WireNameList<TelephoneStatus>(),
            "no_provisioning_file, provisioning_pending, provisioning_done, "
            "registered_encrypted, registered_unencrypted, registration_incomplete, unknown, "
            "connected_analogue");
}

TEST(PbxWire, AccountStatusesAreExactlyTheNineOfE2) {
  EXPECT_EQ(WireNameList<AccountStatus>(),
            "stun_not_connected, stun_connected, stun_failed, stun_query_failed, "
            "invite_answered, configuration_faulty, not_registered, registered_unencrypted, "
            "registered_encrypted");
}

TEST(PbxWire, CallDirectionsAndResultsAreTheContractsNames) {
  EXPECT_EQ(WireNameList<CallDirection>(), "incoming, outgoing, internal");
  EXPECT_EQ(WireNameList<CallResult>(), "successful, unsuccessful");
}

TEST(PbxWire, WireNamesAreSnakeCase) {
  auto check = [](auto values) {
    for (auto value : values) EXPECT_TRUE(IsSnakeCase(ToWire(value))) << ToWire(value);
  };
  check(AllValues<TelephoneStatus>());
  check(AllValues<AccountStatus>());
  check(AllValues<TelephoneKind>());
  check(AllValues<CallDirection>());
  check(AllValues<CallResult>());
}

TEST(PbxWire, UnknownOrMiscasedNamesAreRejected) {
  EXPECT_FALSE(FromWire<TelephoneStatus>("registered").has_value());
  EXPECT_FALSE(FromWire<TelephoneStatus>("Unknown").has_value());
  EXPECT_FALSE(FromWire<AccountStatus>("").has_value());
  EXPECT_FALSE(FromWire<CallResult>("successful ").has_value());
  EXPECT_FALSE(FromWire<TelephoneKind>("incoming").has_value());
}

TEST(PbxWire, ConversionsWorkAtCompileTime) {
  static_assert(ToWire(CallDirection::kInternal) == "internal");
  static_assert(FromWire<AccountStatus>("stun_failed") == AccountStatus::kStunFailed);
  SUCCEED();
}

TEST(PbxWire, JoiningNoNamesGivesAnEmptyString) { EXPECT_EQ(JoinWireNames({}), ""); }

}  // namespace
}  // namespace ccc::protocol
