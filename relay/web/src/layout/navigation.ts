import type { System, SystemAction } from "../api/types";

// The portal's navigation, following the structure operators know from the manual:
// Dashboard, News, User groups, Authorisations, Administration, Systems (all / selected).

export interface NavLink {
  key: string; // i18n key under common:nav
  to: string;
  end?: boolean;
  // Fleet pages: shown only when the user may do this on at least one system.
  action?: SystemAction;
}

export interface NavSection {
  key: string;
  links: NavLink[];
}

export const TOP_LINKS: NavLink[] = [
  { key: "dashboard", to: "/", end: true },
  { key: "news", to: "/news" },
];

export const SECTIONS: NavSection[] = [
  {
    key: "userGroups",
    links: [
      { key: "groups", to: "/groups", end: true },
      { key: "ownGroups", to: "/groups/own" },
    ],
  },
  { key: "authorisations", links: [{ key: "authorisations", to: "/authorisations" }] },
  {
    key: "administration",
    links: [
      { key: "smtp", to: "/administration/smtp" },
      { key: "systemsAdmin", to: "/administration/systems" },
    ],
  },
  {
    key: "allSystems",
    links: [
      { key: "overview", to: "/systems", end: true },
      { key: "telephones", to: "/fleet/telephones", action: "read_registration_status" },
      { key: "accounts", to: "/fleet/accounts", action: "read_registration_status" },
      { key: "backup", to: "/fleet/backup", action: "backup" },
      { key: "calls", to: "/fleet/calls", action: "call_data" },
    ],
  },
];

// Pages of one system; `path` is appended to /systems/{id}. `action` is the policy action
// (System.allowed_actions) a user needs to open it; null = everyone who sees the system.
export const SYSTEM_LINKS: { key: string; path: string; action: SystemAction | null }[] = [
  { key: "information", path: "", action: null },
  { key: "licences", path: "/licences", action: "read_licences" },
  { key: "telephones", path: "/telephones", action: "read_registration_status" },
  { key: "accounts", path: "/accounts", action: "read_registration_status" },
  { key: "monitoring", path: "/monitoring", action: "monitoring" },
  { key: "alerts", path: "/alerts", action: "alerts" },
  { key: "backup", path: "/backup", action: "backup" },
  { key: "calls", path: "/calls", action: "call_data" },
  { key: "smtp", path: "/smtp", action: "smtp_setting" },
  { key: "remoteConfiguration", path: "/remote-configuration", action: "remote_configuration" },
];

export interface SystemPageLink {
  key: string; // common:nav.<key>
  to: string;
}

// The pages of a system this user may open (FEATURES D5: gated by role and maintenance,
// which the server has already folded into allowed_actions).
export function systemPageLinks(system: Pick<System, "id" | "allowed_actions">): SystemPageLink[] {
  const allowed = new Set<string>(system.allowed_actions);
  return SYSTEM_LINKS.filter(({ action }) => action === null || allowed.has(action)).map(
    ({ key, path }) => ({ key, to: `/systems/${system.id}${path}` }),
  );
}

// The links a user is offered: those without an action, and those whose action the user
// has on some system (`fleetActions`, GET /fleet/actions). While that is unknown (loading,
// or it failed) gated links stay hidden rather than appear and vanish; the pages remain
// reachable by address, and the server filters them by system either way.
export function visibleLinks(links: NavLink[], fleetActions: readonly SystemAction[] | undefined): NavLink[] {
  const allowed = new Set<string>(fleetActions ?? []);
  return links.filter((link) => link.action === undefined || allowed.has(link.action));
}
