#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "common/status/status.h"

namespace ccc::relay::policy {

// The roles a user may hold on one system (FEATURES B2). A user may hold several.
// kOwner is not granted: it follows from being the system's creator (A1), so authorisations
// and groups carry only the other four (see IsGrantable).
enum class Role { kOwner, kAdministrator, kMonitoring, kBackup, kCallData };

inline constexpr std::array<Role, 5> kAllRoles = {
    Role::kOwner, Role::kAdministrator, Role::kMonitoring, Role::kBackup, Role::kCallData};

// The one mapping between roles and their wire names: "owner", "administrator",
// "monitoring", "backup", "call_data" (ARCHITECTURE.md, API conventions).
std::string_view RoleWireName(Role role);

// Parses a wire name exactly (case-sensitive, no trimming). Unknown names are
// kInvalidArgument with a message naming the value and the accepted names.
Result<Role> ParseRole(std::string_view wire_name);

// True for the roles an authorisation or a group may give (all but kOwner).
constexpr bool IsGrantable(Role role) { return role != Role::kOwner; }

// A set of roles; a value type, cheap to copy.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role role : roles) Add(role);
  }

  constexpr void Add(Role role) { bits_ |= Bit(role); }
  constexpr bool Contains(Role role) const { return (bits_ & Bit(role)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr bool Intersects(RoleSet other) const { return (bits_ & other.bits_) != 0; }
  constexpr RoleSet& operator|=(RoleSet other) {
    bits_ |= other.bits_;
    return *this;
  }
  constexpr bool operator==(const RoleSet&) const = default;

  // The members in kAllRoles order.
  std::vector<Role> ToVector() const;

 private:
  static constexpr std::uint32_t Bit(Role role) {
    return std::uint32_t{1} << static_cast<unsigned>(role);
  }

  std::uint32_t bits_ = 0;
};

}  // namespace ccc::relay::policy
