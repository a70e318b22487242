#include "agent/sources/simulator/sim_fleet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>

namespace ccc::agent::sources::sim {
namespace {

using ::testing::AnyOf;
using ::testing::StartsWith;

const std::regex kMac("^([0-9A-F]{2}:){5}[0-9A-F]{2}$");
const std::regex kE164(R"(^\+[1-9][0-9]{6,14}$)");

TEST(SimFleet, HasExactlyTheConfiguredNumberOfTelephones) {
  for (int phones :
       {kMinPhones, 24, kMaxPhonesWithThreeDigits, kMaxPhonesWithThreeDigits + 1, kMaxPhones}) {
    EXPECT_EQ(BuildFleet(1, phones).phones.size(), static_cast<size_t>(phones));
  }
}

TEST(SimFleet, IdsAreNumberedInOrder) {
  const Fleet f = BuildFleet(3, 24);
  EXPECT_EQ(f.phones.front().telephone.id, "tel-0001");
  EXPECT_EQ(f.phones.back().telephone.id, "tel-0024");
  EXPECT_EQ(f.accounts.front().account.id, "acc-01");
}

TEST(SimFleet, MixesDeskPhonesDectAndAnaloguePortsLikeAnOffice) {
  std::map<TelephoneKind, int> kinds;
  for (const SimPhone& p : BuildFleet(11, kMaxPhones).phones) ++kinds[p.telephone.kind];
  EXPECT_GT(kinds[TelephoneKind::kSipDesk], 1200);
  EXPECT_GT(kinds[TelephoneKind::kDect], 300);
  EXPECT_EQ(kinds[TelephoneKind::kDectBase], 125);  // every 16th entry
  EXPECT_GT(kinds[TelephoneKind::kAnalogue], 80);
  EXPECT_LT(kinds[TelephoneKind::kAnalogue], 200);
}

TEST(SimFleet, EverySmallPbxHasAnAnaloguePortAndDeskPhonesWithAndWithoutTls) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const Fleet f = BuildFleet(seed, kMinPhones);
    std::set<TelephoneStatus> baselines;
    bool analogue = false;
    for (const SimPhone& p : f.phones) {
      baselines.insert(p.baseline);
      analogue |= p.telephone.kind == TelephoneKind::kAnalogue;
    }
    EXPECT_TRUE(analogue);
    EXPECT_TRUE(baselines.count(TelephoneStatus::kRegisteredEncrypted));
    EXPECT_TRUE(baselines.count(TelephoneStatus::kRegisteredUnencrypted));
  }
}

TEST(SimFleet, MacAddressesAreUniqueAndOnlyOnDeskPhonesAndDectBases) {
  const Fleet f = BuildFleet(5, kMaxPhones);
  std::set<std::string> macs;
  for (const SimPhone& p : f.phones) {
    const Telephone& t = p.telephone;
    if (t.kind == TelephoneKind::kSipDesk || t.kind == TelephoneKind::kDectBase) {
      EXPECT_TRUE(std::regex_match(t.mac, kMac)) << t.mac;
      EXPECT_THAT(t.mac,
                  AnyOf(StartsWith("00:09:52:"), StartsWith("80:5E:C0:"), StartsWith("00:04:13:")));
      EXPECT_TRUE(macs.insert(t.mac).second) << "duplicate " << t.mac;
    } else {
      EXPECT_EQ(t.mac, "") << t.id;
    }
  }
  EXPECT_TRUE(std::regex_match(f.mac, kMac));
}

TEST(SimFleet, NamesAndExtensionsAreUniqueEvenWithTwoThousandEntries) {
  const Fleet f = BuildFleet(8, kMaxPhones);
  std::set<std::string> names;
  std::set<std::string> extensions;
  for (const SimPhone& p : f.phones) {
    EXPECT_TRUE(names.insert(p.telephone.name).second) << p.telephone.name;
    if (p.telephone.kind == TelephoneKind::kDectBase) {
      EXPECT_EQ(p.telephone.extension, "");
    } else {
      EXPECT_EQ(p.telephone.extension.size(), 4u);
      EXPECT_TRUE(extensions.insert(p.telephone.extension).second) << p.telephone.extension;
    }
  }
  for (const SimParty& group : f.groups) EXPECT_FALSE(extensions.count(group.number));
  EXPECT_FALSE(extensions.count(f.door.number));
}

TEST(SimFleet, SmallPbxsUseThreeDigitExtensions) {
  const Fleet f = BuildFleet(8, 24);
  EXPECT_EQ(f.phones[0].telephone.extension, "201");
  EXPECT_EQ(f.phones[0].telephone.name, "Reception");
  EXPECT_EQ(f.groups[0].number, "400");
}

