import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, isApiError } from "./client";
import { useListQuery } from "./list";
import type { ConfirmationCode, System, SystemInformation } from "./types";
import type { ListState } from "../components/list/listState";

// Systems and their pairing (FEATURES A1, A2, A7, A8, D1-D3) over /api/v1/systems.
//
// Every query key starts with "systems": the shell invalidates that prefix when the relay
// reports a change (created, renamed, paired, online/offline, ...), so lists, details and
// codes refresh without a reload. Mutations invalidate the same prefix on success.

export const SYSTEMS = "systems";

// The API's sort keys for GET /systems (x-sort-keys in openapi.json).
export const SYSTEM_SORT_KEYS = ["name", "serial", "created", "first_registration", "last_seen", "state"] as const;
export type SystemSortKey = (typeof SYSTEM_SORT_KEYS)[number];

export const systemKeys = {
  all: [SYSTEMS] as const,
  detail: (id: number) => [SYSTEMS, "detail", id] as const,
  information: (id: number) => [SYSTEMS, "information", id] as const,
  code: (id: number) => [SYSTEMS, "code", id] as const,
};

export interface SystemCreateInput {
  name: string;
  serial: string;
}

// --- plain requests (also used for "delete selected", which runs many at once) ---

export function deleteSystemRequest(id: number): Promise<void> {
  return api<void>(`/systems/${id}`, { method: "DELETE" });
}

// --- queries ---

export function useSystemsList(state: ListState, enabled = true) {
  return useListQuery<System>(SYSTEMS, "/systems", state, {}, enabled);
}

export function useSystem(id: number) {
  return useQuery({
    queryKey: systemKeys.detail(id),
    queryFn: ({ signal }) => api<System>(`/systems/${id}`, { signal }),
    enabled: id > 0,
  });
}

export function useSystemInformation(id: number, enabled = true) {
  return useQuery({
    queryKey: systemKeys.information(id),
    queryFn: ({ signal }) => api<SystemInformation>(`/systems/${id}/information`, { signal }),
    enabled: enabled && id > 0,
  });
}

// The current confirmation code, or null when the system has none (404 no_code).
export function useConfirmationCode(id: number, enabled = true) {
  return useQuery({
    queryKey: systemKeys.code(id),
    queryFn: async ({ signal }) => {
      try {
        return await api<ConfirmationCode>(`/systems/${id}/token`, { signal });
      } catch (error) {
        if (isApiError(error, "no_code")) return null;
        throw error;
      }
    },
    enabled: enabled && id > 0,
  });
}

// --- mutations ---

function invalidateSystems(client: QueryClient): void {
  void client.invalidateQueries({ queryKey: systemKeys.all });
}

export function useCreateSystem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: SystemCreateInput) => api<System>("/systems", { method: "POST", body: input }),
    onSuccess: (system) => {
      client.setQueryData(systemKeys.detail(system.id), system);
      invalidateSystems(client);
    },
  });
}

export function useRenameSystem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: number; name: string }) =>
      api<System>(`/systems/${id}`, { method: "PATCH", body: { name } }),
    onSuccess: (system) => {
      client.setQueryData(systemKeys.detail(system.id), system);
      invalidateSystems(client);
    },
  });
}

// After a deletion the system's own queries would only answer 404: drop them, refresh the rest.
export function forgetDeletedSystems(client: QueryClient, ids: readonly number[]): void {
  for (const id of ids) {
    client.removeQueries({ queryKey: systemKeys.detail(id), exact: true });
    client.removeQueries({ queryKey: systemKeys.information(id), exact: true });
    client.removeQueries({ queryKey: systemKeys.code(id), exact: true });
  }
  void client.invalidateQueries({
    queryKey: systemKeys.all,
    predicate: (query) => !(query.queryKey[1] !== "list" && ids.includes(query.queryKey[2] as number)),
  });
}

export function useDeleteSystem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => deleteSystemRequest(id),
    onSuccess: (_data, id) => forgetDeletedSystems(client, [id]),
  });
}

// Renew: a new code; the previous one stops working at once.
export function useRenewCode() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<ConfirmationCode>(`/systems/${id}/token`, { method: "POST" }),
    onSuccess: (code, id) => {
      client.setQueryData(systemKeys.code(id), code);
      invalidateSystems(client);
    },
  });
}

export function useCancelCode() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<void>(`/systems/${id}/token`, { method: "DELETE" }),
    onSuccess: (_data, id) => {
      client.setQueryData(systemKeys.code(id), null);
      invalidateSystems(client);
    },
  });
}

// Unpair from the portal: the system's certificate is revoked; the site must pair again.
export function useUnpairSystem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<System>(`/systems/${id}/unpair`, { method: "POST" }),
    onSuccess: (system) => {
      client.setQueryData(systemKeys.detail(system.id), system);
      invalidateSystems(client);
    },
  });
}
