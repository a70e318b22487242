import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { GROUP_SORT_KEYS, deleteGroup, useBulkGroupAction, useGroupList } from "../../api/groups";
import type { Group } from "../../api/types";
import { DataList, defaultListState, useListState, type ListSelection } from "../../components/list";
import { useCurrentUser } from "../../layout/SessionContext";
import { useGroupColumns, useMembershipControls } from "./groupParts";
import "./access.css";

const DEFAULTS = defaultListState("name", "asc");

// B5: every group of the company the user may see — own ones, public ones and those the
// user belongs to — with Join and Leave. Own groups can be deleted here in edit mode too.
export default function GroupsPage() {
  const { t } = useTranslation("access");
  const me = useCurrentUser();
  const [state, setState] = useListState(DEFAULTS, GROUP_SORT_KEYS);
  const list = useGroupList(state, false);
  const columns = useGroupColumns(me.id, true);
  const membership = useMembershipControls(me.id);
  const deleteRows = useBulkGroupAction((group: Group) => deleteGroup(group.id));

  const selection = useMemo<ListSelection<Group>>(
    () => ({
      canSelect: (group) => group.owner.id === me.id,
      deleteRows,
      confirmText: (count) => t("ownGroups.delete.confirmMany", { count }),
    }),
    [deleteRows, me.id, t],
  );

  const { buttons } = membership;
  const rowActions = useCallback(
    (group: Group) => (
      <span className="access-row-actions" data-testid={`group-actions-${group.id}`}>
        {buttons(group)}
      </span>
    ),
    [buttons],
  );

  return (
    <div className="access-page" data-testid="page-groups">
      <header className="page-header">
        <h1>{t("groups.title")}</h1>
      </header>
      <p className="access-intro">{t("groups.intro")}</p>
      <DataList
        caption={t("groups.caption")}
        columns={columns}
        rowKey={(group) => group.id}
        state={state}
        onStateChange={setState}
        data={list.data}
        isLoading={list.isLoading}
        isFetching={list.isFetching}
        error={list.error}
        onRetry={() => void list.refetch()}
        emptyText={t("groups.empty")}
        noMatchText={t("groups.noMatch")}
        filterLabel={t("groups.filter")}
        selection={selection}
        rowActions={rowActions}
        rowLabel={(group) => group.name}
        testId="groups-table"
      />
      {membership.dialogs}
    </div>
  );
}
