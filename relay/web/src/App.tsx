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
          notYet("systems/:systemId/licences", "licences"),
          notYet("systems/:systemId/telephones", "telephones"),
          notYet("systems/:systemId/accounts", "accounts"),
          notYet("systems/:systemId/monitoring", "monitoring"),
          notYet("systems/:systemId/alerts", "alerts"),
          notYet("systems/:systemId/backup", "backup"),
          notYet("systems/:systemId/calls", "calls"),
          notYet("systems/:systemId/smtp", "smtp"),
          notYet("systems/:systemId/remote-configuration", "remoteConfiguration"),
          notYet("fleet/telephones", "telephones"),
          notYet("fleet/accounts", "accounts"),
          notYet("fleet/backup", "backup"),
          notYet("fleet/calls", "calls"),
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
