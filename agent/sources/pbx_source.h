#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/protocol/pbx_wire.h"
#include "common/status/status.h"

namespace ccc::agent::sources {

// What identifies a PBX; a change (e.g. a firmware update) becomes a sysinfo record.
struct PbxIdentity {
  std::string serial;
  std::string model;
  std::string firmware;

  friend bool operator==(const PbxIdentity&, const PbxIdentity&) = default;
};

// The PBX enums and their wire names are shared with the relay, so they live in
// common/protocol/pbx_wire.h; re-exported so that agent code keeps naming them sources::X.
using protocol::AccountStatus;
using protocol::CallDirection;
using protocol::CallResult;
using protocol::TelephoneKind;
using protocol::TelephoneStatus;

using protocol::AllValues;
using protocol::FromWire;
using protocol::ToWire;
using protocol::WireNames;

// One telephone entry of the PBX (FEATURES E1).
struct Telephone {
  std::string id;         // stable key within the PBX ("tel-0007"); never reused
  std::string name;       // as configured in the PBX ("Reception", "Anna Becker")
  std::string extension;  // internal number ("201"); empty for DECT bases
  TelephoneKind kind = TelephoneKind::kSipDesk;
  std::string dect_base_id;  // kDect: id of the kDectBase entry it uses; else empty
  std::string mac;           // "00:09:52:1A:2B:3C" (upper-case hex) for SIP desk phones and
                             // DECT bases; empty for DECT handsets and analogue ports
  std::string model;         // "COMfortel D-400", "COMfortel M-710 (DECT)", "analogue port 3"
  TelephoneStatus status = TelephoneStatus::kUnknown;

  friend bool operator==(const Telephone&, const Telephone&) = default;
};

// One provider account or SIP trunk (FEATURES E2).
struct ProviderAccount {
  std::string id;           // stable key within the PBX ("acc-01")
  std::string name;         // account name as configured ("Main line")
  std::string provider;     // provider name ("Deutsche Telekom", "sipgate")
  std::string number;       // the account's number or number block, for people to read
                            // ("+49 521 98765-0" is a trunk with direct dialling-in)
  std::string stun_server;  // host name; empty when the account uses no STUN server
  AccountStatus status = AccountStatus::kNotRegistered;

  friend bool operator==(const ProviderAccount&, const ProviderAccount&) = default;
};

// A full snapshot of the registration status; lists in the PBX's order (by id).
struct RegistrationState {
  std::vector<Telephone> telephones;
  std::vector<ProviderAccount> accounts;

  friend bool operator==(const RegistrationState&, const RegistrationState&) = default;
};

// One call data record (FEATURES H1), written by the PBX when the call (or the attempt)
// ended. Numbers are as the PBX stores them: external ones in international format
// ("+49301234567"), internal ones as extensions or group numbers ("201", "400").
struct CallRecord {
  // Record number: strictly increasing per PBX in the order the records are written (the
  // order in which calls end). The agent's cursor; never 0.
  uint64_t id = 0;
  int64_t start_ms = 0;    // beginning of the call, Unix epoch milliseconds (UTC)
  int64_t duration_s = 0;  // talk time in seconds; 0 for unsuccessful calls
  CallDirection direction = CallDirection::kOutgoing;
  CallResult result = CallResult::kSuccessful;
  // External party: dialled number (outgoing), transmitted number (incoming; empty when the
  // caller withheld it) or, for internal calls, the other extension.
  std::string external_number;
  std::string external_name;   // from the caller id or the PBX's contacts; may be empty
  std::string billing_number;  // internal user or group number the call is billed to
  std::string billing_name;    // name of that user or group
  std::string real_name;       // who actually made or took the call (user or group name)
  std::string own_number;      // the PBX's own number used (MSN/DID); empty for internal calls
  // The PBX's text for the call type (configurable on the PBX, so free text). The simulator
  // uses "business", "private", "forwarding" (call diverted to an external number), "door"
  // (door terminal to external) and "call_through".
  std::string call_type;

  friend bool operator==(const CallRecord&, const CallRecord&) = default;
};

struct Licence {
  std::string name;  // "Users", "VoIP channels", ...
  int64_t total = 0;
  int64_t used = 0;  // never above total

  friend bool operator==(const Licence&, const Licence&) = default;
};

struct ExpansionModule {
  int slot = 0;        // 1-based module slot
  std::string module;  // "COMmander 8a/b module"
  int ports = 0;

  friend bool operator==(const ExpansionModule&, const ExpansionModule&) = default;
};

// Device information, licences and current expansion (FEATURES D3, D4).
struct PbxInformation {
  std::string model;
  std::string serial;
  std::string firmware;
  std::string hardware_revision;
  std::string mac;
  int64_t uptime_s = 0;      // grows with now; compare booted_at_ms to detect a restart
  int64_t booted_at_ms = 0;  // last start of the PBX, Unix epoch milliseconds (UTC)
  std::vector<Licence> licences;
  std::vector<ExpansionModule> modules;

  friend bool operator==(const PbxInformation&, const PbxInformation&) = default;
};

// The PBX side of the agent. Implementations: the simulator and, later, real adapters.
// Each feature has its own method; the defaults answer kUnsupported so that an adapter
// implements what its PBX can do. Errors: kUnavailable when the PBX cannot be reached right
// now (retry later), kUnsupported when it cannot do this at all.
// `now_ms` is the agent's wall clock (Unix epoch milliseconds); a real adapter may ignore it.
// Thread: called from the agent loop only.
class PbxSource {
 public:
  virtual ~PbxSource() = default;

  // kUnavailable when the PBX cannot be reached right now.
  virtual Result<PbxIdentity> Identity() = 0;

  // The current status of every telephone and provider account, as a full snapshot (the
  // agent works out the changes).
  virtual Result<RegistrationState> Registrations(int64_t now_ms) {
    (void)now_ms;
    return Unsupported("this PBX source reports no registration status");
  }

  // Call data records with id > cursor, ascending by id, at most max_records, only calls
  // that ended by now_ms. Cursor contract (what the agent persists): when the last record
  // returned has id X, every record with id <= X that will ever exist has been returned by
  // this or an earlier answer, so asking again with cursor X never loses nor repeats one.
  // cursor 0 = from the start of the PBX's stored history. An empty answer means nothing
  // new yet.
  virtual Result<std::vector<CallRecord>> CallsAfter(uint64_t cursor, size_t max_records,
                                                     int64_t now_ms) {
    (void)cursor;
    (void)max_records;
    (void)now_ms;
    return Unsupported("this PBX source reports no call data");
  }

  // Device information, licences and expansion.
  virtual Result<PbxInformation> Information(int64_t now_ms) {
    (void)now_ms;
    return Unsupported("this PBX source reports no system information");
  }
};

}  // namespace ccc::agent::sources
