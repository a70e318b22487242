import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { useAddGroupSystem, useSetGroupMember } from "../../api/groups";
import { errorText } from "../../api/errors";
import type { Group, GroupMember } from "../../api/types";
import Dialog from "../../components/Dialog";
import { useNotify } from "../../components/Notifications";
import { FormButtons } from "./FormButtons";
import { SystemPicker, UserPicker, systemText } from "./Pickers";
import { RoleSelect } from "./Roles";
import {
  addMemberSchema,
  addSystemSchema,
  isGrantableRole,
  memberRoleSchema,
  memberRoleToWire,
  type AddMemberForm,
  type AddMemberFormInput,
  type AddSystemForm,
  type AddSystemFormInput,
  type MemberRoleForm,
} from "./schemas";
import "./access.css";

// The "" choice of a member's role: the group's default, named so the owner sees what it means.
export function useDefaultRoleChoice(group: Group): string {
  const { t } = useTranslation(["access", "common"]);
  const role = group.default_role ? t(`common:roles.${group.default_role}`) : t("common:roles.none");
  return t("access:members.groupDefault", { role });
}

// Owner of a private group: add a colleague, with the group's default role unless another
// role is chosen (B7).
export function AddMemberDialog({
  group,
  open,
  exclude,
  onClose,
}: {
  group: Group;
  open: boolean;
  exclude: ReadonlySet<number>;
  onClose: () => void;
}) {
  const { t } = useTranslation("access");
  const add = useSetGroupMember();
  const close = () => {
    if (add.isPending) return;
    add.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      title={t("members.add.title", { name: group.name })}
      onClose={close}
      dismissible={!add.isPending}
    >
      <AddMemberFormView group={group} exclude={exclude} add={add} onDone={close} />
    </Dialog>
  );
}

function AddMemberFormView({
  group,
  exclude,
  add,
  onDone,
}: {
  group: Group;
  exclude: ReadonlySet<number>;
  add: ReturnType<typeof useSetGroupMember>;
  onDone: () => void;
}) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const defaultChoice = useDefaultRoleChoice(group);
  const form = useForm<AddMemberFormInput, unknown, AddMemberForm>({
    resolver: zodResolver(addMemberSchema),
    defaultValues: { user: null, role: "" },
  });
  const { errors } = form.formState;
  const submit = form.handleSubmit(async (values) => {
    try {
      await add.mutateAsync({ groupId: group.id, userId: values.user.id, role: memberRoleToWire(values.role) });
      notify.success(t("access:members.add.done", { email: values.user.email, name: group.name }));
      onDone();
    } catch (error) {
      form.setError("root", { message: errorText(t, error) });
    }
  });
  return (
    <form className="access-form" noValidate onSubmit={(event) => void submit(event)}>
      <Controller
        control={form.control}
        name="user"
        render={({ field }) => (
          <UserPicker
            value={field.value}
            onChange={field.onChange}
            onBlur={field.onBlur}
            inputRef={field.ref}
            exclude={exclude}
            label={t("access:members.add.user")}
            hint={t("access:members.add.userHint")}
            error={errors.user?.message ? t(`access:validation.${errors.user.message}`) : undefined}
            initialFocus
            testId="add-member-user"
          />
        )}
      />
      <Controller
        control={form.control}
        name="role"
        render={({ field }) => (
          <RoleSelect
            label={t("access:members.role")}
            value={field.value}
            onChange={field.onChange}
            selectRef={field.ref}
            emptyLabel={defaultChoice}
            hint={t("access:members.roleHint")}
          />
        )}
      />
      {errors.root?.message && (
        <p className="notice danger" role="alert">
          {errors.root.message}
        </p>
      )}
      <FormButtons pending={add.isPending} submitLabel={t("access:members.add.submit")} onCancel={onDone} />
    </form>
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
  const { t } = useTranslation("access");
  const change = useSetGroupMember();
  const close = () => {
    if (change.isPending) return;
    change.reset();
    onClose();
  };
  return (
    <Dialog
      open={member !== null}
      title={t("members.change.title")}
      onClose={close}
      dismissible={!change.isPending}
      size="small"
    >
      {member && <MemberRoleFormView group={group} member={member} change={change} onDone={close} />}
    </Dialog>
  );
}

