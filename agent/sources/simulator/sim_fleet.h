#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "agent/sources/pbx_source.h"

// What a simulated PBX is made of: its telephones, provider accounts, groups, contacts,
// licences and modules. A pure function of (seed, phone count), built once per simulator.
namespace ccc::agent::sources::sim {

inline constexpr int kMinPhones = 5;
inline constexpr int kMaxPhones = 2000;
// Up to this many entries the dial plan uses three-digit extensions (201...), above it
// four-digit ones (2001...).
inline constexpr int kMaxPhonesWithThreeDigits = 90;

struct SimPhone {
  Telephone telephone;  // status is filled in per snapshot
  // The status it has when nothing is going on (e.g. registered_encrypted).
  TelephoneStatus baseline = TelephoneStatus::kUnknown;
  int dect_base = -1;      // kDect: index of its base in Fleet::phones
  double call_weight = 0;  // relative share of the calls it makes and takes
  std::string ddi;         // direct-dial suffix on the trunk (= extension)
};

// How an account behaves (which status values it goes through).
enum class AccountRole {
  kTrunk,           // registers, no STUN; registered_encrypted when all is well
  kStunRegistered,  // registers behind STUN; registered_unencrypted when all is well
  kNoRegistration,  // no registration; invite_answered once an outgoing call went through
};

struct SimAccount {
  ProviderAccount account;  // status is filled in per snapshot
  AccountRole role = AccountRole::kTrunk;
  AccountStatus baseline = AccountStatus::kRegisteredEncrypted;
  std::string e164;          // number (or number block without the DDI) in E.164 form
  bool direct_dial = false;  // a trunk with direct dialling-in: own numbers are e164 + DDI
  int channels = 2;
  double call_weight = 1;  // share of external calls routed over it
};

struct SimParty {
  std::string number;  // E.164 or internal number
  std::string name;    // may be empty (number not in the contacts)
};

struct Fleet {
  uint64_t seed = 0;
  std::vector<SimPhone> phones;         // index i has id "tel-<i+1>"
  std::vector<size_t> users;            // phones people call from/to (not DECT bases)
  std::vector<double> user_weight_cdf;  // cumulative call_weight over `users`
  std::vector<size_t> sip_desks;        // indices of SIP desk phones
  std::vector<SimAccount> accounts;
  std::vector<double> account_weight_cdf;
  std::vector<SimParty> groups;    // hunt groups callers reach by the main number
  SimParty door;                   // the door terminal
  SimParty call_through_user;      // an employee's mobile allowed to call through the PBX
  std::vector<SimParty> contacts;  // external parties in the PBX's contacts, most
                                   // frequent first
  std::string area_code;           // the site's area code without the 0 ("521")
  std::string hardware_revision;
  std::string mac;
  std::vector<Licence> licences;
  std::vector<ExpansionModule> modules;
};

// phones in [kMinPhones, kMaxPhones]. Entry i depends only on the seed, on the entries
// before it and on whether the dial plan is three- or four-digit, so growing a PBX keeps its
// existing entries (within one dial plan). Accounts, contacts and licences follow the size.
Fleet BuildFleet(uint64_t seed, int phones);

// Random external numbers in E.164 form: a German landline (the site's area code with
// probability `local`), a German mobile, a foreign or a service number.
std::string RandomExternalNumber(uint64_t key, const std::string& area_code, double local);
std::string RandomMobileNumber(uint64_t key);

}  // namespace ccc::agent::sources::sim
