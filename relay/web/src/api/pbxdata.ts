import { useQuery } from "@tanstack/react-query";
import { api, buildQuery, type QueryValue } from "./client";
import { useListQuery } from "./list";
import type { Page } from "./types";
import type { ListState } from "../components/list/listState";

// What the PBXs report (FEATURES D4, E1-E3, H1-H4): telephones and provider accounts per
// system and fleet-wide, call data with its CSV export, licences and device information.
//
// Query keys start with their resource name, the prefix live events invalidate by:
// "registrations" (telephones and accounts; the relay emits it when they change, and a
// "systems" event reloads them too, as it may change which systems they show), "calls"
// (no events: call data is looked at on demand) and "systems" for licences, which arrive
// with the system information (the relay emits "systems" when that changes).

export const REGISTRATIONS = "registrations";
export const CALLS = "calls";

// --- wire values (common/protocol/pbx_wire.h; order = the PBX's order) ---

export const TELEPHONE_STATUSES = [
  "no_provisioning_file",
  "provisioning_pending",
  "provisioning_done",
  "registered_encrypted",
  "registered_unencrypted",
  "registration_incomplete",
  "unknown",
  "connected_analogue",
] as const;
export type TelephoneStatus = (typeof TELEPHONE_STATUSES)[number];

export const TELEPHONE_KINDS = ["sip_desk", "dect_base", "dect", "analogue"] as const;
export type TelephoneKind = (typeof TELEPHONE_KINDS)[number];

export const ACCOUNT_STATUSES = [
  "stun_not_connected",
  "stun_connected",
  "stun_failed",
  "stun_query_failed",
  "invite_answered",
  "configuration_faulty",
  "not_registered",
  "registered_unencrypted",
  "registered_encrypted",
] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const CALL_DIRECTIONS = ["incoming", "outgoing", "internal"] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const CALL_RESULTS = ["successful", "unsuccessful"] as const;
export type CallResult = (typeof CALL_RESULTS)[number];

// Call types are free text configured on the PBX; these are the ones the portal translates.
export const KNOWN_CALL_TYPES = ["business", "private", "forwarding", "door", "call_through"] as const;
export type KnownCallType = (typeof KNOWN_CALL_TYPES)[number];

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (values as readonly string[]).includes(value);
}

// --- wire types ---

export interface SystemRef {
  id: number;
  name: string;
  serial: string;
}

// Status and kind stay plain strings: a value a newer relay adds must not break the page.
export interface Telephone {
  id: string;
  name: string;
  extension: string;
  kind: string;
  dect_base_id: string;
  mac: string;
  model: string;
  status: string;
  since: string | null;
  system?: SystemRef; // fleet views only
}

export interface ProviderAccount {
  id: string;
  name: string;
  provider: string;
  number: string;
  stun_server: string;
  status: string;
  since: string | null;
  system?: SystemRef; // fleet views only
}

export interface CallRecord {
  id: number;
  start: string;
  duration_s: number;
  direction: string;
  result: string;
  external_number: string;
  external_name: string;
  billing_number: string;
  billing_name: string;
  real_name: string;
  own_number: string;
  call_type: string;
  system?: SystemRef; // fleet view only
}

export interface Licence {
  name: string;
  total: number;
  used: number;
}

export interface ExpansionModule {
  slot: number;
  module: string;
  ports: number;
}

export interface LicenceInformation {
  model: string;
  serial: string;
  firmware: string;
  hardware_revision: string;
  mac: string;
  booted_at: string | null;
  uptime_s: number | null;
  licences: Licence[];
  modules: ExpansionModule[];
  reported_at: string | null;
}

// Registration pages carry the time of the last report applied (null: none yet).
export function updatedAtOf(page: Page<unknown> | undefined): string | null {
  if (page && "updated_at" in page && typeof page.updated_at === "string") return page.updated_at;
  return null;
}

