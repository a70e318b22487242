#include "relay/policy/access_policy.h"

namespace ccc::relay::policy {
namespace {

enum class OptIn { kNone, kMonitoringRecording, kRemoteConfiguration };

// What one action needs. The single source of the role/action matrix (B2, B3, H4, J1).
struct Rule {
  RoleSet roles;    // any one of these allows the action
  bool management;  // needs maintenance and minimum firmware (A6, D5)
  OptIn opt_in;     // site-side opt-in it needs (A5)
};

constexpr RoleSet kAnyRole = {Role::kOwner, Role::kAdministrator, Role::kMonitoring, Role::kBackup,
                              Role::kCallData};
constexpr RoleSet kOwnerOnly = {Role::kOwner};
constexpr RoleSet kAdministration = {Role::kOwner, Role::kAdministrator};

Rule RuleFor(Action action) {
  switch (action) {
    case Action::kViewSystem:
    case Action::kReadSystemInformation:
    case Action::kReadLicences:
    case Action::kReadRegistrationStatus:
      return {kAnyRole, false, OptIn::kNone};
    case Action::kEditSystemName:
    case Action::kManageAuthorisations:
    case Action::kAddSystemToGroup:
      return {kAdministration, false, OptIn::kNone};
    case Action::kDeleteSystem:
      return {kOwnerOnly, false, OptIn::kNone};
    case Action::kMonitoring:
      return {{Role::kOwner, Role::kAdministrator, Role::kMonitoring},
              true,
              OptIn::kMonitoringRecording};
    case Action::kAlerts:
      return {{Role::kOwner, Role::kAdministrator, Role::kMonitoring}, true, OptIn::kNone};
    case Action::kBackup:
      return {{Role::kOwner, Role::kAdministrator, Role::kBackup}, true, OptIn::kNone};
    case Action::kFirmwareUpdate:
    case Action::kSmtpSetting:
      return {kAdministration, true, OptIn::kNone};
    case Action::kCallData:
      return {{Role::kOwner, Role::kAdministrator, Role::kCallData}, true, OptIn::kNone};
    case Action::kRemoteConfiguration:
      return {kAdministration, true, OptIn::kRemoteConfiguration};
  }
  // Unreachable for valid enumerators; an out-of-range value must never allow anything.
  return {RoleSet{}, true, OptIn::kNone};
}

bool OptInGiven(const SystemFacts& system, OptIn opt_in) {
  switch (opt_in) {
    case OptIn::kNone:
      return true;
    case OptIn::kMonitoringRecording:
      return system.monitoring_recording_opt_in;
    case OptIn::kRemoteConfiguration:
      return system.remote_configuration_opt_in;
  }
  return false;
}

void AddGranted(RoleSet& roles, std::optional<Role> role) {
  if (role.has_value() && IsGrantable(*role)) roles.Add(*role);
}

}  // namespace

std::string_view ActionWireName(Action action) {
  switch (action) {
    case Action::kViewSystem:
      return "view_system";
    case Action::kReadSystemInformation:
      return "read_system_information";
    case Action::kReadLicences:
      return "read_licences";
    case Action::kReadRegistrationStatus:
      return "read_registration_status";
    case Action::kEditSystemName:
      return "edit_system_name";
    case Action::kDeleteSystem:
      return "delete_system";
    case Action::kManageAuthorisations:
      return "manage_authorisations";
    case Action::kAddSystemToGroup:
      return "add_system_to_group";
    case Action::kMonitoring:
      return "monitoring";
    case Action::kAlerts:
      return "alerts";
    case Action::kBackup:
      return "backup";
    case Action::kFirmwareUpdate:
      return "firmware_update";
    case Action::kCallData:
      return "call_data";
    case Action::kSmtpSetting:
      return "smtp_setting";
    case Action::kRemoteConfiguration:
      return "remote_configuration";
  }
  return "unknown";
}

std::string_view MissingPreconditionCode(Precondition precondition) {
  switch (precondition) {
    case Precondition::kMaintenanceActive:
      return "maintenance_inactive";
    case Precondition::kFirmwareSupported:
      return "firmware_too_old";
    case Precondition::kSiteOptIn:
      return "site_opt_in_missing";
  }
  return "unknown";
}

int HttpStatus(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAllow:
      return 200;
    case Outcome::kNotFound:
      return 404;
    case Outcome::kForbidden:
      return 403;
    case Outcome::kPreconditionFailed:
      return 422;
  }
  return 500;
}

RoleSet EffectiveRoles(const AccessFacts& facts) {
  RoleSet roles;
  // Company isolation first: stale rows pointing across companies grant nothing.
  if (facts.user.company_id != facts.system.company_id) return roles;
  if (facts.system.owner_user_id == facts.user.id) roles.Add(Role::kOwner);
  for (Role role : facts.direct_roles.ToVector()) AddGranted(roles, role);
  for (const GroupMembership& membership : facts.memberships) {
    AddGranted(roles, membership.member_role.has_value() ? membership.member_role
                                                         : membership.default_role);
  }
  return roles;
}

Decision Decide(const AccessFacts& facts, Action action) {
  Decision decision;
  const RoleSet roles = EffectiveRoles(facts);
  if (roles.empty()) {
    decision.outcome = Outcome::kNotFound;
    return decision;
  }
  const Rule rule = RuleFor(action);
  if (!roles.Intersects(rule.roles)) {
    decision.outcome = Outcome::kForbidden;
    decision.roles_that_allow = rule.roles;
    return decision;
  }
  if (rule.management && !facts.system.maintenance_active) {
    decision.missing.push_back(Precondition::kMaintenanceActive);
  }
  if (rule.management && !facts.system.firmware_ok) {
    decision.missing.push_back(Precondition::kFirmwareSupported);
  }
  if (!OptInGiven(facts.system, rule.opt_in)) {
    decision.missing.push_back(Precondition::kSiteOptIn);
  }
  decision.outcome = decision.missing.empty() ? Outcome::kAllow : Outcome::kPreconditionFailed;
  return decision;
}

std::vector<Action> AllowedActions(const AccessFacts& facts) {
  std::vector<Action> allowed;
  for (Action action : kAllActions) {
    if (Decide(facts, action).allowed()) allowed.push_back(action);
  }
  return allowed;
}

}  // namespace ccc::relay::policy
