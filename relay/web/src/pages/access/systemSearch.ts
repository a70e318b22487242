import { keepPreviousData, useQueries, useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { Page, System, SystemAction } from "../../api/types";

// Systems offered by the pickers of the access pages. The API cannot filter by permission,
// so a page of matches is fetched and the systems on which the user lacks `action` are
// dropped here. The key starts with "systems": live system events refresh it.
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

function systemDetailQuery(id: number) {
  return {
    queryKey: ["systems", "detail", id] as const,
    queryFn: ({ signal }: { signal: AbortSignal }) => api<System>(`/systems/${id}`, { signal }),
    retry: false,
    staleTime: 30_000,
  };
}

// allowed_actions of each of `ids` (the rows on screen), to decide per row what is offered.
// A system the user cannot see (404) maps to undefined, like one still loading.
export function useSystemsActions(ids: readonly number[], enabled = true): Map<number, SystemAction[] | undefined> {
  const results = useQueries({
    queries: ids.map((id) => ({ ...systemDetailQuery(id), enabled })),
  });
  const map = new Map<number, SystemAction[] | undefined>();
  ids.forEach((id, index) => map.set(id, results[index]?.data?.allowed_actions));
  return map;
}
