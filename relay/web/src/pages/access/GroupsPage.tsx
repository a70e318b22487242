import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { GROUP_SORT_KEYS, useGroupList } from "../../api/groups";
import type { Group } from "../../api/types";
import { DataList, defaultListState, useDeletableList, type ListState } from "../../components/list";
import { useCurrentUser } from "../../layout/SessionContext";
import { useGroupColumns, useGroupSelection, useMembershipControls } from "./groupParts";
import "./access.css";

const DEFAULTS = defaultListState("name", "asc");
const useVisibleGroupList = (state: ListState) => useGroupList(state, false);

// B5: every group of the company the user may see — own ones, public ones and those the
// user belongs to — with Join and Leave. Own groups can be deleted here in edit mode too.
export default function GroupsPage() {
  const { t } = useTranslation("access");
  const me = useCurrentUser();
  const columns = useGroupColumns(me.id, true);
  const membership = useMembershipControls(me.id);
  // Own groups are deleted in edit mode only; the row actions are Join and Leave.
  const rows = useDeletableList<Group>({
    defaults: DEFAULTS,
    sortKeys: GROUP_SORT_KEYS,
    useList: useVisibleGroupList,
    ...useGroupSelection(me.id),
  });

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
        {...rows.listProps}
        emptyText={t("groups.empty")}
        noMatchText={t("groups.noMatch")}
        filterLabel={t("groups.filter")}
        rowActions={rowActions}
        rowLabel={(group) => group.name}
        testId="groups-table"
      />
      {membership.dialogs}
    </div>
  );
}
