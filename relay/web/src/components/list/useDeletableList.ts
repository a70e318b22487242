import { useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../../api/errors";
import type { Page } from "../../api/types";
import { useNotify } from "../Notifications";
import type { ListState } from "./listState";
import type { ListSelection } from "./types";
import { useListState, type ListStateOptions, type SetListState } from "./useListState";

// What the hook needs of a server-paged list query (useListQuery and the api/ hooks on it).
export interface ListQueryResult<T> {
  data: Page<T> | undefined;
  isLoading: boolean;
  isFetching: boolean;
  error: unknown;
  refetch: () => unknown;
}

// Deleting one row by id: a react-query mutation (useDeleteSystem, useDeleteGroup, …).
export interface DeleteOneMutation {
  mutate: (id: number, callbacks: { onSuccess: () => void; onError: (error: unknown) => void }) => void;
  isPending: boolean;
}

export interface DeletableListOptions<T extends { id: number }> {
  defaults: ListState;
  sortKeys: readonly string[];
  stateOptions?: ListStateOptions;
  // The page's list query, called with the list state from the URL. Called on every render
  // like any hook, so always the same function.
  useList: (state: ListState) => ListQueryResult<T>;
  // Edit mode: which rows can be selected, the confirmation text and the bulk deletion (one
  // settled result per row; the list reports each failure and keeps those rows selected).
  canSelect: (row: T) => boolean;
  confirmText: (count: number) => string;
  deleteRows: (rows: T[]) => Promise<PromiseSettledResult<unknown>[]>;
  // Deleting one row after a confirmation (askDelete); without it only edit mode deletes.
  deleteOne?: DeleteOneMutation;
  deletedText?: (row: T) => string; // the success notification
  onDeleted?: (row: T) => void; // e.g. forget a remembered selection
}

export interface DeletableList<T> {
  state: ListState;
  setState: SetListState;
  list: ListQueryResult<T>;
  // Spread into DataList: list state, data, loading, error with retry, and edit mode.
  listProps: {
    state: ListState;
    onStateChange: SetListState;
    data: Page<T> | undefined;
    isLoading: boolean;
    isFetching: boolean;
    error: unknown;
    onRetry: () => void;
    selection: ListSelection<T>;
  };
  deleting: T | null; // the row whose deletion awaits confirmation
  askDelete: (row: T) => void;
  // Spread into the ConfirmDialog of the single deletion (title, text, label are the page's).
  confirmProps: { open: boolean; danger: true; busy: boolean; onConfirm: () => void; onCancel: () => void };
}

// The wiring every list page with deletion repeats: list state in the URL, the server-paged
// query, edit mode with "delete selected", and one row deleted behind a confirmation with
// the outcome in a notification.
export function useDeletableList<T extends { id: number }>(options: DeletableListOptions<T>): DeletableList<T> {
  const { defaults, sortKeys, stateOptions, useList, deleteOne } = options;
  const { t } = useTranslation();
  const notify = useNotify();
  const [state, setState] = useListState(defaults, sortKeys, stateOptions);
  const list = useList(state);
  const [deleting, setDeleting] = useState<T | null>(null);

  // The callers pass fresh closures on every render; the list gets one selection object that
  // always calls the latest ones.
  const latest = useRef(options);
  latest.current = options;
  const selection = useMemo<ListSelection<T>>(
    () => ({
      canSelect: (row) => latest.current.canSelect(row),
      deleteRows: (rows) => latest.current.deleteRows(rows),
      confirmText: (count) => latest.current.confirmText(count),
    }),
    [],
  );

  const confirmDelete = () => {
    const row = deleting;
    if (!row || !deleteOne) return;
    deleteOne.mutate(row.id, {
      onSuccess: () => {
        options.onDeleted?.(row);
        if (options.deletedText) notify.success(options.deletedText(row));
        setDeleting(null);
      },
      onError: (error) => {
        notify.error(errorText(t, error));
        setDeleting(null);
      },
    });
  };

  return {
    state,
    setState,
    list,
    listProps: {
      state,
      onStateChange: setState,
      data: list.data,
      isLoading: list.isLoading,
      isFetching: list.isFetching,
      error: list.error,
      onRetry: () => void list.refetch(),
      selection,
    },
    deleting,
    askDelete: setDeleting,
    confirmProps: {
      open: deleting !== null,
      danger: true,
      busy: deleteOne?.isPending ?? false,
      onConfirm: confirmDelete,
      onCancel: () => setDeleting(null),
    },
  };
}
