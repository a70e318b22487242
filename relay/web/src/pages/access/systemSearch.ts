import { useQueries } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { System, SystemAction } from "../../api/types";

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
