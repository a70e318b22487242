#include "relay/policy/roles.h"

#include <gtest/gtest.h>

#include <string>

namespace ccc::relay::policy {
namespace {

TEST(Roles, WireNamesAreTheOnesOfTheApiConventions) {
  EXPECT_EQ(RoleWireName(Role::kOwner), "owner");
  EXPECT_EQ(RoleWireName(Role::kAdministrator), "administrator");
  EXPECT_EQ(RoleWireName(Role::kMonitoring), "monitoring");
  EXPECT_EQ(RoleWireName(Role::kBackup), "backup");
  EXPECT_EQ(RoleWireName(Role::kCallData), "call_data");
}

TEST(Roles, EveryRoleParsesBackFromItsWireName) {
  for (Role role : kAllRoles) {
    SCOPED_TRACE(std::string(RoleWireName(role)));
    Result<Role> parsed = ParseRole(RoleWireName(role));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(*parsed, role);
  }
}

TEST(Roles, ParsingRejectsUnknownNamesWithInvalidArgumentNamingTheValue) {
  for (const char* name : {"", "Owner", "ADMINISTRATOR", "admin", "call-data", "calldata", " owner",
                           "owner ", "none"}) {
    SCOPED_TRACE(name);
    Result<Role> parsed = ParseRole(name);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("\"" + std::string(name) + "\""), std::string::npos)
        << parsed.status().message();
  }
}

TEST(Roles, OnlyOwnerCannotBeGranted) {
  EXPECT_FALSE(IsGrantable(Role::kOwner));
  EXPECT_TRUE(IsGrantable(Role::kAdministrator));
  EXPECT_TRUE(IsGrantable(Role::kMonitoring));
  EXPECT_TRUE(IsGrantable(Role::kBackup));
  EXPECT_TRUE(IsGrantable(Role::kCallData));
}

TEST(RoleSet, ListsItsMembersInDeclarationOrderWithoutDuplicates) {
  RoleSet roles = {Role::kCallData, Role::kOwner, Role::kCallData};
  roles |= RoleSet{Role::kBackup};
  EXPECT_EQ(roles.ToVector(), (std::vector<Role>{Role::kOwner, Role::kBackup, Role::kCallData}));
  EXPECT_FALSE(roles.Contains(Role::kAdministrator));
  EXPECT_TRUE(RoleSet{}.empty());
}

}  // namespace
}  // namespace ccc::relay::policy
