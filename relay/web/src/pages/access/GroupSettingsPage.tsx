import { ArrowLeft, Info, Pencil, Plus, Trash2, UserMinus } from "lucide-react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { isApiError } from "../../api/client";
import { errorText } from "../../api/errors";
import {
  removeGroupMember,
  removeGroupSystem,
  useBulkGroupAction,
  useDeleteGroup,
  useGroup,
  useGroupMembers,
  useGroupSystems,
  useRemoveGroupMember,
  useRemoveGroupSystem,
  useUpdateGroup,
} from "../../api/groups";
import type { Group, GroupMember, GroupSystem } from "../../api/types";
import ConfirmDialog from "../../components/ConfirmDialog";
import ErrorState from "../../components/ErrorState";
import { useNotify } from "../../components/Notifications";
import Spinner from "../../components/Spinner";
import { DataList, defaultListState, useListState, type Column, type ListSelection } from "../../components/list";
import { useCurrentUser } from "../../layout/SessionContext";
import { FormButtons } from "../../components/FormButtons";
import { useFormatDateTime } from "./format";
import { GroupFormFields, showGroupError, useGroupForm } from "./GroupForm";
import { AddMemberDialog, AddSystemDialog, MemberRoleDialog, useDefaultRoleChoice } from "./GroupMemberDialogs";
import { canRemoveGroupSystem, groupAbilities, type GroupAbilities } from "./groupActions";
import { DefaultRole, DeleteGroupText, GroupType, useMembershipControls } from "./groupParts";
import { compareText, pageLocally, type LocalListSpec } from "./localList";
import { formToGroupInput, groupToForm } from "./schemas";
import { useSystemsActions } from "./systemSearch";
import "./access.css";

