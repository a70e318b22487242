import { Globe, Lock, LogIn, LogOut, UserCheck, Crown } from "lucide-react";
import { useMemo, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { deleteGroup, useBulkGroupAction, useJoinGroup, useLeaveGroup } from "../../api/groups";
import { errorText } from "../../api/errors";
import type { Group } from "../../api/types";
import ConfirmDialog from "../../components/ConfirmDialog";
import { useNotify } from "../../components/Notifications";
import type { Column } from "../../components/list";
import { useFormatDateTime } from "./format";
import { groupAbilities } from "./groupActions";
import "./access.css";

// Private or public, with an icon and a word (never colour alone).
export function GroupType({ isPublic }: { isPublic: boolean }) {
  const { t } = useTranslation("access");
  const Icon = isPublic ? Globe : Lock;
  return (
    <span className="access-badge">
      <Icon aria-hidden size={14} />
      {isPublic ? t("groups.type.public") : t("groups.type.private")}
    </span>
  );
}

// The signed-in user's relation to a group: owner, member or neither.
export function Membership({ group, userId }: { group: Group; userId: number }) {
  const { t } = useTranslation("access");
  if (group.owner.id === userId) {
    return (
      <span className="access-badge">
        <Crown aria-hidden size={14} />
        {t("groups.membership.owner")}
      </span>
    );
  }
  if (group.member) {
    return (
      <span className="access-badge">
        <UserCheck aria-hidden size={14} />
        {t("groups.membership.member")}
      </span>
    );
  }
  return <span className="access-muted">{t("groups.membership.none")}</span>;
}

export function DefaultRole({ role }: { role: Group["default_role"] }) {
  const { t } = useTranslation("common");
  return role ? <>{t(`roles.${role}`)}</> : <span className="access-muted">{t("roles.none")}</span>;
}

export function groupNameId(group: { id: number }): string {
  return `group-name-${group.id}`;
}

// The columns B5 and B6 share. `withMembership` adds the user's relation to each group.
// Edit mode of the group lists: only own groups can be selected and deleted.
export function useGroupSelection(userId: number) {
  const { t } = useTranslation("access");
  return {
    canSelect: (group: Group) => group.owner.id === userId,
    confirmText: (count: number) => t("ownGroups.delete.confirmMany", { count }),
    deleteRows: useBulkGroupAction((group: Group) => deleteGroup(group.id)),
  };
}

export function useGroupColumns(userId: number, withMembership: boolean): Column<Group>[] {
  const { t } = useTranslation("access");
  const formatDate = useFormatDateTime();
  return useMemo(() => {
    const columns: Column<Group>[] = [
      {
        id: "name",
        header: t("groups.columns.name"),
        sortable: true,
        cell: (group) => (
          <Link id={groupNameId(group)} to={`/groups/${group.id}`} className="access-name-link">
            {group.name}
          </Link>
        ),
      },
      {
        id: "description",
        header: t("groups.columns.description"),
        hideBelow: 1200,
        cell: (group) => <span className="access-description">{group.description}</span>,
      },
      {
        id: "default_role",
        header: t("groups.columns.defaultRole"),
        hideBelow: 900,
        cell: (group) => <DefaultRole role={group.default_role} />,
      },
      {
        id: "owner",
        header: t("groups.columns.owner"),
        sortable: true,
        hideBelow: 900,
        cell: (group) => group.owner.email,
      },
      {
        id: "members",
        header: t("groups.columns.members"),
        sortable: true,
        align: "end",
        cell: (group) => group.members,
      },
      {
        id: "systems",
        header: t("groups.columns.systems"),
        sortable: true,
        align: "end",
        cell: (group) => group.systems,
      },
      {
        id: "type",
        header: t("groups.columns.type"),
        cell: (group) => <GroupType isPublic={group.public} />,
      },
      {
        id: "created",
        header: t("groups.columns.created"),
        sortable: true,
        hideBelow: 1200,
        cell: (group) => formatDate(group.created_at),
      },
    ];
    if (withMembership) {
      columns.push({
        id: "membership",
        header: t("groups.columns.membership"),
        cell: (group) => <Membership group={group} userId={userId} />,
      });
    }
    return columns;
  }, [t, formatDate, userId, withMembership]);
}

export interface MembershipControls {
  // Join and Leave buttons for a group, as far as the user may use them. In a list
  // (`inList`), the buttons are described by the row's group name.
  buttons: (group: Group, inList?: boolean) => ReactNode;
  // The leave confirmation; render once on the page.
  dialogs: ReactNode;
}

export interface LeaveHooks {
  onLeaving?: (group: Group) => void; // confirmed, request sent
  onLeaveFailed?: (group: Group) => void;
  onLeft?: (group: Group) => void;
}

// Join (at once) and Leave (after a confirmation) for public groups (B5).
export function useMembershipControls(userId: number, hooks: LeaveHooks = {}): MembershipControls {
  const { t } = useTranslation("access");
  const notify = useNotify();
  const join = useJoinGroup();
  const leave = useLeaveGroup();
  const [leaving, setLeaving] = useState<Group | null>(null);

  const buttons = (group: Group, inList = true) => {
    const can = groupAbilities(group, userId);
    const describedBy = inList ? groupNameId(group) : undefined;
    return (
      <>
        {can.canJoin && (
          <button
            type="button"
            className="button"
            aria-describedby={describedBy}
            disabled={join.isPending && join.variables === group.id}
            onClick={() =>
              join.mutate(group.id, {
                onSuccess: () => notify.success(t("groups.join.done", { name: group.name })),
                onError: (error) => notify.error(errorText(t, error)),
              })
            }
          >
            <LogIn aria-hidden size={16} />
            {t("groups.join.button")}
          </button>
        )}
        {can.canLeave && (
          <button type="button" className="button" aria-describedby={describedBy} onClick={() => setLeaving(group)}>
            <LogOut aria-hidden size={16} />
            {t("groups.leave.button")}
          </button>
        )}
      </>
    );
  };

  const confirmLeave = () => {
    if (!leaving) return;
    const group = leaving;
    hooks.onLeaving?.(group);
    leave.mutate(group.id, {
      onSuccess: () => {
        notify.success(t("groups.leave.done", { name: group.name }));
        setLeaving(null);
        hooks.onLeft?.(group);
      },
      onError: (error) => {
        notify.error(errorText(t, error));
        setLeaving(null);
        hooks.onLeaveFailed?.(group);
      },
    });
  };

  const dialogs = (
    <ConfirmDialog
      open={leaving !== null}
      title={t("groups.leave.title")}
      text={
        leaving ? (
          <>
            <p>{t("groups.leave.question", { name: leaving.name })}</p>
            <p>{leaving.public ? t("groups.leave.publicNote") : t("groups.leave.privateNote")}</p>
          </>
        ) : null
      }
      confirmLabel={t("groups.leave.confirm")}
      danger
      busy={leave.isPending}
      onConfirm={confirmLeave}
      onCancel={() => setLeaving(null)}
    />
  );

  return { buttons, dialogs };
}

// The question before deleting a group, with what goes with it.
export function DeleteGroupText({ group }: { group: Group }) {
  const { t } = useTranslation("access");
  return (
    <>
      <p>{t("ownGroups.delete.question", { name: group.name })}</p>
      <p>{t("ownGroups.delete.consequence", { members: group.members, systems: group.systems })}</p>
    </>
  );
}
