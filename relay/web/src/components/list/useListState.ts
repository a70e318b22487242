import { useCallback, useEffect, useMemo, useRef } from "react";
import { useSearchParams } from "react-router";
import { listStateFromSearch, listStateToSearch, type ListState } from "./listState";

// Filter keystrokes reach the list state (and so the server) this long after typing stops.
// Short enough to leave room for the request within the 300 ms keystroke-to-rows budget.
export const FILTER_DEBOUNCE_MS = 150;

export interface ListStateOptions {
  // Prefix of the URL parameters, for pages with more than one list (e.g. "members_").
  urlPrefix?: string;
  // Defaults to FILTER_DEBOUNCE_MS; tests may set 0 or use fake timers.
  debounceMs?: number;
}

export type SetListState = (next: ListState) => void;

const KEYS = ["q", "sort", "order", "limit", "offset"] as const;

// The view of a server-paged list, kept in the URL so reload, bookmarks and Back show the
// same filtered, sorted page.
//
// A change of the filter text alone is debounced: the returned state keeps the old `q`
// until typing pauses for `debounceMs`, then takes the new one with offset 0 and
// *replaces* the history entry (keystrokes are not steps for Back). Any other change
// (sort, page, page size) applies at once and *pushes* a history entry; a filter text
// still pending goes with it (then on the first page, as the rows are different ones).
// Setting the filter back to the current `q` cancels a pending change. DataList keeps the
// typed text in its input meanwhile.
export function useListState(
  defaults: ListState,
  sortKeys: readonly string[],
  opts: ListStateOptions = {},
): [ListState, SetListState] {
  const prefix = opts.urlPrefix ?? "";
  const debounceMs = opts.debounceMs ?? FILTER_DEBOUNCE_MS;
  const [searchParams, setSearchParams] = useSearchParams();

  const search = searchParams.toString();
  const { q: dq, sort: dsort, order: dorder, limit: dlimit, offset: doffset } = defaults;
  const sortKeyList = sortKeys.join("\n");
  const stableDefaults = useMemo<ListState>(
    () => ({ q: dq, sort: dsort, order: dorder, limit: dlimit, offset: doffset }),
    [dq, dsort, dorder, dlimit, doffset],
  );
  const state = useMemo(
    () => listStateFromSearch(readPrefixed(new URLSearchParams(search), prefix), stableDefaults, sortKeyList.split("\n")),
    [search, prefix, stableDefaults, sortKeyList],
  );

  // Timers outlive renders: they must write on top of the newest URL, not the one of the
  // render that started them.
  const latest = useRef({ state, searchParams, setSearchParams, defaults: stableDefaults, prefix });
  latest.current = { state, searchParams, setSearchParams, defaults: stableDefaults, prefix };
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pendingQ = useRef<string | undefined>(undefined);

  const cancelPending = useCallback(() => {
    if (timer.current !== undefined) {
      clearTimeout(timer.current);
      timer.current = undefined;
    }
    pendingQ.current = undefined;
  }, []);

  const commit = useCallback((next: ListState, replace: boolean) => {
    const { searchParams: current, setSearchParams: set, defaults: base, prefix: p } = latest.current;
    const nextSearch = writePrefixed(current, next, base, p);
    if (nextSearch.toString() === current.toString()) return;
    set(nextSearch, { replace, preventScrollReset: true });
  }, []);

  const setState = useCallback<SetListState>(
    (next) => {
      const current = latest.current.state;
      const onlyFilter =
        next.sort === current.sort &&
        next.order === current.order &&
        next.limit === current.limit &&
        next.offset === current.offset;
      if (onlyFilter || (next.q !== current.q && next.offset === 0 && sameView(next, current))) {
        cancelPending();
        if (next.q === current.q) return;
        pendingQ.current = next.q;
        timer.current = setTimeout(() => {
          timer.current = undefined;
          pendingQ.current = undefined;
          commit({ ...latest.current.state, q: next.q, offset: 0 }, true);
        }, debounceMs);
        return;
      }
      const q = next.q === current.q && pendingQ.current !== undefined ? pendingQ.current : next.q;
      cancelPending();
      commit(q === current.q ? next : { ...next, q, offset: 0 }, false);
    },
    [cancelPending, commit, debounceMs],
  );

  useEffect(() => cancelPending, [cancelPending]);

  return [state, setState];
}

// Same sort and page size: a filter change that also reset the offset is still "just the filter".
function sameView(a: ListState, b: ListState): boolean {
  return a.sort === b.sort && a.order === b.order && a.limit === b.limit;
}

function readPrefixed(search: URLSearchParams, prefix: string): URLSearchParams {
  if (!prefix) return search;
  const plain = new URLSearchParams();
  for (const key of KEYS) {
    const value = search.get(prefix + key);
    if (value !== null) plain.set(key, value);
  }
  return plain;
}

function writePrefixed(base: URLSearchParams, state: ListState, defaults: ListState, prefix: string): URLSearchParams {
  if (!prefix) return listStateToSearch(state, defaults, base);
  const plain = listStateToSearch(state, defaults);
  const next = new URLSearchParams(base);
  for (const key of KEYS) {
    const value = plain.get(key);
    if (value === null) next.delete(prefix + key);
    else next.set(prefix + key, value);
  }
  return next;
}
