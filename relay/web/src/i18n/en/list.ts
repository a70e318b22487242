// Shared list component (filter, sort, paging, edit mode), dialogs and notifications.
export default {
  filter: {
    label: "Filter",
    placeholder: "Type to filter",
    clear: "Clear filter",
  },
  status: {
    range: "{{from, number}}–{{to, number}} of {{total, number}}",
    none: "No entries",
    loading: "Loading…",
    refreshing: "Updating…",
    selected_one: "{{count, number}} selected",
    selected_other: "{{count, number}} selected",
  },
  noMatch: "Nothing matches this filter.",
  sort: {
    ascending: "sorted ascending",
    descending: "sorted descending",
  },
  actionsColumn: "Actions",
  retry: "Try again",
  edit: {
    toggle: "Edit",
    selectAll: "Select all entries on this page",
    selectRow: "Select {{label}}",
    deleteSelected: "Delete selected ({{count, number}})",
    confirmTitle: "Delete entries",
    confirm: "Delete",
    cancel: "Cancel",
    deleting: "Deleting…",
    deleted_one: "{{count, number}} entry deleted.",
    deleted_other: "{{count, number}} entries deleted.",
    failed_one: "{{count, number}} entry could not be deleted.",
    failed_other: "{{count, number}} entries could not be deleted.",
    failure: "{{label}}: {{reason}}",
  },
  pagination: {
    label: "Pages",
    first: "First page",
    previous: "Previous page",
    next: "Next page",
    last: "Last page",
    page: "Page {{page, number}} of {{pages, number}}",
    pageSize: "Rows per page",
  },
  dialog: {
    close: "Close",
  },
  notifications: {
    label: "Notifications",
    dismiss: "Dismiss notification",
  },
  error: {
    title: "This could not be loaded.",
  },
} as const;
