#include "relay/policy/roles.h"

#include <string>

namespace ccc::relay::policy {

std::string_view RoleWireName(Role role) {
  switch (role) {
    case Role::kOwner:
      return "owner";
    case Role::kAdministrator:
      return "administrator";
    case Role::kMonitoring:
      return "monitoring";
    case Role::kBackup:
      return "backup";
    case Role::kCallData:
      return "call_data";
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view wire_name) {
  for (Role role : kAllRoles) {
    if (RoleWireName(role) == wire_name) return role;
  }
  return InvalidArgument("unknown role \"" + std::string(wire_name) +
                         "\"; expected owner, administrator, monitoring, backup or call_data");
}

std::vector<Role> RoleSet::ToVector() const {
  std::vector<Role> roles;
  for (Role role : kAllRoles) {
    if (Contains(role)) roles.push_back(role);
  }
  return roles;
}

}  // namespace ccc::relay::policy
