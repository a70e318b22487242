#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "relay/policy/roles.h"

// Access policy: "may user U do action X on system S?" (FEATURES B2, B3, B7, B8, A6, D5, H4,
// J1/J3). Pure functions over plain facts the caller loads from storage; no I/O, no clock,
// no state, so any thread may call them. Every API handler asks Decide() on every call
// (B8: checked on the server, never only in the UI).
namespace ccc::relay::policy {

// What a user asks to do on one system.
//
// Not gated by maintenance or firmware (usable on a paired system without maintenance):
//   kViewSystem, kReadSystemInformation, kReadLicences, kReadRegistrationStatus (any user who
//   can see the system, B3), kEditSystemName, kDeleteSystem, kManageAuthorisations,
//   kAddSystemToGroup.
// Management functions, gated by active maintenance and minimum firmware (A6, D5):
//   kMonitoring (also needs the site's monitoring-recording opt-in, A5), kAlerts, kBackup,
//   kFirmwareUpdate, kCallData, kSmtpSetting, kRemoteConfiguration (also needs the site's
//   remote-configuration opt-in, A5/J1/J3).
enum class Action {
  kViewSystem,              // see it in lists and open it (D1)
  kReadSystemInformation,   // D3
  kReadLicences,            // D4
  kReadRegistrationStatus,  // E1/E2
  kEditSystemName,          // D2
  kDeleteSystem,            // D2: owner only
  kManageAuthorisations,    // B4: grant/edit/revoke roles on this system
  kAddSystemToGroup,        // B7
  kMonitoring,              // G1 charts
  kAlerts,                  // G2
  kBackup,                  // F1-F4: create, restore, delete, schedule
  kFirmwareUpdate,          // F7/F8
  kCallData,                // H1-H4
  kSmtpSetting,             // C4: choose the system's outgoing mail server
  kRemoteConfiguration,     // J1
};

inline constexpr std::array<Action, 15> kAllActions = {
    Action::kViewSystem,
    Action::kReadSystemInformation,
    Action::kReadLicences,
    Action::kReadRegistrationStatus,
    Action::kEditSystemName,
    Action::kDeleteSystem,
    Action::kManageAuthorisations,
    Action::kAddSystemToGroup,
    Action::kMonitoring,
    Action::kAlerts,
    Action::kBackup,
    Action::kFirmwareUpdate,
    Action::kCallData,
    Action::kSmtpSetting,
    Action::kRemoteConfiguration,
};

// snake_case name for the wire and the UI ("view_system", "remote_configuration", ...).
std::string_view ActionWireName(Action action);

// The user asking. Users and systems are identified by their storage ids.
struct UserFacts {
  std::int64_t id = 0;
  std::int64_t company_id = 0;
  // Company administrators read the audit log; on systems they get no rights from this flag
  // (FEATURES grants system rights only via B8), and never on another company's systems.
  bool company_admin = false;
};

// The system asked about, as stored.
struct SystemFacts {
  std::int64_t id = 0;
  std::int64_t company_id = 0;
  std::int64_t owner_user_id = 0;
  bool maintenance_active = false;           // A6: operator-set maintenance contract
  bool firmware_ok = false;                  // A6: reported firmware >= operator's minimum
  bool monitoring_recording_opt_in = false;  // A5: site allows recording of system data
  bool remote_configuration_opt_in = false;  // A5: site allows remote configuration
};

// One membership of the user in a group that contains the system (B7). The member's rights
// come from member_role, or from the group's default_role when the member has none. A
// membership that resolves to no grantable role gives no rights and no path to the system.
struct GroupMembership {
  std::int64_t group_id = 0;
  std::optional<Role> member_role;
  std::optional<Role> default_role;
};

// Everything Decide() needs about one (user, system) pair. The caller passes only the
// authorisations and memberships of this user that concern this system.
struct AccessFacts {
  UserFacts user;
  SystemFacts system;
  RoleSet direct_roles;                      // B4 authorisations of user on system
  std::vector<GroupMembership> memberships;  // groups of the user that contain system
};

// Effective roles (B8): kOwner if the user owns the system, plus direct roles, plus one role
// per group membership. kOwner arriving through an authorisation or a group is ignored:
// ownership comes only from SystemFacts::owner_user_id. Empty when the system belongs to
// another company.
RoleSet EffectiveRoles(const AccessFacts& facts);

enum class Outcome {
  kAllow,
  kNotFound,            // 404: other company's system, or no path to it at all; never 403
  kForbidden,           // 403: the user sees the system but lacks a role for the action
  kPreconditionFailed,  // 422: role fine, but maintenance / firmware / site opt-in missing
};

// A precondition of a management function (A6, A5/J3), in the order they are reported.
enum class Precondition {
  kMaintenanceActive,
  kFirmwareSupported,
  kSiteOptIn,
};

// Stable error code for a missing precondition: "maintenance_inactive", "firmware_too_old",
// "site_opt_in_missing".
std::string_view MissingPreconditionCode(Precondition precondition);

struct Decision {
  Outcome outcome = Outcome::kNotFound;
  // kForbidden: the roles any one of which would allow the action (includes kOwner).
  RoleSet roles_that_allow;
  // kPreconditionFailed: every missing precondition, in Precondition order (A7 says
  // "maintenance inactive and/or firmware too old", so both may be listed).
  std::vector<Precondition> missing;

  bool allowed() const { return outcome == Outcome::kAllow; }
};

// The HTTP status the API answers for an outcome (200, 404, 403, 422).
int HttpStatus(Outcome outcome);

// Decides one action. Checks, in this order, so that nothing leaks to users who may not
// know: company and any path to the system (else kNotFound), the role (else kForbidden),
// then the preconditions (else kPreconditionFailed).
Decision Decide(const AccessFacts& facts, Action action);

// The actions Decide() allows right now, in kAllActions order: what the UI may offer (I).
// Empty when the user cannot see the system.
std::vector<Action> AllowedActions(const AccessFacts& facts);

}  // namespace ccc::relay::policy
