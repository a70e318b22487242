#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "relay/store/store.h"

// Bodies of the PBX data streams (issue 5 contract, section 1) as the relay accepts them.
// Pure functions; no storage.
//
// Accepted shapes (extra keys are ignored so that a newer agent keeps working):
//   "registrations": {"kind":"snapshot"|"changes", "telephones":[...], "accounts":[...],
//     "removed_telephones":[id...], "removed_accounts":[id...]} — every list optional,
//     removed_* only in changes. Telephone: id (non-empty), kind and status (wire names)
//     required; name, extension, dect_base_id, mac, model optional strings. Account: id and
//     status required; name, provider, number, stun_server optional strings.
//   "calls": {"id": 1..2^53-1, "start_ms": >= 0, "duration_s": >= 0, "direction", "result"
//     (wire names)} required; external_number, external_name, billing_number, billing_name,
//     real_name, own_number, call_type optional strings.
// Every string is at most kMaxPbxText bytes. A body breaking any rule is refused whole with
// kInvalidArgument naming the first problem.
namespace ccc::relay::store {

inline constexpr size_t kMaxPbxText = 1024;

struct RegistrationRecord {
  bool snapshot = false;
  // device, since_ms and updated_ms are left 0/empty: the store fills them.
  std::vector<TelephoneRow> telephones;
  std::vector<AccountRow> accounts;
  std::vector<std::string> removed_telephones;
  std::vector<std::string> removed_accounts;
};

Result<RegistrationRecord> ParseRegistrationRecord(std::string_view body);

// device is left empty.
Result<CallRow> ParseCallRecord(std::string_view body);

// Case-folds for the q filters: ASCII A-Z and the Latin-1 capitals (UTF-8 U+00C0..U+00DE,
// except U+00D7) to lower case; every other byte unchanged. Folding keeps UTF-8 valid.
std::string FoldForSearch(std::string_view text);

// The calls.search column: the six number/name columns folded and joined by U+001F.
std::string CallSearchText(const CallRow& call);

}  // namespace ccc::relay::store
