import type { ReactNode } from "react";
import type { Page } from "../../api/types";
import type { ListState } from "./listState";

// One column of a DataList. Sortable columns send `sortKey ?? id` to the API as `sort`.
export interface Column<T> {
  id: string;
  header: string; // translated
  cell: (row: T) => ReactNode;
  sortable?: boolean;
  sortKey?: string;
  align?: "start" | "end" | "center";
  // Hidden below this viewport width (px) to keep narrow screens readable.
  hideBelow?: number;
}

// Edit mode (FEATURES I4): a toggle that shows selection boxes, "select all" for the rows
// on the page and "delete selected" behind a confirmation.
export interface ListSelection<T> {
  canSelect: (row: T) => boolean;
  // Deletes the rows; a rejected promise per row is reported to the user by the list,
  // which keeps the failed rows selected. Resolves when every deletion has settled.
  deleteRows: (rows: T[]) => Promise<PromiseSettledResult<unknown>[]>;
  // Confirmation text, e.g. "Delete 3 systems?" (translated by the caller).
  confirmText: (count: number) => string;
}

export interface DataListProps<T> {
  caption: string; // accessible name of the table, also the visually hidden <caption>
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  state: ListState;
  onStateChange: (next: ListState) => void;
  data: Page<T> | undefined;
  isLoading: boolean; // nothing to show yet
  isFetching?: boolean; // refreshing shown data (e.g. after a filter keystroke)
  error: unknown; // shown with a retry button, translated through errors namespace
  onRetry: () => void;
  emptyText: string; // the list has no entries at all
  noMatchText?: string; // the filter matches nothing (defaults to a generic text)
  filterLabel?: string; // label of the filter box (defaults to a generic text)
  toolbar?: ReactNode; // e.g. a "Create" button, shown beside the filter
  selection?: ListSelection<T>;
  rowActions?: (row: T) => ReactNode; // last column, e.g. a menu
  rowLabel?: (row: T) => string; // accessible name of the row's checkbox and actions
  testId?: string; // data-testid of the table, for browser tests
}
