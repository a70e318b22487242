import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { Page, UserListItem } from "./types";

// Users of the own company (B1: colleagues see each other). Live "users" events invalidate
// every key below by its first element.
export const USERS_KEY = ["users"] as const;

// Suggestions shown while typing in a user picker: few rows, sorted by e-mail.
export const USER_SUGGESTION_LIMIT = 10;

export function searchUsers(q: string, signal?: AbortSignal): Promise<Page<UserListItem>> {
  return api<Page<UserListItem>>("/users", {
    query: { q: q.trim(), sort: "email", order: "asc", limit: USER_SUGGESTION_LIMIT },
    signal,
  });
}

// `q` should already be debounced by the caller; the previous suggestions stay visible while
// the next ones load, so the list does not flicker on every keystroke.
export function useUserSearch(q: string, enabled = true) {
  return useQuery({
    queryKey: [...USERS_KEY, "search", q.trim()],
    queryFn: ({ signal }) => searchUsers(q, signal),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    enabled,
  });
}
