import type { Page } from "../../api/types";
import type { ListState } from "../../components/list/listState";

// Members and systems of a group come from the API as one whole list. These lists are
// short, so filtering, sorting and paging them happens here, with the same ListState the
// server-paged lists use, and DataList shows them like any other list.

export interface LocalListSpec<T> {
  // The texts the filter looks in (case-insensitive substring, like the server).
  text: (row: T) => string[];
  // Sort keys to comparators (ascending).
  compare: Record<string, (a: T, b: T) => number>;
}

export function compareText(a: string, b: string): number {
  return a.localeCompare(b, undefined, { sensitivity: "base", numeric: true });
}

export function pageLocally<T>(items: readonly T[], state: ListState, spec: LocalListSpec<T>): Page<T> {
  const needle = state.q.trim().toLocaleLowerCase();
  const matching = needle
    ? items.filter((row) => spec.text(row).some((text) => text.toLocaleLowerCase().includes(needle)))
    : [...items];
  const compare = spec.compare[state.sort];
  if (compare) {
    const direction = state.order === "desc" ? -1 : 1;
    // Array.prototype.sort is stable: equal rows keep the server's order.
    matching.sort((a, b) => direction * compare(a, b));
  }
  return { items: matching.slice(state.offset, state.offset + state.limit), total: matching.length };
}
