import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, isApiError, setCsrfToken } from "./client";
import type { Session } from "./types";

export const SESSION_KEY = ["session"] as const;

// The current session, or null when nobody is signed in. Keeps the CSRF token for changes.
export function useSessionQuery() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async (): Promise<Session | null> => {
      try {
        const session = await api<Session>("/session", { expectUnauthenticated: true });
        setCsrfToken(session.csrf_token);
        return session;
      } catch (error) {
        if (isApiError(error) && error.status === 401) {
          setCsrfToken("");
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
    retry: 1,
  });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { email: string; password: string }) =>
      api<Session>("/session", { method: "POST", body: credentials, expectUnauthenticated: true }),
    onSuccess: (session) => {
      setCsrfToken(session.csrf_token);
      // Another user's cached data must never show: start from an empty cache.
      client.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
      client.setQueryData(SESSION_KEY, session);
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>("/session", { method: "DELETE", expectUnauthenticated: true }),
    onSettled: () => {
      setCsrfToken("");
      client.clear();
      client.setQueryData(SESSION_KEY, null);
    },
  });
}

export function useSetLanguage() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (language: string) =>
      api<Session>("/session", { method: "PATCH", body: { language } }),
    onSuccess: (session) => {
      setCsrfToken(session.csrf_token);
      client.setQueryData(SESSION_KEY, session);
    },
  });
}
