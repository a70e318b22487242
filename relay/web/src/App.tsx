import { lazy } from "react";
import { createBrowserRouter, type RouteObject } from "react-router";
import AppShell from "./layout/AppShell";
import RequireSession from "./layout/RequireSession";
import NotAvailablePage from "./pages/NotAvailablePage";
import NotFoundPage from "./pages/NotFoundPage";

// Pages load on demand: the first load carries only the shell and the page asked for.
const LoginPage = lazy(() => import("./pages/basics/LoginPage"));
const DashboardPage = lazy(() => import("./pages/basics/DashboardPage"));
const NewsPage = lazy(() => import("./pages/basics/NewsPage"));
const AccountPage = lazy(() => import("./pages/basics/AccountPage"));
const HelpPage = lazy(() => import("./pages/basics/HelpPage"));
const LegalPage = lazy(() => import("./pages/basics/LegalPage"));
const SystemsOverviewPage = lazy(() => import("./pages/systems/SystemsOverviewPage"));
const SystemsAdminPage = lazy(() => import("./pages/systems/SystemsAdminPage"));
const SystemInformationPage = lazy(() => import("./pages/systems/SystemInformationPage"));
const GroupsPage = lazy(() => import("./pages/access/GroupsPage"));
const OwnGroupsPage = lazy(() => import("./pages/access/OwnGroupsPage"));
const GroupSettingsPage = lazy(() => import("./pages/access/GroupSettingsPage"));
const AuthorisationsPage = lazy(() => import("./pages/access/AuthorisationsPage"));
const LicencesPage = lazy(() => import("./pages/pbxdata/LicencesPage"));
const TelephonesPage = lazy(() => import("./pages/pbxdata/TelephonesPage"));
const AccountsPage = lazy(() => import("./pages/pbxdata/AccountsPage"));
const CallsPage = lazy(() => import("./pages/pbxdata/CallsPage"));
const FleetTelephonesPage = lazy(() => import("./pages/pbxdata/FleetTelephonesPage"));
const FleetAccountsPage = lazy(() => import("./pages/pbxdata/FleetAccountsPage"));
const FleetCallsPage = lazy(() => import("./pages/pbxdata/FleetCallsPage"));

// Features of later versions: in the navigation, plainly marked as not available yet.
const notYet = (path: string, titleKey: string): RouteObject => ({
  path,
  element: <NotAvailablePage titleKey={titleKey} />,
});

export const routes: RouteObject[] = [
  { path: "/login", element: <LoginPage /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppShell />,
        children: [
          { index: true, element: <DashboardPage /> },
          { path: "news", element: <NewsPage /> },
          { path: "account", element: <AccountPage /> },
          { path: "help", element: <HelpPage /> },
          { path: "legal/:document", element: <LegalPage /> },
          { path: "groups", element: <GroupsPage /> },
          { path: "groups/own", element: <OwnGroupsPage /> },
          { path: "groups/:groupId", element: <GroupSettingsPage /> },
          { path: "authorisations", element: <AuthorisationsPage /> },
          notYet("administration/smtp", "smtp"),
          { path: "administration/systems", element: <SystemsAdminPage /> },
          { path: "systems", element: <SystemsOverviewPage /> },
          { path: "systems/:systemId", element: <SystemInformationPage /> },
          { path: "systems/:systemId/licences", element: <LicencesPage /> },
          { path: "systems/:systemId/telephones", element: <TelephonesPage /> },
          { path: "systems/:systemId/accounts", element: <AccountsPage /> },
          notYet("systems/:systemId/monitoring", "monitoring"),
          notYet("systems/:systemId/alerts", "alerts"),
          notYet("systems/:systemId/backup", "backup"),
          { path: "systems/:systemId/calls", element: <CallsPage /> },
          notYet("systems/:systemId/smtp", "smtp"),
          notYet("systems/:systemId/remote-configuration", "remoteConfiguration"),
          { path: "fleet/telephones", element: <FleetTelephonesPage /> },
          { path: "fleet/accounts", element: <FleetAccountsPage /> },
          notYet("fleet/backup", "backup"),
          { path: "fleet/calls", element: <FleetCallsPage /> },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
