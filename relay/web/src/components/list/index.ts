// The shared list of the portal. See DataList.tsx for the component and useListState.ts
// for how its state lives in the URL.
export { DataList, hideBelowClass } from "./DataList";
export { FilterBox, type FilterBoxProps } from "./FilterBox";
export { Pagination, lastPageOffset, type PaginationProps } from "./Pagination";
export {
  useDeletableList,
  type DeletableList,
  type DeletableListOptions,
  type DeleteOneMutation,
  type ListQueryResult,
} from "./useDeletableList";
export { useListState, FILTER_DEBOUNCE_MS, type ListStateOptions, type SetListState } from "./useListState";
export {
  DEFAULT_PAGE_SIZE,
  PAGE_SIZES,
  defaultListState,
  listStateFromSearch,
  listStateToSearch,
  toggleSort,
  type ListState,
  type SortOrder,
} from "./listState";
export type { Column, DataListProps, ListSelection } from "./types";