export function parseGroupId(raw: string | undefined): number | null {
  if (!raw || !/^[1-9][0-9]{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}

// B7: one group — its settings (editable by the owner only), its members and its systems.
export default function GroupSettingsPage() {
  const id = parseGroupId(useParams().groupId);
  return (
    <div className="access-page" data-testid="page-group-settings">
      {id === null ? <GroupNotFound /> : <GroupLoader id={id} />}
    </div>
  );
}

function GroupNotFound() {
  const { t } = useTranslation("access");
  return (
    <>
      <h1>{t("settings.title")}</h1>
      <div className="notice warning" role="alert">
        <p>{t("settings.notFound")}</p>
        <Link to="/groups">{t("settings.backToGroups")}</Link>
      </div>
    </>
  );
}

function GroupLoader({ id }: { id: number }) {
  const { t } = useTranslation("access");
  const group = useGroup(id);
  // Set while the user deletes or leaves the group: the refresh that follows answers 404
  // just before the page moves on, which must not flash "not found".
  const [goingAway, setGoingAway] = useState(false);
  const notFound = isApiError(group.error) && group.error.status === 404;
  // Deleted or hidden meanwhile (e.g. by a live update): say so rather than show stale data.
  if (notFound && !goingAway) return <GroupNotFound />;
  if (group.data) return <GroupView group={group.data} goingAway={goingAway} onGoingAway={setGoingAway} />;
  if (group.error) {
    return (
      <>
        <h1>{t("settings.title")}</h1>
        <ErrorState error={group.error} onRetry={() => void group.refetch()} />
      </>
    );
  }
  return (
    <>
      <h1>{t("settings.title")}</h1>
      <Spinner label={t("settings.loading")} />
    </>
  );
}

function GroupView({
  group,
  goingAway,
  onGoingAway,
}: {
  group: Group;
  goingAway: boolean; // leaving or deleting: lists stop refreshing (they would answer 404)
  onGoingAway: (going: boolean) => void;
}) {
  const { t } = useTranslation(["access", "common"]);
  const me = useCurrentUser();
  const navigate = useNavigate();
  const notify = useNotify();
  const can = groupAbilities(group, me.id);
  // Leaving a private group makes it invisible: go back to the list instead of a 404.
  const membership = useMembershipControls(me.id, {
    onLeaving: (left) => onGoingAway(!left.public),
    onLeaveFailed: () => onGoingAway(false),
    onLeft: (left) => {
      if (!left.public) navigate("/groups");
    },
  });
  const [deleting, setDeleting] = useState(false);
  const deleteGroup = useDeleteGroup();

  const confirmDelete = () => {
    onGoingAway(true);
    deleteGroup.mutate(group.id, {
      onSuccess: () => {
        notify.success(t("access:ownGroups.delete.done", { name: group.name }));
        setDeleting(false);
        navigate("/groups/own");
      },
      onError: (error) => {
        onGoingAway(false);
        notify.error(errorText(t, error));
        setDeleting(false);
      },
    });
  };

  return (
    <>
      <p className="access-back">
        <Link to={can.isOwner ? "/groups/own" : "/groups"}>
          <ArrowLeft aria-hidden size={16} />
          {can.isOwner ? t("access:settings.backToOwn") : t("access:settings.backToGroups")}
        </Link>
      </p>
      <header className="page-header">
        <h1>{group.name}</h1>
        <div className="access-row-actions">
          {membership.buttons(group, false)}
          {can.canEdit && (
            <button type="button" className="button" onClick={() => setDeleting(true)}>
              <Trash2 aria-hidden size={16} />
              {t("access:settings.delete")}
            </button>
          )}
        </div>
      </header>
      <p className="notice info access-note">
        <Info aria-hidden size={16} className="access-inline-icon" />
        {t("access:settings.rightsNote")}
      </p>

      <section className="card access-section" aria-labelledby="group-settings-heading">
        <h2 id="group-settings-heading">{t("access:settings.heading")}</h2>
        {can.canEdit ? <SettingsForm group={group} /> : <SettingsView group={group} />}
      </section>

      <MembersSection group={group} can={can} active={!goingAway} />
      <SystemsSection group={group} can={can} userId={me.id} active={!goingAway} />

      {membership.dialogs}
      <ConfirmDialog
        open={deleting}
        title={t("access:ownGroups.delete.title")}
        text={<DeleteGroupText group={group} />}
        confirmLabel={t("access:ownGroups.delete.confirm")}
        danger
        busy={deleteGroup.isPending}
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(false)}
      />
    </>
  );
}

function SettingsView({ group }: { group: Group }) {
  const { t } = useTranslation("access");
  const formatDate = useFormatDateTime();
  return (
    <>
      <p className="field-hint">{t("settings.readOnly", { owner: group.owner.email })}</p>
      <dl className="access-facts">
        <dt>{t("groupForm.name")}</dt>
        <dd>{group.name}</dd>
        <dt>{t("groupForm.description")}</dt>
        <dd className="access-description">{group.description || <span className="access-muted">—</span>}</dd>
        <dt>{t("groupForm.defaultRole")}</dt>
        <dd>
          <DefaultRole role={group.default_role} />
        </dd>
        <dt>{t("groups.columns.type")}</dt>
        <dd>
          <GroupType isPublic={group.public} />
        </dd>
        <dt>{t("groups.columns.owner")}</dt>
        <dd>{group.owner.email}</dd>
        <dt>{t("groups.columns.created")}</dt>
        <dd>{formatDate(group.created_at)}</dd>
      </dl>
    </>
  );
}

function SettingsForm({ group }: { group: Group }) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const update = useUpdateGroup();
  const form = useGroupForm(groupToForm(group));
  const { errors, isDirty } = form.formState;

  // Someone else's change arriving (live update) replaces the form only while untouched.
  useEffect(() => {
    if (!form.formState.isDirty) form.reset(groupToForm(group));
  }, [group, form]);

  const submit = form.handleSubmit(async (values) => {
    const input = formToGroupInput(values);
    try {
      const saved = await update.mutateAsync({ id: group.id, input });
      form.reset(groupToForm(saved));
      notify.success(t("access:groupForm.saved", { name: saved.name }));
    } catch (error) {
      showGroupError(form, error, errorText(t, error));
    }
  });

  return (
    <form className="access-form access-settings-form" noValidate onSubmit={(event) => void submit(event)}>
      <GroupFormFields form={form} />
      {errors.root?.message && (
        <p className="notice danger" role="alert">
          {errors.root.message}
        </p>
      )}
      <FormButtons
        pending={update.isPending}
        submitLabel={t("common:actions.save")}
        onCancel={() => form.reset(groupToForm(group))}
        cancelDisabled={!isDirty}
        cancelLabel={t("access:settings.discard")}
      />
    </form>
  );
}

