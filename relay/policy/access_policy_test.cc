#include "relay/policy/access_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ccc::relay::policy {

// Readable failure output for the value types under test.
void PrintTo(Outcome outcome, std::ostream* os) { *os << "HTTP " << HttpStatus(outcome); }
void PrintTo(Action action, std::ostream* os) { *os << ActionWireName(action); }
void PrintTo(Precondition precondition, std::ostream* os) {
  *os << MissingPreconditionCode(precondition);
}
void PrintTo(const RoleSet& roles, std::ostream* os) {
  *os << "{";
  for (Role role : roles.ToVector()) *os << " " << RoleWireName(role);
  *os << " }";
}

namespace {

constexpr std::int64_t kCompany = 1;
constexpr std::int64_t kOtherCompany = 2;
constexpr std::int64_t kUserId = 10;
constexpr std::int64_t kSomeoneElse = 11;
constexpr std::int64_t kSystemId = 100;

// "call_data" -> "CallData", for test names.
std::string Camel(std::string_view snake) {
  std::string out;
  bool upper = true;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

// Builds AccessFacts starting from: the user is in kCompany with no relation to a healthy
// system of kCompany owned by someone else (maintenance on, firmware ok, both opt-ins on).
class Given {
 public:
  Given() {
    facts_.user = {.id = kUserId, .company_id = kCompany, .company_admin = false};
    facts_.system = {.id = kSystemId,
                     .company_id = kCompany,
                     .owner_user_id = kSomeoneElse,
                     .maintenance_active = true,
                     .firmware_ok = true,
                     .monitoring_recording_opt_in = true,
                     .remote_configuration_opt_in = true};
  }

  Given& Owner() {
    facts_.system.owner_user_id = kUserId;
    return *this;
  }
  Given& Direct(RoleSet roles) {
    facts_.direct_roles = roles;
    return *this;
  }
  Given& Group(std::optional<Role> member_role, std::optional<Role> default_role) {
    facts_.memberships.push_back(
        {.group_id = static_cast<std::int64_t>(facts_.memberships.size()) + 1,
         .member_role = member_role,
         .default_role = default_role});
    return *this;
  }
  Given& CompanyAdmin() {
    facts_.user.company_admin = true;
    return *this;
  }
  Given& SystemOfOtherCompany() {
    facts_.system.company_id = kOtherCompany;
    return *this;
  }
  Given& MaintenanceInactive() {
    facts_.system.maintenance_active = false;
    return *this;
  }
  Given& FirmwareTooOld() {
    facts_.system.firmware_ok = false;
    return *this;
  }
  Given& NoMonitoringOptIn() {
    facts_.system.monitoring_recording_opt_in = false;
    return *this;
  }
  Given& NoRemoteConfigurationOptIn() {
    facts_.system.remote_configuration_opt_in = false;
    return *this;
  }

  operator AccessFacts() const { return facts_; }  // NOLINT: builder

 private:
  AccessFacts facts_;
};

const RoleSet kEveryRole = {Role::kOwner, Role::kAdministrator, Role::kMonitoring, Role::kBackup,
                            Role::kCallData};
const RoleSet kOwnerAdmin = {Role::kOwner, Role::kAdministrator};

// The expected role matrix, written out independently of access_policy.cc (B2, B3, H4, J1).
struct MatrixRow {
  Action action;
  RoleSet allowed_roles;
};
const std::vector<MatrixRow> kExpectedMatrix = {
    {Action::kViewSystem, kEveryRole},
    {Action::kReadSystemInformation, kEveryRole},
    {Action::kReadLicences, kEveryRole},
    {Action::kReadRegistrationStatus, kEveryRole},
    {Action::kEditSystemName, kOwnerAdmin},
    {Action::kDeleteSystem, {Role::kOwner}},
    {Action::kManageAuthorisations, kOwnerAdmin},
    {Action::kAddSystemToGroup, kOwnerAdmin},
    {Action::kMonitoring, {Role::kOwner, Role::kAdministrator, Role::kMonitoring}},
    {Action::kAlerts, {Role::kOwner, Role::kAdministrator, Role::kMonitoring}},
    {Action::kBackup, {Role::kOwner, Role::kAdministrator, Role::kBackup}},
    {Action::kFirmwareUpdate, kOwnerAdmin},
    {Action::kCallData, {Role::kOwner, Role::kAdministrator, Role::kCallData}},
    {Action::kSmtpSetting, kOwnerAdmin},
    {Action::kRemoteConfiguration, kOwnerAdmin},
};

TEST(AccessPolicyMatrix, ListsEveryActionExactlyOnce) {
  ASSERT_EQ(kExpectedMatrix.size(), kAllActions.size());
  for (std::size_t i = 0; i < kAllActions.size(); ++i) {
    EXPECT_EQ(kExpectedMatrix[i].action, kAllActions[i]);
  }
}

// How the user comes to hold the role in a matrix case.
enum class Path { kNone, kOwnership, kDirect, kGroupMemberRole, kGroupDefaultRole };

struct MatrixCase {
  std::string name;
  Path path;
  Role role;
  Action action;
  Outcome expected;
  RoleSet expected_roles_that_allow;
};

std::vector<MatrixCase> MatrixCases() {
  const std::vector<std::pair<Path, std::string>> paths = {
      {Path::kDirect, "Direct"},
      {Path::kGroupMemberRole, "ViaGroupMemberRole"},
      {Path::kGroupDefaultRole, "ViaGroupDefaultRole"}};
  std::vector<MatrixCase> cases;
  for (const MatrixRow& row : kExpectedMatrix) {
    const std::string action = Camel(ActionWireName(row.action));
    cases.push_back(
        {"NoRelation_" + action, Path::kNone, Role::kOwner, row.action, Outcome::kNotFound, {}});
    for (Role role : kAllRoles) {
      const bool allowed = row.allowed_roles.Contains(role);
      const Outcome expected = allowed ? Outcome::kAllow : Outcome::kForbidden;
      const RoleSet reported = allowed ? RoleSet{} : row.allowed_roles;
      const std::string role_name = Camel(RoleWireName(role));
      if (role == Role::kOwner) {
        cases.push_back(
            {"Owner_" + action, Path::kOwnership, role, row.action, expected, reported});
        continue;
      }
      for (const auto& [path, path_name] : paths) {
        cases.push_back(
            {role_name + path_name + "_" + action, path, role, row.action, expected, reported});
      }
    }
  }
  return cases;
}

AccessFacts FactsFor(Path path, Role role) {
  Given given;
  switch (path) {
    case Path::kNone:
      break;
    case Path::kOwnership:
      given.Owner();
      break;
    case Path::kDirect:
      given.Direct({role});
      break;
    case Path::kGroupMemberRole:
      // A different default role proves the member role wins.
      given.Group(role, role == Role::kCallData ? Role::kBackup : Role::kCallData);
      break;
    case Path::kGroupDefaultRole:
      given.Group(std::nullopt, role);
      break;
  }
  return given;
}

void PrintTo(const MatrixCase& c, std::ostream* os) { *os << c.name; }

class AccessPolicyMatrixTest : public testing::TestWithParam<MatrixCase> {};

TEST_P(AccessPolicyMatrixTest, DecidesAsTheRoleMatrixSays) {
  const MatrixCase& c = GetParam();
  const Decision decision = Decide(FactsFor(c.path, c.role), c.action);
  EXPECT_EQ(decision.outcome, c.expected);
  EXPECT_EQ(decision.roles_that_allow, c.expected_roles_that_allow);
  EXPECT_TRUE(decision.missing.empty());
}

INSTANTIATE_TEST_SUITE_P(EveryRoleAndPathTimesEveryAction, AccessPolicyMatrixTest,
                         testing::ValuesIn(MatrixCases()),
                         [](const testing::TestParamInfo<MatrixCase>& param_info) {
                           return param_info.param.name;
                         });

// Preconditions: the owner (who holds every role) against one missing precondition each.
const std::set<Action> kManagementActions = {
    Action::kMonitoring,         Action::kAlerts,   Action::kBackup,
    Action::kFirmwareUpdate,     Action::kCallData, Action::kSmtpSetting,
    Action::kRemoteConfiguration};

struct PreconditionCase {
  std::string name;
  AccessFacts facts;
  Action action;
  std::vector<Precondition> expected_missing;
};

std::vector<PreconditionCase> PreconditionCases() {
  struct State {
    std::string name;
    AccessFacts facts;
    Precondition precondition;
    std::set<Action> gated;
  };
  const std::vector<State> states = {
      {"MaintenanceInactive", Given().Owner().MaintenanceInactive(),
       Precondition::kMaintenanceActive, kManagementActions},
      {"FirmwareTooOld", Given().Owner().FirmwareTooOld(), Precondition::kFirmwareSupported,
       kManagementActions},
      {"NoMonitoringOptIn",
       Given().Owner().NoMonitoringOptIn(),
       Precondition::kSiteOptIn,
       {Action::kMonitoring}},
      {"NoRemoteConfigurationOptIn",
       Given().Owner().NoRemoteConfigurationOptIn(),
       Precondition::kSiteOptIn,
       {Action::kRemoteConfiguration}},
  };
  std::vector<PreconditionCase> cases;
  for (const State& state : states) {
    for (Action action : kAllActions) {
      std::vector<Precondition> missing;
      if (state.gated.count(action) != 0) missing.push_back(state.precondition);
      cases.push_back({state.name + "_" + Camel(ActionWireName(action)), state.facts, action,
                       std::move(missing)});
    }
  }
  return cases;
}

void PrintTo(const PreconditionCase& c, std::ostream* os) { *os << c.name; }

class AccessPolicyPreconditionTest : public testing::TestWithParam<PreconditionCase> {};

TEST_P(AccessPolicyPreconditionTest, GatesOnlyManagementFunctionsWithTheExactReason) {
  const PreconditionCase& c = GetParam();
  const Decision decision = Decide(c.facts, c.action);
  EXPECT_EQ(decision.outcome,
            c.expected_missing.empty() ? Outcome::kAllow : Outcome::kPreconditionFailed);
  EXPECT_EQ(decision.missing, c.expected_missing);
}

INSTANTIATE_TEST_SUITE_P(EveryPreconditionTimesEveryAction, AccessPolicyPreconditionTest,
                         testing::ValuesIn(PreconditionCases()),
                         [](const testing::TestParamInfo<PreconditionCase>& param_info) {
                           return param_info.param.name;
                         });

// Hand-written scenarios: group paths, ownership, company isolation, check order.
struct Scenario {
  std::string name;
  AccessFacts facts;
  Action action;
  Outcome expected;
  RoleSet expected_roles_that_allow = {};
  std::vector<Precondition> expected_missing = {};
};

std::vector<Scenario> Scenarios() {
  using A = Action;
  using O = Outcome;
  using P = Precondition;
  using R = Role;
  return {
      // Groups (B7): member role, default role, several groups, group + direct.
      {"GroupMemberRoleGrantsBackup", Given().Group(R::kBackup, R::kMonitoring), A::kBackup,
       O::kAllow},
      {"GroupMemberRoleReplacesDefaultRole",
       Given().Group(R::kMonitoring, R::kBackup),
       A::kBackup,
       O::kForbidden,
       {R::kOwner, R::kAdministrator, R::kBackup}},
      {"GroupDefaultRoleAppliesWithoutMemberRole", Given().Group(std::nullopt, R::kBackup),
       A::kBackup, O::kAllow},
      {"SeveralGroupsUniteTheirRolesForCallData",
       Given().Group(R::kMonitoring, R::kBackup).Group(std::nullopt, R::kCallData), A::kCallData,
       O::kAllow},
      {"SeveralGroupsUniteTheirRolesForMonitoring",
       Given().Group(R::kMonitoring, R::kBackup).Group(std::nullopt, R::kCallData), A::kMonitoring,
       O::kAllow},
      {"SeveralGroupsStillLackUngrantedRoles",
       Given().Group(R::kMonitoring, R::kBackup).Group(std::nullopt, R::kCallData),
       A::kBackup,
       O::kForbidden,
       {R::kOwner, R::kAdministrator, R::kBackup}},
      {"DirectAndGroupRolesCombineForBackup",
       Given().Direct({R::kBackup}).Group(R::kMonitoring, {}), A::kBackup, O::kAllow},
      {"DirectAndGroupRolesCombineForAlerts",
       Given().Direct({R::kBackup}).Group(R::kMonitoring, {}), A::kAlerts, O::kAllow},
      {"DirectAndGroupRolesCombinedLackCallData",
       Given().Direct({R::kBackup}).Group(R::kMonitoring, {}),
       A::kCallData,
       O::kForbidden,
       {R::kOwner, R::kAdministrator, R::kCallData}},
      {"GroupAdministratorMayUpdateFirmware", Given().Group(R::kAdministrator, R::kMonitoring),
       A::kFirmwareUpdate, O::kAllow},
      {"GroupAdministratorMayAddSystemToGroup", Given().Group(std::nullopt, R::kAdministrator),
       A::kAddSystemToGroup, O::kAllow},
      {"MembershipWithoutAnyRoleGivesNoPath", Given().Group(std::nullopt, std::nullopt),
       A::kViewSystem, O::kNotFound},

      // Ownership (B2, D2): only the owner deletes; ownership is never granted.
      {"OwnerMayDelete", Given().Owner(), A::kDeleteSystem, O::kAllow},
      {"OwnerWhoIsAlsoAdministratorMayDelete", Given().Owner().Direct({R::kAdministrator}),
       A::kDeleteSystem, O::kAllow},
      {"DirectAdministratorMayNotDelete",
       Given().Direct({R::kAdministrator}),
       A::kDeleteSystem,
       O::kForbidden,
       {R::kOwner}},
      {"GroupAdministratorMayNotDelete",
       Given().Group(R::kAdministrator, R::kAdministrator),
       A::kDeleteSystem,
       O::kForbidden,
       {R::kOwner}},
      {"AllGrantableRolesTogetherMayNotDelete",
       Given().Direct({R::kAdministrator, R::kMonitoring, R::kBackup, R::kCallData}),
       A::kDeleteSystem,
       O::kForbidden,
       {R::kOwner}},
      {"OwnerRoleInAuthorisationIsIgnored", Given().Direct({R::kOwner}), A::kDeleteSystem,
       O::kNotFound},
      {"OwnerRoleInGroupIsIgnored", Given().Group(R::kOwner, R::kOwner), A::kViewSystem,
       O::kNotFound},
      {"OwnerRoleInAuthorisationDoesNotAllowDeleteBesideOtherRoles",
       Given().Direct({R::kOwner, R::kMonitoring}),
       A::kDeleteSystem,
       O::kForbidden,
       {R::kOwner}},

      // Company isolation and missing paths: always 404, never 403.
      {"OtherCompanysSystemIsNotFoundForCompanyAdmin",
       Given().CompanyAdmin().SystemOfOtherCompany(), A::kViewSystem, O::kNotFound},
      {"OtherCompanysSystemIsNotFoundDespiteStaleAuthorisation",
       Given().SystemOfOtherCompany().Direct({R::kAdministrator}), A::kBackup, O::kNotFound},
      {"OtherCompanysSystemIsNotFoundDespiteGroupMembership",
       Given().CompanyAdmin().SystemOfOtherCompany().Group(R::kAdministrator, R::kAdministrator),
       A::kReadSystemInformation, O::kNotFound},
      {"OtherCompanysSystemIsNotFoundEvenIfOwnerIdMatches", Given().SystemOfOtherCompany().Owner(),
       A::kDeleteSystem, O::kNotFound},
      {"CompanyAdminWithoutRelationIsNotFound", Given().CompanyAdmin(), A::kViewSystem,
       O::kNotFound},
      {"CompanyAdminWithoutRelationCannotDelete", Given().CompanyAdmin(), A::kDeleteSystem,
       O::kNotFound},
      {"NoRelationCannotReadLicences", Given(), A::kReadLicences, O::kNotFound},

      // Preconditions (A6, A5, J3) and the order of checks.
      {"MaintenanceInactiveBlocksBackup",
       Given().Direct({R::kBackup}).MaintenanceInactive(),
       A::kBackup,
       O::kPreconditionFailed,
       {},
       {P::kMaintenanceActive}},
      {"FirmwareTooOldBlocksCallData",
       Given().Direct({R::kCallData}).FirmwareTooOld(),
       A::kCallData,
       O::kPreconditionFailed,
       {},
       {P::kFirmwareSupported}},
      {"MaintenanceAndFirmwareAreBothReported",
       Given().Direct({R::kMonitoring}).MaintenanceInactive().FirmwareTooOld(),
       A::kAlerts,
       O::kPreconditionFailed,
       {},
       {P::kMaintenanceActive, P::kFirmwareSupported}},
      {"MonitoringNeedsTheRecordingOptIn",
       Given().Direct({R::kMonitoring}).NoMonitoringOptIn(),
       A::kMonitoring,
       O::kPreconditionFailed,
       {},
       {P::kSiteOptIn}},
      {"AlertsDoNotNeedTheRecordingOptIn", Given().Direct({R::kMonitoring}).NoMonitoringOptIn(),
       A::kAlerts, O::kAllow},
      {"RemoteConfigurationNeedsTheSiteOptIn",
       Given().Direct({R::kAdministrator}).NoRemoteConfigurationOptIn(),
       A::kRemoteConfiguration,
       O::kPreconditionFailed,
       {},
       {P::kSiteOptIn}},
      {"RemoteConfigurationReportsEveryMissingPrecondition",
       Given().Owner().MaintenanceInactive().FirmwareTooOld().NoRemoteConfigurationOptIn(),
       A::kRemoteConfiguration,
       O::kPreconditionFailed,
       {},
       {P::kMaintenanceActive, P::kFirmwareSupported, P::kSiteOptIn}},
      {"MonitoringRoleMayNotConfigureRemotely", Given().Direct({R::kMonitoring}),
       A::kRemoteConfiguration, O::kForbidden, kOwnerAdmin},
      {"MissingRoleIsReportedBeforeMissingMaintenance",
       Given().Direct({R::kMonitoring}).MaintenanceInactive(),
       A::kBackup,
       O::kForbidden,
       {R::kOwner, R::kAdministrator, R::kBackup}},
      {"MissingPathIsReportedBeforeMissingMaintenance", Given().MaintenanceInactive(), A::kBackup,
       O::kNotFound},
      {"RegistrationStatusIsReadableWithoutMaintenanceOrFirmware",
       Given().Direct({R::kCallData}).MaintenanceInactive().FirmwareTooOld(),
       A::kReadRegistrationStatus, O::kAllow},
      {"AuthorisationsAreManageableWithoutMaintenance",
       Given().Direct({R::kAdministrator}).MaintenanceInactive(), A::kManageAuthorisations,
       O::kAllow},
  };
}

void PrintTo(const Scenario& s, std::ostream* os) { *os << s.name; }

class AccessPolicyScenarioTest : public testing::TestWithParam<Scenario> {};

TEST_P(AccessPolicyScenarioTest, DecidesAsExpected) {
  const Scenario& s = GetParam();
  const Decision decision = Decide(s.facts, s.action);
  EXPECT_EQ(decision.outcome, s.expected);
  EXPECT_EQ(decision.roles_that_allow, s.expected_roles_that_allow);
  EXPECT_EQ(decision.missing, s.expected_missing);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, AccessPolicyScenarioTest, testing::ValuesIn(Scenarios()),
                         [](const testing::TestParamInfo<Scenario>& param_info) {
                           return param_info.param.name;
                         });

TEST(AccessPolicy, EffectiveRolesUniteOwnershipDirectRolesAndGroups) {
  const AccessFacts facts =
      Given().Owner().Direct({Role::kBackup}).Group(std::nullopt, Role::kCallData);
  EXPECT_EQ(EffectiveRoles(facts), (RoleSet{Role::kOwner, Role::kBackup, Role::kCallData}));
}

TEST(AccessPolicy, EffectiveRolesAreEmptyOnAnotherCompanysSystem) {
  const AccessFacts facts = Given().SystemOfOtherCompany().Owner().Direct({Role::kBackup});
  EXPECT_TRUE(EffectiveRoles(facts).empty());
}

TEST(AccessPolicy, OwnerOfAHealthySystemMayDoEverything) {
  const std::vector<Action> all(kAllActions.begin(), kAllActions.end());
  EXPECT_EQ(AllowedActions(Given().Owner()), all);
}

TEST(AccessPolicy, MonitoringUserIsOfferedReadingMonitoringAndAlerts) {
  EXPECT_EQ(AllowedActions(Given().Direct({Role::kMonitoring})),
            (std::vector<Action>{Action::kViewSystem, Action::kReadSystemInformation,
                                 Action::kReadLicences, Action::kReadRegistrationStatus,
                                 Action::kMonitoring, Action::kAlerts}));
}

TEST(AccessPolicy, AdministratorWithoutMaintenanceIsOfferedNoManagementFunctions) {
  EXPECT_EQ(AllowedActions(Given().Direct({Role::kAdministrator}).MaintenanceInactive()),
            (std::vector<Action>{Action::kViewSystem, Action::kReadSystemInformation,
                                 Action::kReadLicences, Action::kReadRegistrationStatus,
                                 Action::kEditSystemName, Action::kManageAuthorisations,
                                 Action::kAddSystemToGroup}));
}

TEST(AccessPolicy, UserWithoutPathIsOfferedNothing) {
  EXPECT_TRUE(AllowedActions(Given().CompanyAdmin()).empty());
}

TEST(AccessPolicy, OutcomesMapToTheHttpStatusesOfTheApiConventions) {
  EXPECT_EQ(HttpStatus(Outcome::kAllow), 200);
  EXPECT_EQ(HttpStatus(Outcome::kNotFound), 404);
  EXPECT_EQ(HttpStatus(Outcome::kForbidden), 403);
  EXPECT_EQ(HttpStatus(Outcome::kPreconditionFailed), 422);
}

TEST(AccessPolicy, MissingPreconditionsHaveStableCodes) {
  EXPECT_EQ(MissingPreconditionCode(Precondition::kMaintenanceActive), "maintenance_inactive");
  EXPECT_EQ(MissingPreconditionCode(Precondition::kFirmwareSupported), "firmware_too_old");
  EXPECT_EQ(MissingPreconditionCode(Precondition::kSiteOptIn), "site_opt_in_missing");
}

TEST(AccessPolicy, ActionWireNamesAreDistinctSnakeCase) {
  std::set<std::string_view> names;
  for (Action action : kAllActions) {
    const std::string_view name = ActionWireName(action);
    EXPECT_TRUE(std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || c == '_';
    })) << name;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
}

}  // namespace
}  // namespace ccc::relay::policy
