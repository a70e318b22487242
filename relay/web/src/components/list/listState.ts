// The state of a server-paged list (filter text, sort key and direction, page) and its
// round trip through the URL, so a filtered, sorted page can be bookmarked and reloaded.

export type SortOrder = "asc" | "desc";

export interface ListState {
  q: string;
  sort: string;
  order: SortOrder;
  limit: number;
  offset: number;
}

export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;

export function defaultListState(sort: string, order: SortOrder = "asc"): ListState {
  return { q: "", sort, order, limit: DEFAULT_PAGE_SIZE, offset: 0 };
}

// Reads a list state from URL parameters; anything missing or invalid falls back to the
// defaults, and sort keys outside `sortKeys` are ignored.
export function listStateFromSearch(
  search: URLSearchParams,
  defaults: ListState,
  sortKeys: readonly string[],
): ListState {
  const sort = search.get("sort") ?? "";
  const order = search.get("order");
  const limit = Number(search.get("limit"));
  const offset = Number(search.get("offset"));
  return {
    q: search.get("q") ?? defaults.q,
    sort: sortKeys.includes(sort) ? sort : defaults.sort,
    order: order === "asc" || order === "desc" ? order : defaults.order,
    limit: (PAGE_SIZES as readonly number[]).includes(limit) ? limit : defaults.limit,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

// Writes only what differs from the defaults, keeping unrelated parameters.
export function listStateToSearch(
  state: ListState,
  defaults: ListState,
  base: URLSearchParams = new URLSearchParams(),
): URLSearchParams {
  const next = new URLSearchParams(base);
  const entries: [keyof ListState, string, boolean][] = [
    ["q", state.q, state.q !== defaults.q],
    ["sort", state.sort, state.sort !== defaults.sort],
    ["order", state.order, state.order !== defaults.order],
    ["limit", String(state.limit), state.limit !== defaults.limit],
    ["offset", String(state.offset), state.offset !== 0],
  ];
  for (const [key, value, differs] of entries) {
    if (differs && value !== "") next.set(key, value);
    else next.delete(key);
  }
  return next;
}

// Clicking a column header: a new key sorts ascending, the same key flips the direction.
// Either way the list goes back to its first page.
export function toggleSort(state: ListState, key: string): ListState {
  const order: SortOrder = state.sort === key && state.order === "asc" ? "desc" : "asc";
  return { ...state, sort: key, order, offset: 0 };
}
