import type { ReactNode } from "react";
import { Route, Routes } from "react-router";
import type { CallRecord, LicenceInformation, ProviderAccount, Telephone } from "../../api/pbxdata";
import type { System } from "../../api/types";
import type { Language } from "../../i18n";
import { renderWithProviders } from "../../test/renderWithProviders";

// Test helpers of the PBX data pages: rows as the API returns them and a page rendered at
// its route (fetch is mocked with src/pages/basics/testApi.ts).

export function renderAt(pattern: string, ui: ReactNode, route: string, language?: Language) {
  return renderWithProviders(
    <Routes>
      <Route path={pattern} element={ui} />
      <Route path="*" element={<p>elsewhere</p>} />
    </Routes>,
    { route, language },
  );
}

export function makeSystem(overrides: Partial<System> = {}): System {
  return {
    id: 4,
    name: "Branch office",
    serial: "SER-0004",
    owner: { id: 7, email: "owner@example.com" },
    created_at: "2025-03-01T10:00:00Z",
    first_registration_at: "2025-03-02T10:00:00Z",
    paired: true,
    online: true,
    last_seen_at: "2025-06-10T10:00:00Z",
    model: "COMtrexx Advanced",
    firmware: "2.6.6",
    opt_in: { monitoring: true, remote_configuration: false },
    maintenance: { active: true, until: null },
    state: "paired",
    state_reasons: [],
    confirmation_code: null,
    roles: ["call_data"],
    allowed_actions: ["view_system", "read_system_information", "read_licences", "read_registration_status", "call_data"],
    ...overrides,
  };
}

export function makeTelephone(overrides: Partial<Telephone> = {}): Telephone {
  return {
    id: "tel-0001",
    name: "Reception",
    extension: "201",
    kind: "sip_desk",
    dect_base_id: "",
    mac: "00:09:52:1A:2B:3C",
    model: "COMfortel D-400",
    status: "registered_encrypted",
    since: "2025-06-10T09:00:00Z",
    ...overrides,
  };
}

export function makeAccount(overrides: Partial<ProviderAccount> = {}): ProviderAccount {
  return {
    id: "acc-01",
    name: "Main line",
    provider: "Deutsche Telekom",
    number: "+49 521 98765-0",
    stun_server: "stun.example.net",
    status: "registered_encrypted",
    since: "2025-06-10T09:00:00Z",
    ...overrides,
  };
}

export function makeCall(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id: 1001,
    start: "2025-06-10T08:15:00Z",
    duration_s: 754,
    direction: "outgoing",
    result: "successful",
    external_number: "+49301234567",
    external_name: "Becker GmbH",
    billing_number: "201",
    billing_name: "Anna Becker",
    real_name: "Anna Becker",
    own_number: "+4952198765",
    call_type: "business",
    ...overrides,
  };
}

export function makeLicences(overrides: Partial<LicenceInformation> = {}): LicenceInformation {
  return {
    model: "COMtrexx Advanced",
    serial: "SER-0004",
    firmware: "2.6.6",
    hardware_revision: "Rev. C",
    mac: "00:09:52:00:00:04",
    booted_at: "2025-05-29T06:00:00Z",
    uptime_s: 12 * 86_400 + 4 * 3_600,
    licences: [
      { name: "Users", total: 20, used: 12 },
      { name: "VoIP channels", total: 0, used: 0 },
    ],
    modules: [
      { slot: 2, module: "COMmander 8a/b module", ports: 8 },
      { slot: 1, module: "COMmander 4S0 module", ports: 4 },
    ],
    reported_at: "2025-06-10T10:00:00Z",
    ...overrides,
  };
}
