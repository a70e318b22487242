import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type QueryValue } from "./client";
import type { Page } from "./types";
import type { ListState } from "../components/list/listState";

// A server-paged list. The previous page stays on screen while the next one loads, so
// typing in the filter never blanks the table. `resource` is the first part of the query
// key: live events invalidate lists by it (see src/events/).
export function useListQuery<T>(
  resource: string,
  path: string,
  state: ListState,
  extra: Record<string, QueryValue> = {},
  enabled = true,
) {
  return useQuery({
    queryKey: [resource, "list", path, state, extra],
    queryFn: ({ signal }) =>
      api<Page<T>>(path, {
        query: {
          q: state.q.trim(),
          sort: state.sort,
          order: state.order,
          limit: state.limit,
          offset: state.offset,
          ...extra,
        },
        signal,
      }),
    placeholderData: keepPreviousData,
    enabled,
  });
}
