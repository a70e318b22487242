// Main third-party components and their licences (FEATURES I1, open-source licences).
// Portal versions follow relay/web/package-lock.json (openSource.test.ts checks them);
// relay, agent and broker versions are those of the Debian 12 packages the build uses.

// Not a licence identifier but a status; the page words it in the user's language.
export const PUBLIC_DOMAIN = "public-domain";

export type ComponentArea = "portal" | "server" | "broker";

export interface ThirdPartyComponent {
  name: string;
  npm?: string; // package name in package-lock.json, for the version check
  version: string;
  licence: string; // SPDX identifier(s)
  area: ComponentArea;
}

export const THIRD_PARTY_COMPONENTS: readonly ThirdPartyComponent[] = [
  { name: "React", npm: "react", version: "19.3.1", licence: "MIT", area: "portal" },
  { name: "React DOM", npm: "react-dom", version: "19.3.1", licence: "MIT", area: "portal" },
  { name: "React Router", npm: "react-router", version: "7.18.5", licence: "MIT", area: "portal" },
  { name: "TanStack Query", npm: "@tanstack/react-query", version: "5.108.0", licence: "MIT", area: "portal" },
  { name: "TanStack Table", npm: "@tanstack/react-table", version: "8.21.3", licence: "MIT", area: "portal" },
  { name: "React Hook Form", npm: "react-hook-form", version: "7.92.0", licence: "MIT", area: "portal" },
  { name: "React Hook Form resolvers", npm: "@hookform/resolvers", version: "5.9.2", licence: "MIT", area: "portal" },
  { name: "Zod", npm: "zod", version: "3.25.76", licence: "MIT", area: "portal" },
  { name: "i18next", npm: "i18next", version: "25.10.10", licence: "MIT", area: "portal" },
  { name: "react-i18next", npm: "react-i18next", version: "15.7.4", licence: "MIT", area: "portal" },
  { name: "Lucide icons", npm: "lucide-react", version: "0.544.0", licence: "ISC", area: "portal" },
  { name: "Boost", version: "1.81", licence: "BSL-1.0", area: "server" },
  { name: "OpenSSL", version: "3.0", licence: "Apache-2.0", area: "server" },
  { name: "Eclipse Paho MQTT C", version: "1.3.12", licence: "EPL-2.0 OR EDL-1.0", area: "server" },
  { name: "Eclipse Paho MQTT C++", version: "1.2.0", licence: "EPL-2.0 OR EDL-1.0", area: "server" },
  { name: "SQLite", version: "3.40", licence: PUBLIC_DOMAIN, area: "server" },
  { name: "Zstandard (zstd)", version: "1.5.4", licence: "BSD-3-Clause OR GPL-2.0-only", area: "server" },
  { name: "spdlog", version: "1.10.0", licence: "MIT", area: "server" },
  { name: "{fmt}", version: "9.1.0", licence: "MIT", area: "server" },
  { name: "toml++", version: "3.3.0", licence: "MIT", area: "server" },
  { name: "CLI11", version: "2.1.2", licence: "BSD-3-Clause", area: "server" },
  { name: "libsodium", version: "1.0.18", licence: "ISC", area: "server" },
  { name: "libcurl", version: "7.88.1", licence: "curl", area: "server" },
  { name: "Eclipse Mosquitto", version: "2.0.11", licence: "EPL-2.0 OR EDL-1.0", area: "broker" },
];
