import { KeyRound, Pencil, Plus, Trash2 } from "lucide-react";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  AUTHORISATION_SORT_KEYS,
  useAuthorisationList,
  useDeleteAuthorisation,
  useDeleteAuthorisations,
} from "../../api/authorisations";
import { errorText } from "../../api/errors";
import type { Authorisation } from "../../api/types";
import ConfirmDialog from "../../components/ConfirmDialog";
import { useNotify } from "../../components/Notifications";
import { DataList, defaultListState, useListState, type Column, type ListSelection } from "../../components/list";
import { EditRolesDialog, GrantDialog } from "./AuthorisationDialogs";
import { useFormatDateTime } from "./format";
import { systemText } from "./Pickers";
import { RoleChips } from "./Roles";
import "./access.css";

const DEFAULTS = defaultListState("created", "desc");

// B4: the authorisations the signed-in user granted to colleagues — grant, change roles,
// delete one or several.
export default function AuthorisationsPage() {
  const { t } = useTranslation("access");
  const formatDate = useFormatDateTime();
  const notify = useNotify();
  const [state, setState] = useListState(DEFAULTS, AUTHORISATION_SORT_KEYS);
  const list = useAuthorisationList(state);
  const [granting, setGranting] = useState(false);
  const [editing, setEditing] = useState<Authorisation | null>(null);
  const [deleting, setDeleting] = useState<Authorisation | null>(null);
  const deleteOne = useDeleteAuthorisation();
  const deleteRows = useDeleteAuthorisations();

  const rowLabel = useCallback(
    (row: Authorisation) => t("authorisations.rowLabel", { email: row.user.email, system: row.system.name }),
    [t],
  );

  const columns = useMemo<Column<Authorisation>[]>(
    () => [
      {
        id: "user",
        header: t("authorisations.columns.user"),
        sortable: true,
        cell: (row) => row.user.email,
      },
      {
        id: "system",
        header: t("authorisations.columns.system"),
        sortable: true,
        cell: (row) => (
          <span className="access-two-lines">
            <span>{row.system.name}</span>
            <span className="access-muted mono">{row.system.serial}</span>
          </span>
        ),
      },
      {
        id: "roles",
        header: t("authorisations.columns.roles"),
        cell: (row) => <RoleChips roles={row.roles} />,
      },
      {
        id: "created",
        header: t("authorisations.columns.created"),
        sortable: true,
        hideBelow: 900,
        cell: (row) => formatDate(row.created_at),
      },
      {
        id: "updated",
        header: t("authorisations.columns.updated"),
        hideBelow: 1200,
        cell: (row) => formatDate(row.updated_at),
      },
    ],
    [t, formatDate],
  );

  const selection = useMemo<ListSelection<Authorisation>>(
    () => ({
      canSelect: () => true,
      deleteRows,
      confirmText: (count) => t("authorisations.delete.confirmMany", { count }),
    }),
    [deleteRows, t],
  );

  const rowActions = useCallback(
    (row: Authorisation) => (
      <span className="access-row-actions" data-testid={`authorisation-actions-${row.id}`}>
        <button type="button" className="button" onClick={() => setEditing(row)}>
          <Pencil aria-hidden size={16} />
          {t("authorisations.edit.button")}
        </button>
        <button type="button" className="button" onClick={() => setDeleting(row)}>
          <Trash2 aria-hidden size={16} />
          {t("authorisations.delete.button")}
        </button>
      </span>
    ),
    [t],
  );

  const confirmDelete = () => {
    if (!deleting) return;
    const row = deleting;
    deleteOne.mutate(row.id, {
      onSuccess: () => {
        notify.success(t("authorisations.delete.done", { email: row.user.email, system: systemText(row.system) }));
        setDeleting(null);
      },
      onError: (error) => {
        notify.error(errorText(t, error));
        setDeleting(null);
      },
    });
  };

  return (
    <div className="access-page" data-testid="page-authorisations">
      <header className="page-header">
        <h1>{t("authorisations.title")}</h1>
      </header>
      <p className="access-intro">{t("authorisations.intro")}</p>
      <DataList
        caption={t("authorisations.caption")}
        columns={columns}
        rowKey={(row) => row.id}
        state={state}
        onStateChange={setState}
        data={list.data}
        isLoading={list.isLoading}
        isFetching={list.isFetching}
        error={list.error}
        onRetry={() => void list.refetch()}
        emptyText={t("authorisations.empty")}
        noMatchText={t("authorisations.noMatch")}
        filterLabel={t("authorisations.filter")}
        toolbar={
          <button type="button" className="button primary" onClick={() => setGranting(true)}>
            <Plus aria-hidden size={16} />
            {t("authorisations.grant.button")}
          </button>
        }
        selection={selection}
        rowActions={rowActions}
        rowLabel={rowLabel}
        testId="authorisations-table"
      />
      <GrantDialog open={granting} onClose={() => setGranting(false)} />
      <EditRolesDialog authorisation={editing} onClose={() => setEditing(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title={t("authorisations.delete.title")}
        text={
          deleting ? (
            <p>
              <KeyRound aria-hidden size={16} className="access-inline-icon" />
              {t("authorisations.delete.confirmOne", {
                email: deleting.user.email,
                system: systemText(deleting.system),
              })}
            </p>
          ) : null
        }
        confirmLabel={t("authorisations.delete.confirm")}
        danger
        busy={deleteOne.isPending}
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(null)}
      />
    </div>
  );
}
