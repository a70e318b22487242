#include "agent/sources/pbx_source.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ccc::agent::sources {
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

TEST(PbxSourceWire, EveryTelephoneStatusSurvivesTheRoundTrip) {
  ExpectRoundTrip<TelephoneStatus>();
}
TEST(PbxSourceWire, EveryAccountStatusSurvivesTheRoundTrip) { ExpectRoundTrip<AccountStatus>(); }
TEST(PbxSourceWire, EveryTelephoneKindSurvivesTheRoundTrip) { ExpectRoundTrip<TelephoneKind>(); }
TEST(PbxSourceWire, CallDirectionAndResultSurviveTheRoundTrip) {
  ExpectRoundTrip<CallDirection>();
  ExpectRoundTrip<CallResult>();
}

TEST(PbxSourceWire, TelephoneStatusesAreExactlyTheEightOfE1) {
  EXPECT_EQ(AllValues<TelephoneStatus>().size(), 8u);
  EXPECT_EQ(ToWire(TelephoneStatus::kNoProvisioningFile), "no_provisioning_file");
  EXPECT_EQ(ToWire(TelephoneStatus::kProvisioningPending), "provisioning_pending");
  EXPECT_EQ(ToWire(TelephoneStatus::kProvisioningDone), "provisioning_done");
  EXPECT_EQ(ToWire(TelephoneStatus::kRegisteredEncrypted), "registered_encrypted");
  EXPECT_EQ(ToWire(TelephoneStatus::kRegisteredUnencrypted), "registered_unencrypted");
  EXPECT_EQ(ToWire(TelephoneStatus::kRegistrationIncomplete), "registration_incomplete");
  EXPECT_EQ(ToWire(TelephoneStatus::kUnknown), "unknown");
  EXPECT_EQ(ToWire(TelephoneStatus::kConnectedAnalogue), "connected_analogue");
}

TEST(PbxSourceWire, AccountStatusesAreExactlyTheNineOfE2) {
  EXPECT_EQ(AllValues<AccountStatus>().size(), 9u);
  EXPECT_EQ(ToWire(AccountStatus::kStunNotConnected), "stun_not_connected");
  EXPECT_EQ(ToWire(AccountStatus::kStunConnected), "stun_connected");
  EXPECT_EQ(ToWire(AccountStatus::kStunFailed), "stun_failed");
  EXPECT_EQ(ToWire(AccountStatus::kStunQueryFailed), "stun_query_failed");
  EXPECT_EQ(ToWire(AccountStatus::kInviteAnswered), "invite_answered");
  EXPECT_EQ(ToWire(AccountStatus::kConfigurationFaulty), "configuration_faulty");
  EXPECT_EQ(ToWire(AccountStatus::kNotRegistered), "not_registered");
  EXPECT_EQ(ToWire(AccountStatus::kRegisteredUnencrypted), "registered_unencrypted");
  EXPECT_EQ(ToWire(AccountStatus::kRegisteredEncrypted), "registered_encrypted");
}

TEST(PbxSourceWire, WireNamesAreSnakeCase) {
  auto check = [](auto values) {
    for (auto value : values) EXPECT_TRUE(IsSnakeCase(ToWire(value))) << ToWire(value);
  };
  check(AllValues<TelephoneStatus>());
  check(AllValues<AccountStatus>());
  check(AllValues<TelephoneKind>());
  check(AllValues<CallDirection>());
  check(AllValues<CallResult>());
}

TEST(PbxSourceWire, UnknownOrMiscasedNamesAreRejected) {
  EXPECT_FALSE(FromWire<TelephoneStatus>("registered").has_value());
  EXPECT_FALSE(FromWire<TelephoneStatus>("Unknown").has_value());
  EXPECT_FALSE(FromWire<AccountStatus>("").has_value());
  EXPECT_FALSE(FromWire<CallResult>("successful ").has_value());
}

TEST(PbxSourceWire, ConversionsWorkAtCompileTime) {
  static_assert(ToWire(CallDirection::kInternal) == "internal");
  static_assert(FromWire<AccountStatus>("stun_failed") == AccountStatus::kStunFailed);
}

// A source that implements only Identity() answers kUnsupported for the rest.
class IdentityOnlySource : public PbxSource {
 public:
  Result<PbxIdentity> Identity() override { return PbxIdentity{"SN", "m", "f"}; }
};

TEST(PbxSource, FeaturesAnAdapterDoesNotImplementAnswerUnsupported) {
  IdentityOnlySource source;
  EXPECT_EQ(source.Registrations(0).status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(source.CallsAfter(0, 10, 0).status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(source.Information(0).status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace ccc::agent::sources
