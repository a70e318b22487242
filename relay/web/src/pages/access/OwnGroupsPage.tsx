import { Pencil, Plus, Trash2 } from "lucide-react";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import { GROUP_SORT_KEYS, useDeleteGroup, useGroupList } from "../../api/groups";
import type { Group } from "../../api/types";
import ConfirmDialog from "../../components/ConfirmDialog";
import { DataList, defaultListState, useDeletableList, type ListState } from "../../components/list";
import { useCurrentUser } from "../../layout/SessionContext";
import { GroupDialog } from "./GroupForm";
import { DeleteGroupText, groupNameId, useGroupColumns, useGroupSelection } from "./groupParts";
import "./access.css";

const DEFAULTS = defaultListState("name", "asc");
const useOwnGroupList = (state: ListState) => useGroupList(state, true);

// B6: the groups the user owns — create, edit, delete one or several. Members and systems
// are managed on each group's settings page (the name links there).
export default function OwnGroupsPage() {
  const { t } = useTranslation("access");
  const me = useCurrentUser();
  const columns = useGroupColumns(me.id, false);
  const [dialog, setDialog] = useState<{ group: Group | null } | null>(null);
  const rows = useDeletableList<Group>({
    defaults: DEFAULTS,
    sortKeys: GROUP_SORT_KEYS,
    useList: useOwnGroupList,
    ...useGroupSelection(me.id),
    deleteOne: useDeleteGroup(),
    deletedText: (group) => t("ownGroups.delete.done", { name: group.name }),
  });
  const { askDelete, deleting } = rows;

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
          onClick={() => askDelete(group)}
        >
          <Trash2 aria-hidden size={16} />
          {t("ownGroups.delete.button")}
        </button>
      </span>
    ),
    [t, askDelete],
  );

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
        {...rows.listProps}
        emptyText={t("ownGroups.empty")}
        noMatchText={t("groups.noMatch")}
        filterLabel={t("groups.filter")}
        toolbar={
          <button type="button" className="button primary" onClick={() => setDialog({ group: null })}>
            <Plus aria-hidden size={16} />
            {t("ownGroups.create")}
          </button>
        }
        rowActions={rowActions}
        rowLabel={(group) => group.name}
        testId="own-groups-table"
      />
      <GroupDialog open={dialog !== null} group={dialog?.group ?? null} onClose={() => setDialog(null)} />
      <ConfirmDialog
        title={t("ownGroups.delete.title")}
        text={deleting ? <DeleteGroupText group={deleting} /> : null}
        confirmLabel={t("ownGroups.delete.confirm")}
        {...rows.confirmProps}
      />
    </div>
  );
}
