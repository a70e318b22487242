#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

// The PBX vocabulary shared by the agent (which produces the "registrations" and "calls"
// bodies) and the relay (which validates and filters by them): the enums and their wire
// names. Kept here rather than in agent/sources so that the relay never depends on the agent.
// Call types are the PBX's free text, so they have no enum.
namespace ccc::protocol {

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

// A table shorter or longer than its enum would silently misname values.
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

// "a, b, c": the names in the given order, for error messages that list what is accepted.
std::string JoinWireNames(std::span<const std::string_view> names);

// E's wire names in declaration order, joined as JoinWireNames does.
template <typename E>
std::string WireNameList() {
  return JoinWireNames(WireNames<E>::kNames);
}

}  // namespace ccc::protocol
