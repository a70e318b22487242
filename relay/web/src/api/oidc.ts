import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { OidcInfo } from "./types";

// Whether single sign-on is set up, and the provider's display name (GET /auth/oidc;
// answers without a session). The login itself is a full-page visit of oidcLoginUrl.
export function useOidcInfo() {
  return useQuery({
    queryKey: ["auth", "oidc"],
    queryFn: ({ signal }) => api<OidcInfo>("/auth/oidc", { signal, expectUnauthenticated: true }),
    staleTime: 10 * 60_000,
    retry: false,
  });
}

// The relay checks return_to itself as well (same-site paths only).
export function oidcLoginUrl(returnTo: string): string {
  return `/api/v1/auth/oidc/login?return_to=${encodeURIComponent(returnTo)}`;
}
