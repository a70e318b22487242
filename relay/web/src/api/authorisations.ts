import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { useListQuery } from "./list";
import type { Authorisation, Role } from "./types";
import type { ListState } from "../components/list/listState";

// Authorisations the signed-in user granted (B4). Every key starts with "authorisations" so
// live events and mutations refresh them together.
export const AUTHORISATIONS_KEY = ["authorisations"] as const;
export const AUTHORISATION_SORT_KEYS = ["user", "system", "created"] as const;

export interface AuthorisationGrant {
  user_id: number;
  system_id: number;
  roles: Role[];
}

export function useAuthorisationList(state: ListState) {
  return useListQuery<Authorisation>(AUTHORISATIONS_KEY[0], "/authorisations", state);
}

export function grantAuthorisation(grant: AuthorisationGrant): Promise<Authorisation> {
  return api<Authorisation>("/authorisations", { method: "POST", body: grant });
}

export function updateAuthorisationRoles(id: number, roles: Role[]): Promise<Authorisation> {
  return api<Authorisation>(`/authorisations/${id}`, { method: "PATCH", body: { roles } });
}

export function deleteAuthorisation(id: number): Promise<void> {
  return api<void>(`/authorisations/${id}`, { method: "DELETE" });
}

function useInvalidateAuthorisations() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: AUTHORISATIONS_KEY });
}

export function useGrantAuthorisation() {
  const invalidate = useInvalidateAuthorisations();
  return useMutation({ mutationFn: grantAuthorisation, onSuccess: invalidate });
}

export function useUpdateAuthorisation() {
  const invalidate = useInvalidateAuthorisations();
  return useMutation({
    mutationFn: ({ id, roles }: { id: number; roles: Role[] }) => updateAuthorisationRoles(id, roles),
    onSuccess: invalidate,
  });
}

export function useDeleteAuthorisation() {
  const invalidate = useInvalidateAuthorisations();
  return useMutation({ mutationFn: deleteAuthorisation, onSuccess: invalidate });
}

// Deletes several at once (edit mode); refreshes the list once when all have settled,
// whatever their outcome, so the rows that are gone disappear and the failed ones stay.
export function useDeleteAuthorisations() {
  const invalidate = useInvalidateAuthorisations();
  return async (rows: Authorisation[]) => {
    const results = await Promise.allSettled(rows.map((row) => deleteAuthorisation(row.id)));
    await invalidate();
    return results;
  };
}
