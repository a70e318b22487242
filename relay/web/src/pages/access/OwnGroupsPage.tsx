import { Pencil, Plus, Trash2 } from "lucide-react";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { GROUP_SORT_KEYS, deleteGroup, useBulkGroupAction, useDeleteGroup, useGroupList } from "../../api/groups";
import { errorText } from "../../api/errors";
import type { Group } from "../../api/types";
import ConfirmDialog from "../../components/ConfirmDialog";
import { useNotify } from "../../components/Notifications";
import { DataList, defaultListState, useListState, type ListSelection } from "../../components/list";
import { useCurrentUser } from "../../layout/SessionContext";
import { GroupDialog } from "./GroupForm";
import { DeleteGroupText, groupNameId, useGroupColumns } from "./groupParts";
import "./access.css";

const DEFAULTS = defaultListState("name", "asc");

// B6: the groups the user owns — create, edit, delete one or several. Members and systems
// are managed on each group's settings page (the name links there).
export default function OwnGroupsPage() {
  const { t } = useTranslation("access");
  const me = useCurrentUser();
  const notify = useNotify();
  const [state, setState] = useListState(DEFAULTS, GROUP_SORT_KEYS);
  const list = useGroupList(state, true);
  const columns = useGroupColumns(me.id, false);
  const [dialog, setDialog] = useState<{ group: Group | null } | null>(null);
  const [deleting, setDeleting] = useState<Group | null>(null);
  const deleteOne = useDeleteGroup();
  const deleteRows = useBulkGroupAction((group: Group) => deleteGroup(group.id));

  const selection = useMemo<ListSelection<Group>>(
    () => ({
      canSelect: (group) => group.owner.id === me.id,
      deleteRows,
      confirmText: (count) => t("ownGroups.delete.confirmMany", { count }),
    }),
    [deleteRows, me.id, t],
  );

  const rowActions = useCallback(
    (group: Group) => (
      <span className="access-row-actions" data-testid={`group-actions-${group.id}`}>
        <button
          type="button"
          className="button"
          aria-describedby={groupNameId(group)}
          onClick={() => setDialog({ group })}
        >
          <Pencil aria-hidden size={16} />
          {t("ownGroups.edit")}
        </button>
        <button
          type="button"
          className="button"
          aria-describedby={groupNameId(group)}
          onClick={() => setDeleting(group)}
        >
          <Trash2 aria-hidden size={16} />
          {t("ownGroups.delete.button")}
        </button>
      </span>
    ),
    [t],
  );

  const confirmDelete = () => {
    if (!deleting) return;
    const group = deleting;
    deleteOne.mutate(group.id, {
      onSuccess: () => {
        notify.success(t("ownGroups.delete.done", { name: group.name }));
        setDeleting(null);
      },
      onError: (error) => {
        notify.error(errorText(t, error));
        setDeleting(null);
      },
    });
  };

  return (
    <div className="access-page" data-testid="page-own-groups">
      <header className="page-header">
        <h1>{t("ownGroups.title")}</h1>
      </header>
      <p className="access-intro">{t("ownGroups.intro")}</p>
      <DataList
        caption={t("ownGroups.caption")}
        columns={columns}
        rowKey={(group) => group.id}
        state={state}
        onStateChange={setState}
        data={list.data}
        isLoading={list.isLoading}
        isFetching={list.isFetching}
        error={list.error}
        onRetry={() => void list.refetch()}
        emptyText={t("ownGroups.empty")}
        noMatchText={t("groups.noMatch")}
        filterLabel={t("groups.filter")}
        toolbar={
          <button type="button" className="button primary" onClick={() => setDialog({ group: null })}>
            <Plus aria-hidden size={16} />
            {t("ownGroups.create")}
          </button>
        }
        selection={selection}
        rowActions={rowActions}
        rowLabel={(group) => group.name}
        testId="own-groups-table"
      />
      <GroupDialog open={dialog !== null} group={dialog?.group ?? null} onClose={() => setDialog(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title={t("ownGroups.delete.title")}
        text={deleting ? <DeleteGroupText group={deleting} /> : null}
        confirmLabel={t("ownGroups.delete.confirm")}
        danger
        busy={deleteOne.isPending}
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(null)}
      />
    </div>
  );
}
