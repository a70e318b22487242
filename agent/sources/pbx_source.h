#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"

namespace ccc::agent::sources {

// What identifies a PBX; a change (e.g. a firmware update) becomes a sysinfo record.
struct PbxIdentity {
  std::string serial;
  std::string model;
  std::string firmware;

  friend bool operator==(const PbxIdentity&, const PbxIdentity&) = default;
};

// What a telephone entry of the PBX is. DECT bases are entries of their own: the PBX
// provisions them by MAC like desk phones; the handsets register through them.
enum class TelephoneKind {
  kSipDesk,   // "sip_desk": SIP desk phone, identified by its MAC
  kDectBase,  // "dect_base": DECT base station (provisioned by MAC; no extension)
  kDect,      // "dect": DECT handset, registered through a base (Telephone::dect_base_id)
  kAnalogue,  // "analogue": analogue port of an expansion module
};

// Status of a telephone (FEATURES E1); exactly the values the PBX reports.
// Which kinds use which values: SIP desk phones all but kConnectedAnalogue; DECT bases the
// provisioning values and kUnknown; DECT handsets the registration values and kUnknown;
// analogue ports kConnectedAnalogue and kUnknown.
enum class TelephoneStatus {
  kNoProvisioningFile,      // "no_provisioning_file": no provisioning file for the device
  kProvisioningPending,     // "provisioning_pending": provisioning not yet carried out
  kProvisioningDone,        // "provisioning_done": the device fetched its provisioning
  kRegisteredEncrypted,     // "registered_encrypted": registered, signalling encrypted (TLS)
  kRegisteredUnencrypted,   // "registered_unencrypted": registered without encryption
  kRegistrationIncomplete,  // "registration_incomplete": registration not (yet) completed
  kUnknown,                 // "unknown"
  kConnectedAnalogue,       // "connected_analogue": a telephone is connected to the port
};

// Status of a provider account / SIP trunk (FEATURES E2); exactly the values the PBX
// reports. One value at a time: the PBX shows STUN progress while it has no registration
// result yet, and the registration result once it has one.
enum class AccountStatus {
  kStunNotConnected,       // "stun_not_connected": no STUN server entered, or not connected yet
  kStunConnected,          // "stun_connected": connection to the STUN server established
  kStunFailed,             // "stun_failed": STUN server offline, misconfigured or blocked
  kStunQueryFailed,        // "stun_query_failed": STUN query failed or no outgoing call yet
  kInviteAnswered,         // "invite_answered": the provider answered the INVITE in some form
  kConfigurationFaulty,    // "configuration_faulty": wrong account data/credentials, or the
                           // outbound proxy is offline
  kNotRegistered,          // "not_registered"
  kRegisteredUnencrypted,  // "registered_unencrypted"
  kRegisteredEncrypted,    // "registered_encrypted"
};

enum class CallDirection {
  kIncoming,  // "incoming"
  kOutgoing,  // "outgoing"
  kInternal,  // "internal"
};

// "Type of billing" of the PBX's call data.
enum class CallResult {
  kSuccessful,    // "successful"
  kUnsuccessful,  // "unsuccessful"
};

// The one place that maps the enums above to their wire names (snake_case, also the suffix
// of their UI text keys). WireNames<E>::kNames[i] names the enumerator with value i.
template <typename E>
struct WireNames;

template <>
struct WireNames<TelephoneKind> {
  static constexpr std::array<std::string_view, 4> kNames{"sip_desk", "dect_base", "dect",
                                                          "analogue"};
};

template <>
struct WireNames<TelephoneStatus> {
  static constexpr std::array<std::string_view, 8> kNames{"no_provisioning_file",
                                                          "provisioning_pending",
                                                          "provisioning_done",
                                                          "registered_encrypted",
                                                          "registered_unencrypted",
                                                          "registration_incomplete",
                                                          "unknown",
                                                          "connected_analogue"};
};

template <>
struct WireNames<AccountStatus> {
  static constexpr std::array<std::string_view, 9> kNames{
      "stun_not_connected", "stun_connected",         "stun_failed",
      "stun_query_failed",  "invite_answered",        "configuration_faulty",
      "not_registered",     "registered_unencrypted", "registered_encrypted"};
};

template <>
struct WireNames<CallDirection> {
  static constexpr std::array<std::string_view, 3> kNames{"incoming", "outgoing", "internal"};
};

template <>
struct WireNames<CallResult> {
  static constexpr std::array<std::string_view, 2> kNames{"successful", "unsuccessful"};
};

static_assert(WireNames<TelephoneKind>::kNames.size() ==
              static_cast<size_t>(TelephoneKind::kAnalogue) + 1);
static_assert(WireNames<TelephoneStatus>::kNames.size() ==
              static_cast<size_t>(TelephoneStatus::kConnectedAnalogue) + 1);
static_assert(WireNames<AccountStatus>::kNames.size() ==
              static_cast<size_t>(AccountStatus::kRegisteredEncrypted) + 1);
static_assert(WireNames<CallDirection>::kNames.size() ==
              static_cast<size_t>(CallDirection::kInternal) + 1);
static_assert(WireNames<CallResult>::kNames.size() ==
              static_cast<size_t>(CallResult::kUnsuccessful) + 1);

template <typename E>
constexpr std::string_view ToWire(E value) {
  return WireNames<E>::kNames[static_cast<size_t>(value)];
}

// nullopt for a name that is not one of E's wire names (exact, case-sensitive match).
template <typename E>
constexpr std::optional<E> FromWire(std::string_view name) {
  for (size_t i = 0; i < WireNames<E>::kNames.size(); ++i) {
    if (WireNames<E>::kNames[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

// Every value of E in declaration order (e.g. for a legend or a coverage check).
template <typename E>
constexpr auto AllValues() {
  std::array<E, WireNames<E>::kNames.size()> values{};
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<E>(i);
  return values;
}

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
