#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "relay/policy/roles.h"

// How roles are stored in directory.db (directory_schema.h): authorisations.roles is a bit
// mask (bit = 1 << Role); groups.default_role and group_members.role hold one Role value or
// NULL. Shared by directory_systems.cc and directory_access.cc only.
namespace ccc::relay::directory::detail {

// The SQL in directory_systems.cc spells these numbers out (bit masks 1..16, role values
// 1..4 for the grantable roles); they must follow the enum.
static_assert(static_cast<int>(policy::Role::kOwner) == 0);
static_assert(static_cast<int>(policy::Role::kAdministrator) == 1);
static_assert(static_cast<int>(policy::Role::kCallData) == 4);

inline int64_t RoleBits(policy::RoleSet roles) {
  int64_t bits = 0;
  for (policy::Role role : roles.ToVector()) bits |= int64_t{1} << static_cast<int>(role);
  return bits;
}

// Bits outside the known roles are ignored.
inline policy::RoleSet RoleSetFromBits(int64_t bits) {
  policy::RoleSet roles;
  for (policy::Role role : policy::kAllRoles) {
    if ((bits & (int64_t{1} << static_cast<int>(role))) != 0) roles.Add(role);
  }
  return roles;
}

// A stored role value; nullopt for NULL and for values no Role has.
inline std::optional<policy::Role> RoleFromValue(std::optional<int64_t> value) {
  if (!value.has_value()) return std::nullopt;
  for (policy::Role role : policy::kAllRoles) {
    if (static_cast<int64_t>(role) == *value) return role;
  }
  return std::nullopt;
}

inline std::optional<int64_t> RoleValue(std::optional<policy::Role> role) {
  if (!role.has_value()) return std::nullopt;
  return static_cast<int64_t>(*role);
}

}  // namespace ccc::relay::directory::detail