TEST(SimFleet, DectHandsetsNameABaseThatExists) {
  const Fleet f = BuildFleet(21, 300);
  int handsets = 0;
  for (const SimPhone& p : f.phones) {
    if (p.telephone.kind != TelephoneKind::kDect) continue;
    ++handsets;
    const SimPhone& base = f.phones.at(static_cast<size_t>(p.dect_base));
    EXPECT_EQ(base.telephone.kind, TelephoneKind::kDectBase);
    EXPECT_EQ(base.telephone.id, p.telephone.dect_base_id);
    EXPECT_THAT(p.telephone.model, ::testing::EndsWith("(DECT)"));
  }
  EXPECT_GT(handsets, 30);
}

TEST(SimFleet, AnaloguePortsAreNumberedAndFitIntoTheModules) {
  const Fleet f = BuildFleet(4, 500);
  int ports = 0;
  for (const SimPhone& p : f.phones) {
    if (p.telephone.kind != TelephoneKind::kAnalogue) continue;
    ++ports;
    EXPECT_EQ(p.telephone.model, "analogue port " + std::to_string(ports));
    EXPECT_EQ(p.baseline, TelephoneStatus::kConnectedAnalogue);
  }
  int analogue_module_ports = 0;
  int slot = 0;
  for (const ExpansionModule& m : f.modules) {
    EXPECT_EQ(m.slot, ++slot);
    if (m.module == "COMmander 8a/b module") analogue_module_ports += m.ports;
  }
  EXPECT_GE(analogue_module_ports, ports);
  EXPECT_LT(analogue_module_ports, ports + 8);
}

TEST(SimFleet, GrowingAPbxKeepsItsExistingEntries) {
  const Fleet small = BuildFleet(9, 24);
  const Fleet large = BuildFleet(9, 80);
  for (size_t i = 0; i < small.phones.size(); ++i) {
    EXPECT_EQ(small.phones[i].telephone, large.phones[i].telephone) << i;
  }
}

TEST(SimFleet, DifferentSeedsGiveDifferentPbxs) {
  const Fleet a = BuildFleet(1, 24);
  const Fleet b = BuildFleet(2, 24);
  int same_macs = 0;
  int same_names = 0;
  for (size_t i = 0; i < a.phones.size(); ++i) {
    same_macs += a.phones[i].telephone.mac == b.phones[i].telephone.mac &&
                 !a.phones[i].telephone.mac.empty();
    same_names += a.phones[i].telephone.name == b.phones[i].telephone.name;
  }
  EXPECT_EQ(same_macs, 0);
  EXPECT_LT(same_names, 12);  // the fixed ones (Reception, ...) are alike
}

TEST(SimFleet, AccountsCoverTheThreeWaysAnAccountCanBehave) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const Fleet f = BuildFleet(seed, 24);
    ASSERT_EQ(f.accounts.size(), 3u);
    EXPECT_EQ(f.accounts[0].role, AccountRole::kTrunk);
    EXPECT_EQ(f.accounts[1].role, AccountRole::kStunRegistered);
    EXPECT_EQ(f.accounts[2].role, AccountRole::kNoRegistration);
  }
  EXPECT_EQ(BuildFleet(1, kMaxPhones).accounts.size(), 12u);
}

TEST(SimFleet, AccountsCarryProviderStunServerAndNumber) {
  const Fleet f = BuildFleet(17, kMaxPhones);
  std::set<std::string> ids;
  for (const SimAccount& a : f.accounts) {
    const ProviderAccount& p = a.account;
    EXPECT_TRUE(ids.insert(p.id).second);
    EXPECT_FALSE(p.name.empty());
    EXPECT_FALSE(p.provider.empty());
    EXPECT_THAT(p.number, StartsWith("+49 " + f.area_code + " "));
    EXPECT_TRUE(std::regex_match(a.e164, kE164)) << a.e164;
    EXPECT_EQ(p.stun_server.empty(), a.role == AccountRole::kTrunk) << p.id;
    EXPECT_EQ(p.status, a.baseline);
  }
}

TEST(SimFleet, ContactsHaveInternationalNumbers) {
  const Fleet f = BuildFleet(6, 100);
  int named = 0;
  for (const SimParty& c : f.contacts) {
    EXPECT_TRUE(std::regex_match(c.number, kE164)) << c.number;
    named += !c.name.empty();
  }
  EXPECT_GT(named, static_cast<int>(f.contacts.size()) * 7 / 10);
  EXPECT_TRUE(std::regex_match(f.call_through_user.number, kE164));
}

TEST(SimFleet, LicencesNeverShowMoreUsedThanBought) {
  for (int phones : {kMinPhones, 24, 700, kMaxPhones}) {
    const Fleet f = BuildFleet(13, phones);
    ASSERT_FALSE(f.licences.empty());
    for (const Licence& l : f.licences) {
      EXPECT_GE(l.used, 0) << l.name;
      EXPECT_LE(l.used, l.total) << l.name;
      EXPECT_GT(l.total, 0) << l.name;
    }
    EXPECT_EQ(f.licences[1].name, "Users");
    EXPECT_EQ(f.licences[1].used, static_cast<int64_t>(f.users.size()));
  }
}

}  // namespace
}  // namespace ccc::agent::sources::sim
