import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { ApiTokenCreated } from "./types";

// The user's API tokens for scripts (GET/POST/DELETE /api-tokens). The list itself goes
// through useListQuery(TOKENS_RESOURCE, TOKENS_PATH, state). The secret comes back only in
// the answer to the creation; the relay stores just its digest.
export const TOKENS_RESOURCE = "api-tokens";
export const TOKENS_PATH = "/api-tokens";
export const TOKEN_SORT_KEYS = ["created", "name"] as const;

export interface NewApiToken {
  name: string;
  expires_in_days?: number; // 1..3650; absent: never expires
}

export function deleteApiToken(id: number): Promise<void> {
  return api<void>(`${TOKENS_PATH}/${id}`, { method: "DELETE" });
}

export function useCreateApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (token: NewApiToken) => api<ApiTokenCreated>(TOKENS_PATH, { method: "POST", body: token }),
    onSuccess: () => client.invalidateQueries({ queryKey: [TOKENS_RESOURCE] }),
  });
}

export function useDeleteApiToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: deleteApiToken,
    onSettled: () => client.invalidateQueries({ queryKey: [TOKENS_RESOURCE] }),
  });
}
