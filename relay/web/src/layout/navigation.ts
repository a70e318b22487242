// The portal's navigation, following the structure operators know from the manual:
// Dashboard, News, User groups, Authorisations, Administration, Systems (all / selected).

export interface NavLink {
  key: string; // i18n key under common:nav
  to: string;
  end?: boolean;
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
      { key: "telephones", to: "/fleet/telephones" },
      { key: "accounts", to: "/fleet/accounts" },
      { key: "backup", to: "/fleet/backup" },
      { key: "calls", to: "/fleet/calls" },
    ],
  },
];

// Pages of one system; `path` is appended to /systems/{id}.
export const SYSTEM_LINKS: { key: string; path: string }[] = [
  { key: "information", path: "" },
  { key: "licences", path: "/licences" },
  { key: "telephones", path: "/telephones" },
  { key: "accounts", path: "/accounts" },
  { key: "monitoring", path: "/monitoring" },
  { key: "alerts", path: "/alerts" },
  { key: "backup", path: "/backup" },
  { key: "calls", path: "/calls" },
  { key: "smtp", path: "/smtp" },
  { key: "remoteConfiguration", path: "/remote-configuration" },
];