const MEMBER_DEFAULTS = defaultListState("email", "asc");
const MEMBER_SORT_KEYS = ["email", "name", "role", "joined"] as const;
const ROLE_ORDER = ["administrator", "monitoring", "backup", "call_data"];

export const memberListSpec: LocalListSpec<GroupMember> = {
  text: (member) => [member.email, member.name],
  compare: {
    email: (a, b) => compareText(a.email, b.email),
    name: (a, b) => compareText(a.name, b.name),
    // Members following the default come first.
    role: (a, b) => (a.role ? ROLE_ORDER.indexOf(a.role) + 1 : 0) - (b.role ? ROLE_ORDER.indexOf(b.role) + 1 : 0),
    joined: (a, b) => compareText(a.joined_at, b.joined_at),
  },
};

function MembersSection({ group, can, active }: { group: Group; can: GroupAbilities; active: boolean }) {
  const { t } = useTranslation(["access", "common"]);
  const formatDate = useFormatDateTime();
  const notify = useNotify();
  const defaultChoice = useDefaultRoleChoice(group);
  const [state, setState] = useListState(MEMBER_DEFAULTS, MEMBER_SORT_KEYS, { urlPrefix: "members_" });
  const members = useGroupMembers(group.id, active);
  const page = useMemo(
    () => (members.data ? pageLocally(members.data.items, state, memberListSpec) : undefined),
    [members.data, state],
  );
  const memberIds = useMemo(() => new Set(members.data?.items.map((m) => m.user_id) ?? []), [members.data]);
  const [adding, setAdding] = useState(false);
  const [changing, setChanging] = useState<GroupMember | null>(null);
  const [removing, setRemoving] = useState<GroupMember | null>(null);
  const removeOne = useRemoveGroupMember();
  const removeRows = useBulkGroupAction((member: GroupMember) => removeGroupMember(group.id, member.user_id));

  const columns = useMemo<Column<GroupMember>[]>(
    () => [
      { id: "email", header: t("access:members.columns.email"), sortable: true, cell: (m) => m.email },
      { id: "name", header: t("access:members.columns.name"), sortable: true, hideBelow: 640, cell: (m) => m.name },
      {
        id: "role",
        header: t("access:members.columns.role"),
        sortable: true,
        cell: (m) => (m.role ? t(`common:roles.${m.role}`) : <span className="access-muted">{defaultChoice}</span>),
      },
      {
        id: "joined",
        header: t("access:members.columns.joined"),
        sortable: true,
        hideBelow: 900,
        cell: (m) => formatDate(m.joined_at),
      },
    ],
    [t, defaultChoice, formatDate],
  );

  const selection = useMemo<ListSelection<GroupMember> | undefined>(
    () =>
      can.canChangeMembers
        ? {
            canSelect: () => true,
            deleteRows: removeRows,
            confirmText: (count) => t("access:members.remove.confirmMany", { count }),
          }
        : undefined,
    [can.canChangeMembers, removeRows, t],
  );

  const rowActions = useCallback(
    (member: GroupMember) => (
      <span className="access-row-actions" data-testid={`member-actions-${member.user_id}`}>
        <button type="button" className="button" onClick={() => setChanging(member)}>
          <Pencil aria-hidden size={16} />
          {t("access:members.change.button")}
        </button>
        <button type="button" className="button" onClick={() => setRemoving(member)}>
          <UserMinus aria-hidden size={16} />
          {t("access:members.remove.button")}
        </button>
      </span>
    ),
    [t],
  );

  const confirmRemove = () => {
    if (!removing) return;
    const member = removing;
    removeOne.mutate(
      { groupId: group.id, userId: member.user_id },
      {
        onSuccess: () => {
          notify.success(t("access:members.remove.done", { email: member.email }));
          setRemoving(null);
        },
        onError: (error) => {
          notify.error(errorText(t, error));
          setRemoving(null);
        },
      },
    );
  };

  let joinNote: string;
  if (group.public) joinNote = can.isOwner ? t("access:members.publicOwnerNote") : t("access:members.publicNote");
  else joinNote = can.isOwner ? t("access:members.privateOwnerNote") : t("access:members.privateNote");

  return (
    <section className="access-section" aria-labelledby="group-members-heading">
      <h2 id="group-members-heading">{t("access:members.heading")}</h2>
      <p className="access-intro">{joinNote}</p>
      <DataList
        caption={t("access:members.caption", { name: group.name })}
        columns={columns}
        rowKey={(member) => member.user_id}
        state={state}
        onStateChange={setState}
        data={page}
        isLoading={members.isLoading}
        isFetching={members.isFetching}
        error={members.error}
        onRetry={() => void members.refetch()}
        emptyText={t("access:members.empty")}
        noMatchText={t("access:members.noMatch")}
        filterLabel={t("access:members.filter")}
        toolbar={
          can.canAddMembers ? (
            <button type="button" className="button primary" onClick={() => setAdding(true)}>
              <Plus aria-hidden size={16} />
              {t("access:members.add.button")}
            </button>
          ) : undefined
        }
        selection={selection}
        rowActions={can.canChangeMembers ? rowActions : undefined}
        rowLabel={(member) => member.email}
        testId="group-members-table"
      />
      {can.canAddMembers && (
        <AddMemberDialog group={group} open={adding} exclude={memberIds} onClose={() => setAdding(false)} />
      )}
      {can.canChangeMembers && (
        <>
          <MemberRoleDialog group={group} member={changing} onClose={() => setChanging(null)} />
          <ConfirmDialog
            open={removing !== null}
            title={t("access:members.remove.title")}
            text={removing ? t("access:members.remove.question", { email: removing.email, name: group.name }) : null}
            confirmLabel={t("access:members.remove.confirm")}
            danger
            busy={removeOne.isPending}
            onConfirm={confirmRemove}
            onCancel={() => setRemoving(null)}
          />
        </>
      )}
    </section>
  );
}

