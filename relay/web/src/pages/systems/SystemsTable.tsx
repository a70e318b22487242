import { useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Trash2 } from "lucide-react";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import {
  SYSTEM_SORT_KEYS,
  deleteSystemRequest,
  forgetDeletedSystems,
  useDeleteSystem,
  useSystemsList,
} from "../../api/systems";
import type { System } from "../../api/types";
import ConfirmDialog from "../../components/ConfirmDialog";
import { DataList, defaultListState, useDeletableList } from "../../components/list";
import { forgetSelectedSystem } from "../../layout/selectedSystem";
import RowMenu from "./RowMenu";
import { buildColumns, type SystemsVariant } from "./systemColumns";
import { can } from "./systemLogic";
import { useSystemTexts } from "./texts";
import { useCodeActions } from "./useCodeActions";
import "./systems.css";

// The forms pull in react-hook-form and zod: loaded when first opened, so the list itself
// arrives (and shows its first rows) sooner.
const CreateSystemDialog = lazy(() => import("./CreateSystemDialog"));
const RenameSystemDialog = lazy(() => import("./RenameSystemDialog"));

const DEFAULTS = defaultListState("name");
const MINUTE_MS = 60_000;
// Shorter than the shared default: the budget from a keystroke to new rows is 300 ms, and
// the server answers a filtered page of 10,000 systems in a few milliseconds, so a request
// per pause of a fast typist costs little.
const LIST_OPTIONS = { debounceMs: 80 };

// The current time, moving on once a minute (for "last seen 5 minutes ago").
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), MINUTE_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

// A plain link's click as client-side navigation; new tabs and windows stay the browser's.
function useLinkClick(): (event: MouseEvent<HTMLAnchorElement>) => void {
  const navigate = useNavigate();
  const latest = useRef(navigate);
  latest.current = navigate;
  return useCallback((event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const href = event.currentTarget.getAttribute("href");
    if (!href) return;
    event.preventDefault();
    void latest.current(href);
  }, []);
}

// The systems list of the overview (D1) and of the administration page: same data, same
// filter/sort/paging in the URL, different columns. Create, rename, the code controls and
// deleting (single and selected) are here, each offered only where allowed_actions permit.
export function SystemsTable({ variant }: { variant: SystemsVariant }) {
  const { t, i18n } = useTranslation("systems");
  const texts = useSystemTexts();
  const onLinkClick = useLinkClick();
  const nowMs = useMinuteClock();
  const client = useQueryClient();
  // Edit mode: only the owner deletes a system (delete_system), so only those rows select.
  const rows = useDeletableList<System>({
    defaults: DEFAULTS,
    sortKeys: SYSTEM_SORT_KEYS,
    stateOptions: LIST_OPTIONS,
    useList: useSystemsList,
    canSelect: (system) => can(system, "delete_system"),
    confirmText: (count) => t("delete.confirmMany", { count }),
    deleteRows: async (systems) => {
      const results = await Promise.allSettled(systems.map((system) => deleteSystemRequest(system.id)));
      const deleted = systems.filter((_, index) => results[index]?.status === "fulfilled").map((system) => system.id);
      deleted.forEach((id) => forgetSelectedSystem(id));
      forgetDeletedSystems(client, deleted);
      return results;
    },
    deleteOne: useDeleteSystem(),
    deletedText: (system) => t("delete.done", { name: system.name }),
    onDeleted: (system) => forgetSelectedSystem(system.id),
  });
  const { list, deleting, askDelete } = rows;
  const code = useCodeActions();
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<System | null>(null);
  const language = i18n.language;

  const headers = useMemo(
    () => ({
      name: t("columns.name"),
      serial: t("columns.serial"),
      state: t("columns.state"),
      connection: t("columns.connection"),
      first_registration: t("columns.firstRegistration"),
      roles: t("columns.roles"),
      remote_configuration: t("columns.remoteConfiguration"),
      owner: t("columns.owner"),
      created: t("columns.created"),
      code: t("columns.code"),
    }),
    [t],
  );
  const columns = useMemo(
    () => buildColumns(variant, { texts, headers, language, code: code.handlers, onLinkClick, nowMs }),
    [variant, texts, headers, language, code.handlers, onLinkClick, nowMs],
  );

  const rowActions = useCallback(
    (system: System) =>
      variant === "overview" ? (
        <RowMenu system={system} texts={texts} onRename={setRenaming} />
      ) : (
        <>
          {can(system, "edit_system_name") && (
            <button
              type="button"
              className="button icon"
              aria-label={texts.renameNamed(system.name)}
              title={texts.rename}
              data-testid={`rename-${system.id}`}
              onClick={() => setRenaming(system)}
            >
              <Pencil aria-hidden size={16} />
            </button>
          )}
          {can(system, "delete_system") && (
            <button
              type="button"
              className="button icon"
              aria-label={texts.deleteNamed(system.name)}
              title={texts.delete}
              data-testid={`delete-${system.id}`}
              onClick={() => askDelete(system)}
            >
              <Trash2 aria-hidden size={16} />
            </button>
          )}
        </>
      ),
    [variant, texts, askDelete],
  );

  const rowKey = useCallback((system: System) => system.id, []);
  const rowLabel = useCallback((system: System) => system.name, []);

  // No edit mode where nothing on the page may be deleted: it would offer nothing to do.
  const anyDeletable = list.data?.items.some((system) => can(system, "delete_system")) ?? false;

  return (
    <>
      <DataList<System>
        caption={variant === "overview" ? t("overview.caption") : t("admin.caption")}
        columns={columns}
        rowKey={rowKey}
        rowLabel={rowLabel}
        {...rows.listProps}
        emptyText={t("overview.empty")}
        noMatchText={t("overview.noMatch")}
        filterLabel={t("overview.filter")}
        toolbar={
          <button type="button" className="button primary" data-testid="create-system" onClick={() => setCreating(true)}>
            <Plus aria-hidden size={16} />
            {t("actions.create")}
          </button>
        }
        selection={anyDeletable ? rows.listProps.selection : undefined}
        rowActions={rowActions}
        testId="systems-table"
      />
      {code.dialog}
      <ConfirmDialog
        title={t("delete.title")}
        text={deleting ? t("delete.text", { name: deleting.name, serial: deleting.serial }) : ""}
        confirmLabel={t("delete.confirm")}
        {...rows.confirmProps}
      />
      {creating && (
        <Suspense fallback={null}>
          <CreateSystemDialog open onClose={() => setCreating(false)} />
        </Suspense>
      )}
      {renaming && (
        <Suspense fallback={null}>
          <RenameSystemDialog system={renaming} onClose={() => setRenaming(null)} />
        </Suspense>
      )}
    </>
  );
}

export default SystemsTable;
