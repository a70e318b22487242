import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { Page, System, SystemAction } from "../../api/types";

// Systems offered by the system picker. The API cannot filter by permission, so a page of
// matches is fetched and the systems on which the user lacks `action` are dropped here.
// The key starts with "systems": live system events refresh it.
export const SYSTEM_SEARCH_LIMIT = 50;

export function useSystemSearch(q: string, enabled = true) {
  const text = q.trim();
  return useQuery({
    queryKey: ["systems", "search", "access", text],
    queryFn: ({ signal }) =>
      api<Page<System>>("/systems", {
        query: { q: text, sort: "name", order: "asc", limit: SYSTEM_SEARCH_LIMIT },
        signal,
      }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    enabled,
  });
}

export function systemsAllowing(
  systems: readonly System[],
  action: SystemAction,
  exclude: ReadonlySet<number> = new Set(),
): System[] {
  return systems.filter((system) => system.allowed_actions.includes(action) && !exclude.has(system.id));
}
