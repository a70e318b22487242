import type { Control, FieldPath } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { useAddGroupSystem, useSetGroupMember } from "../../api/groups";
import type { Group, GroupMember } from "../../api/types";
import FormDialog from "../../components/FormDialog";
import { useNotify } from "../../components/Notifications";
import { systemText } from "../../components/pickers/SystemPicker";
import { RoleField, SystemField, UserField } from "./formFields";
import {
  addMemberSchema,
  addSystemSchema,
  isGrantableRole,
  memberRoleSchema,
  memberRoleToWire,
  type GrantableRole,
} from "./schemas";
import "./access.css";

// The "" choice of a member's role: the group's default, named so the owner sees what it means.
export function useDefaultRoleChoice(group: Group): string {
  const { t } = useTranslation(["access", "common"]);
  const role = group.default_role ? t(`common:roles.${group.default_role}`) : t("common:roles.none");
  return t("access:members.groupDefault", { role });
}

// A member's own role; "" follows the group's default.
function MemberRoleField<T extends { role: "" | GrantableRole }, O>({
  control,
  group,
}: {
  control: Control<T, unknown, O>;
  group: Group;
}) {
  const { t } = useTranslation("access");
  const defaultChoice = useDefaultRoleChoice(group);
  return (
    <RoleField
      control={control}
      name={"role" as FieldPath<T>}
      label={t("members.role")}
      emptyLabel={defaultChoice}
      hint={t("members.roleHint")}
    />
  );
}

// The dialogs that add to a group; `exclude` holds the ids already in it.
interface AddToGroupProps {
  group: Group;
  open: boolean;
  exclude: ReadonlySet<number>;
  onClose: () => void;
}

// Owner of a private group: add a colleague, with the group's default role unless another
// role is chosen (B7).
export function AddMemberDialog({ group, open, exclude, onClose }: AddToGroupProps) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const add = useSetGroupMember();
  return (
    <FormDialog
      open={open}
      title={t("access:members.add.title", { name: group.name })}
      onClose={onClose}
      pending={add.isPending}
      schema={addMemberSchema}
      defaultValues={{ user: null, role: "" }}
      submitLabel={t("access:members.add.submit")}
      className="access-form"
      onSubmit={async (values) => {
        await add.mutateAsync({ groupId: group.id, userId: values.user.id, role: memberRoleToWire(values.role) });
        notify.success(t("access:members.add.done", { email: values.user.email, name: group.name }));
        onClose();
      }}
    >
      {(form) => (
        <>
          <UserField
            control={form.control}
            name="user"
            exclude={exclude}
            label={t("access:members.add.user")}
            hint={t("access:members.add.userHint")}
            initialFocus
            testId="add-member-user"
          />
          <MemberRoleField control={form.control} group={group} />
        </>
      )}
    </FormDialog>
  );
}

// Owner: give a member a role of their own, or let them follow the group's default.
export function MemberRoleDialog({
  group,
  member,
  onClose,
}: {
  group: Group;
  member: GroupMember | null;
  onClose: () => void;
}) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const change = useSetGroupMember();
  const ownRole = member?.role;
  return (
    <FormDialog
      open={member !== null}
      title={t("access:members.change.title")}
      onClose={onClose}
      size="small"
      pending={change.isPending}
      schema={memberRoleSchema}
      defaultValues={{ role: ownRole && isGrantableRole(ownRole) ? ownRole : "" }}
      submitLabel={t("common:actions.save")}
      className="access-form"
      onSubmit={async (values) => {
        if (!member) return;
        await change.mutateAsync({ groupId: group.id, userId: member.user_id, role: memberRoleToWire(values.role) });
        notify.success(t("access:members.change.done", { email: member.email }));
        onClose();
      }}
    >
      {(form) =>
        member && (
          <>
            <p>{member.email}</p>
            <MemberRoleField control={form.control} group={group} />
          </>
        )
      }
    </FormDialog>
  );
}

// Owner or member: add a system on which the user holds add_system_to_group (its owner or
// an administrator).
export function AddSystemDialog({ group, open, exclude, onClose }: AddToGroupProps) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const add = useAddGroupSystem();
  return (
    <FormDialog
      open={open}
      title={t("access:groupSystems.add.title", { name: group.name })}
      onClose={onClose}
      pending={add.isPending}
      schema={addSystemSchema}
      defaultValues={{ system: null }}
      submitLabel={t("access:groupSystems.add.submit")}
      className="access-form"
      onSubmit={async (values) => {
        await add.mutateAsync({ groupId: group.id, systemId: values.system.id });
        notify.success(t("access:groupSystems.add.done", { system: systemText(values.system), name: group.name }));
        onClose();
      }}
    >
      {(form) => (
        <SystemField
          control={form.control}
          name="system"
          action="add_system_to_group"
          exclude={exclude}
          label={t("access:groupSystems.add.system")}
          hint={t("access:groupSystems.add.systemHint")}
          initialFocus
          testId="add-system-system"
        />
      )}
    </FormDialog>
  );
}