const SYSTEM_DEFAULTS = defaultListState("name", "asc");
const SYSTEM_SORT_KEYS = ["name", "serial", "added"] as const;

export const groupSystemListSpec: LocalListSpec<GroupSystem> = {
  text: (system) => [system.name, system.serial],
  compare: {
    name: (a, b) => compareText(a.name, b.name),
    serial: (a, b) => compareText(a.serial, b.serial),
    added: (a, b) => compareText(a.added_at, b.added_at),
  },
};

interface SystemsProps {
  group: Group;
  can: GroupAbilities;
  userId: number;
  active: boolean;
}

function SystemsSection(props: SystemsProps) {
  const { can } = props;
  const { t } = useTranslation("access");
  return (
    <section className="access-section" aria-labelledby="group-systems-heading">
      <h2 id="group-systems-heading">{t("groupSystems.heading")}</h2>
      {can.canSeeSystems ? (
        <GroupSystemsList {...props} />
      ) : (
        <p className="notice info">{t("groupSystems.hidden")}</p>
      )}
    </section>
  );
}

function GroupSystemsList({ group, can, userId, active }: SystemsProps) {
  const { t } = useTranslation("access");
  const formatDate = useFormatDateTime();
  const notify = useNotify();
  const [state, setState] = useListState(SYSTEM_DEFAULTS, SYSTEM_SORT_KEYS, { urlPrefix: "systems_" });
  const systems = useGroupSystems(group.id, active);
  const page = useMemo(
    () => (systems.data ? pageLocally(systems.data.items, state, groupSystemListSpec) : undefined),
    [systems.data, state],
  );
  const systemIds = useMemo(() => new Set(systems.data?.items.map((s) => s.system_id) ?? []), [systems.data]);
  // Who is not the group's owner may remove a system only with add_system_to_group on it.
  const pageIds = useMemo(() => page?.items.map((s) => s.system_id) ?? [], [page]);
  const actions = useSystemsActions(pageIds, active && !can.isOwner);
  const canRemove = useCallback(
    (system: GroupSystem) => canRemoveGroupSystem(group, userId, actions.get(system.system_id)),
    [group, userId, actions],
  );
  const anyRemovable = page?.items.some(canRemove) ?? false;

  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<GroupSystem | null>(null);
  const removeOne = useRemoveGroupSystem();
  const removeRows = useBulkGroupAction((system: GroupSystem) => removeGroupSystem(group.id, system.system_id));

  const columns = useMemo<Column<GroupSystem>[]>(
    () => [
      {
        id: "serial",
        header: t("groupSystems.columns.serial"),
        sortable: true,
        cell: (s) => <span className="mono">{s.serial}</span>,
      },
      {
        id: "name",
        header: t("groupSystems.columns.name"),
        sortable: true,
        // Plain text: a member without a role in the group cannot open the system.
        cell: (s) => s.name,
      },
      {
        id: "added",
        header: t("groupSystems.columns.added"),
        sortable: true,
        hideBelow: 900,
        cell: (s) => formatDate(s.added_at),
      },
    ],
    [t, formatDate],
  );

  const selection = useMemo<ListSelection<GroupSystem> | undefined>(
    () =>
      can.isOwner || anyRemovable
        ? {
            canSelect: canRemove,
            deleteRows: removeRows,
            confirmText: (count) => t("groupSystems.remove.confirmMany", { count }),
          }
        : undefined,
    [can.isOwner, anyRemovable, canRemove, removeRows, t],
  );

  const rowActions = useCallback(
    (system: GroupSystem) =>
      canRemove(system) ? (
        <span className="access-row-actions" data-testid={`group-system-actions-${system.system_id}`}>
          <button type="button" className="button" onClick={() => setRemoving(system)}>
            <Trash2 aria-hidden size={16} />
            {t("groupSystems.remove.button")}
          </button>
        </span>
      ) : null,
    [canRemove, t],
  );

  const confirmRemove = () => {
    if (!removing) return;
    const system = removing;
    removeOne.mutate(
      { groupId: group.id, systemId: system.system_id },
      {
        onSuccess: () => {
          notify.success(t("groupSystems.remove.done", { system: system.name }));
          setRemoving(null);
        },
        onError: (error) => {
          notify.error(errorText(t, error));
          setRemoving(null);
        },
      },
    );
  };

  // Membership ended meanwhile (left, or removed by the owner): the list is closed now.
  if (isApiError(systems.error) && systems.error.status === 403) {
    return <p className="notice info">{t("groupSystems.hidden")}</p>;
  }

  return (
    <>
      <p className="access-intro">{t("groupSystems.intro")}</p>
      <DataList
        caption={t("groupSystems.caption", { name: group.name })}
        columns={columns}
        rowKey={(system) => system.system_id}
        state={state}
        onStateChange={setState}
        data={page}
        isLoading={systems.isLoading}
        isFetching={systems.isFetching}
        error={systems.error}
        onRetry={() => void systems.refetch()}
        emptyText={t("groupSystems.empty")}
        noMatchText={t("groupSystems.noMatch")}
        filterLabel={t("groupSystems.filter")}
        toolbar={
          can.canAddSystems ? (
            <button type="button" className="button primary" onClick={() => setAdding(true)}>
              <Plus aria-hidden size={16} />
              {t("groupSystems.add.button")}
            </button>
          ) : undefined
        }
        selection={selection}
        rowActions={rowActions}
        rowLabel={(system) => `${system.name} (${system.serial})`}
        testId="group-systems-table"
      />
      {can.canAddSystems && (
        <AddSystemDialog group={group} open={adding} exclude={systemIds} onClose={() => setAdding(false)} />
      )}
      <ConfirmDialog
        open={removing !== null}
        title={t("groupSystems.remove.title")}
        text={removing ? t("groupSystems.remove.question", { system: removing.name, name: group.name }) : null}
        confirmLabel={t("groupSystems.remove.confirm")}
        danger
        busy={removeOne.isPending}
        onConfirm={confirmRemove}
        onCancel={() => setRemoving(null)}
      />
    </>
  );
}
