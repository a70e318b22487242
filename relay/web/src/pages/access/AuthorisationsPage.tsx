import { KeyRound, Pencil, Plus, Trash2 } from "lucide-react";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  AUTHORISATION_SORT_KEYS,
  useAuthorisationList,
  useDeleteAuthorisation,
  useDeleteAuthorisations,
} from "../../api/authorisations";
import type { Authorisation } from "../../api/types";
import ConfirmDialog from "../../components/ConfirmDialog";
import { DataList, defaultListState, useDeletableList, type Column } from "../../components/list";
import { EditRolesDialog, GrantDialog } from "./AuthorisationDialogs";
import { useFormatDateTime } from "./format";
import { systemText } from "../../components/pickers/SystemPicker";
import { RoleChips } from "./Roles";
import "./access.css";

const DEFAULTS = defaultListState("created", "desc");

// B4: the authorisations the signed-in user granted to colleagues — grant, change roles,
// delete one or several.
export default function AuthorisationsPage() {
  const { t } = useTranslation("access");
  const formatDate = useFormatDateTime();
  const [granting, setGranting] = useState(false);
  const [editing, setEditing] = useState<Authorisation | null>(null);
  const rows = useDeletableList<Authorisation>({
    defaults: DEFAULTS,
    sortKeys: AUTHORISATION_SORT_KEYS,
    useList: useAuthorisationList,
    canSelect: () => true,
    confirmText: (count) => t("authorisations.delete.confirmMany", { count }),
    deleteRows: useDeleteAuthorisations(),
    deleteOne: useDeleteAuthorisation(),
    deletedText: (row) => t("authorisations.delete.done", { email: row.user.email, system: systemText(row.system) }),
  });
  const { askDelete, deleting } = rows;

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

  const rowActions = useCallback(
    (row: Authorisation) => (
      <span className="access-row-actions" data-testid={`authorisation-actions-${row.id}`}>
        <button type="button" className="button" onClick={() => setEditing(row)}>
          <Pencil aria-hidden size={16} />
          {t("authorisations.edit.button")}
        </button>
        <button type="button" className="button" onClick={() => askDelete(row)}>
          <Trash2 aria-hidden size={16} />
          {t("authorisations.delete.button")}
        </button>
      </span>
    ),
    [t, askDelete],
  );

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
        {...rows.listProps}
        emptyText={t("authorisations.empty")}
        noMatchText={t("authorisations.noMatch")}
        filterLabel={t("authorisations.filter")}
        toolbar={
          <button type="button" className="button primary" onClick={() => setGranting(true)}>
            <Plus aria-hidden size={16} />
            {t("authorisations.grant.button")}
          </button>
        }
        rowActions={rowActions}
        rowLabel={rowLabel}
        testId="authorisations-table"
      />
      <GrantDialog open={granting} onClose={() => setGranting(false)} />
      <EditRolesDialog authorisation={editing} onClose={() => setEditing(null)} />
      <ConfirmDialog
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
        {...rows.confirmProps}
      />
    </div>
  );
}