function MemberRoleFormView({
  group,
  member,
  change,
  onDone,
}: {
  group: Group;
  member: GroupMember;
  change: ReturnType<typeof useSetGroupMember>;
  onDone: () => void;
}) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const defaultChoice = useDefaultRoleChoice(group);
  const form = useForm<MemberRoleForm>({
    resolver: zodResolver(memberRoleSchema),
    defaultValues: { role: isGrantableRole(member.role) ? member.role : "" },
  });
  const { errors } = form.formState;
  const submit = form.handleSubmit(async (values) => {
    try {
      await change.mutateAsync({ groupId: group.id, userId: member.user_id, role: memberRoleToWire(values.role) });
      notify.success(t("access:members.change.done", { email: member.email }));
      onDone();
    } catch (error) {
      form.setError("root", { message: errorText(t, error) });
    }
  });
  return (
    <form className="access-form" noValidate onSubmit={(event) => void submit(event)}>
      <p>{member.email}</p>
      <Controller
        control={form.control}
        name="role"
        render={({ field }) => (
          <RoleSelect
            label={t("access:members.role")}
            value={field.value}
            onChange={field.onChange}
            selectRef={field.ref}
            emptyLabel={defaultChoice}
            hint={t("access:members.roleHint")}
          />
        )}
      />
      {errors.root?.message && (
        <p className="notice danger" role="alert">
          {errors.root.message}
        </p>
      )}
      <FormButtons pending={change.isPending} submitLabel={t("common:actions.save")} onCancel={onDone} />
    </form>
  );
}

// Owner or member: add a system on which the user holds add_system_to_group (its owner or
// an administrator).
export function AddSystemDialog({
  group,
  open,
  exclude,
  onClose,
}: {
  group: Group;
  open: boolean;
  exclude: ReadonlySet<number>;
  onClose: () => void;
}) {
  const { t } = useTranslation("access");
  const add = useAddGroupSystem();
  const close = () => {
    if (add.isPending) return;
    add.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      title={t("groupSystems.add.title", { name: group.name })}
      onClose={close}
      dismissible={!add.isPending}
    >
      <AddSystemFormView group={group} exclude={exclude} add={add} onDone={close} />
    </Dialog>
  );
}

function AddSystemFormView({
  group,
  exclude,
  add,
  onDone,
}: {
  group: Group;
  exclude: ReadonlySet<number>;
  add: ReturnType<typeof useAddGroupSystem>;
  onDone: () => void;
}) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const form = useForm<AddSystemFormInput, unknown, AddSystemForm>({
    resolver: zodResolver(addSystemSchema),
    defaultValues: { system: null },
  });
  const { errors } = form.formState;
  const submit = form.handleSubmit(async (values) => {
    try {
      await add.mutateAsync({ groupId: group.id, systemId: values.system.id });
      notify.success(t("access:groupSystems.add.done", { system: systemText(values.system), name: group.name }));
      onDone();
    } catch (error) {
      form.setError("root", { message: errorText(t, error) });
    }
  });
  return (
    <form className="access-form" noValidate onSubmit={(event) => void submit(event)}>
      <Controller
        control={form.control}
        name="system"
        render={({ field }) => (
          <SystemPicker
            value={field.value}
            onChange={field.onChange}
            onBlur={field.onBlur}
            inputRef={field.ref}
            action="add_system_to_group"
            exclude={exclude}
            label={t("access:groupSystems.add.system")}
            hint={t("access:groupSystems.add.systemHint")}
            error={errors.system?.message ? t(`access:validation.${errors.system.message}`) : undefined}
            initialFocus
            testId="add-system-system"
          />
        )}
      />
      {errors.root?.message && (
        <p className="notice danger" role="alert">
          {errors.root.message}
        </p>
      )}
      <FormButtons pending={add.isPending} submitLabel={t("access:groupSystems.add.submit")} onCancel={onDone} />
    </form>
  );
}
