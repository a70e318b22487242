import type { Translation } from "../translation";
import type en from "../en/list";

export default {
  filter: {
    label: "Filter",
    placeholder: "Zum Filtern tippen",
    clear: "Filter löschen",
  },
  status: {
    range: "{{from, number}}–{{to, number}} von {{total, number}}",
    none: "Keine Einträge",
    loading: "Wird geladen …",
    refreshing: "Wird aktualisiert …",
    selected_one: "{{count, number}} ausgewählt",
    selected_other: "{{count, number}} ausgewählt",
  },
  noMatch: "Zu diesem Filter passt nichts.",
  sort: {
    ascending: "aufsteigend sortiert",
    descending: "absteigend sortiert",
  },
  actionsColumn: "Aktionen",
  retry: "Erneut versuchen",
  edit: {
    toggle: "Bearbeiten",
    selectAll: "Alle Einträge dieser Seite auswählen",
    selectRow: "{{label}} auswählen",
    deleteSelected: "Ausgewählte löschen ({{count, number}})",
    confirmTitle: "Einträge löschen",
    confirm: "Löschen",
    cancel: "Abbrechen",
    deleting: "Wird gelöscht …",
    deleted_one: "{{count, number}} Eintrag gelöscht.",
    deleted_other: "{{count, number}} Einträge gelöscht.",
    failed_one: "{{count, number}} Eintrag konnte nicht gelöscht werden.",
    failed_other: "{{count, number}} Einträge konnten nicht gelöscht werden.",
    failure: "{{label}}: {{reason}}",
  },
  pagination: {
    label: "Seiten",
    first: "Erste Seite",
    previous: "Vorherige Seite",
    next: "Nächste Seite",
    last: "Letzte Seite",
    page: "Seite {{page, number}} von {{pages, number}}",
    pageSize: "Zeilen pro Seite",
  },
  dialog: {
    close: "Schließen",
  },
  notifications: {
    label: "Benachrichtigungen",
    dismiss: "Benachrichtigung schließen",
  },
  error: {
    title: "Das konnte nicht geladen werden.",
  },
} satisfies Translation<typeof en>;