// Calls pages may cap an expensive count: `total` is then a lower bound.
export function totalCappedOf(page: Page<unknown> | undefined): boolean {
  return !!page && "total_capped" in page && page.total_capped === true;
}

// --- sort keys (x-sort-keys of the API) ---

export const TELEPHONE_SORT_KEYS = ["name", "extension", "kind", "status", "since"] as const;
export const FLEET_TELEPHONE_SORT_KEYS = [...TELEPHONE_SORT_KEYS, "system"] as const;
export const ACCOUNT_SORT_KEYS = ["name", "provider", "status", "since"] as const;
export const FLEET_ACCOUNT_SORT_KEYS = [...ACCOUNT_SORT_KEYS, "system"] as const;
export const CALL_SORT_KEYS = ["time", "duration"] as const;

// --- scope: one system or the fleet ---

// systemId null = every system the user may see (fleet views, E3).
export type Scope = { systemId: number } | { systemId: null; filterSystemId: number | null };

function scopePath(scope: Scope, resource: string): string {
  return scope.systemId === null ? `/fleet/${resource}` : `/systems/${scope.systemId}/${resource}`;
}

function scopeQuery(scope: Scope): Record<string, QueryValue> {
  return scope.systemId === null ? { system_id: scope.filterSystemId } : {};
}

// --- registrations (E1-E3) ---

export interface TelephoneFilters {
  status: TelephoneStatus | null;
  kind: TelephoneKind | null;
}

export interface AccountFilters {
  status: AccountStatus | null;
}

export function useTelephones(scope: Scope, state: ListState, filters: TelephoneFilters, enabled = true) {
  return useListQuery<Telephone>(
    REGISTRATIONS,
    scopePath(scope, "telephones"),
    state,
    { ...scopeQuery(scope), status: filters.status, kind: filters.kind },
    enabled,
  );
}

export function useAccounts(scope: Scope, state: ListState, filters: AccountFilters, enabled = true) {
  return useListQuery<ProviderAccount>(
    REGISTRATIONS,
    scopePath(scope, "accounts"),
    state,
    { ...scopeQuery(scope), status: filters.status },
    enabled,
  );
}

// --- call data (H1-H4) ---

export interface CallFilters {
  from: string | null; // RFC 3339
  to: string | null; // RFC 3339
  result: CallResult | null;
  direction: CallDirection | null;
  callType: string | null;
}

// The API parameters of the call filters (without the list's q/sort/order/limit/offset).
export function callFilterQuery(scope: Scope, filters: CallFilters): Record<string, QueryValue> {
  return {
    ...scopeQuery(scope),
    from: filters.from,
    to: filters.to,
    result: filters.result,
    direction: filters.direction,
    call_type: filters.callType,
  };
}

export function useCalls(scope: Scope, state: ListState, filters: CallFilters, enabled = true) {
  return useListQuery<CallRecord>(CALLS, scopePath(scope, "calls"), state, callFilterQuery(scope, filters), enabled);
}

// The address of the CSV export of everything the current filters match: the same filter
// text, sort and filters as the table, without paging. The browser fetches it itself (a
// plain link), so the file streams to disk instead of through the page's memory.
export function callsCsvUrl(scope: Scope, state: Pick<ListState, "q" | "sort" | "order">, filters: CallFilters): string {
  const query = buildQuery({
    q: state.q.trim(),
    sort: state.sort,
    order: state.order,
    ...callFilterQuery(scope, filters),
  });
  return `/api/v1${scopePath(scope, "calls.csv")}${query}`;
}

// --- licences and device information (D3, D4) ---

export const licenceKeys = {
  detail: (systemId: number) => ["systems", "licences", systemId] as const,
};

export function useLicences(systemId: number, enabled = true) {
  return useQuery({
    queryKey: licenceKeys.detail(systemId),
    queryFn: ({ signal }) => api<LicenceInformation>(`/systems/${systemId}/licences`, { signal }),
    enabled: enabled && systemId > 0,
  });
}
