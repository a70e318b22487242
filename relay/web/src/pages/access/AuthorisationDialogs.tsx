import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../api/client";
import { useGrantAuthorisation, useUpdateAuthorisation } from "../../api/authorisations";
import { errorText } from "../../api/errors";
import type { Authorisation } from "../../api/types";
import Dialog from "../../components/Dialog";
import { useNotify } from "../../components/Notifications";
import { FormButtons } from "./FormButtons";
import { RoleCheckboxes } from "./Roles";
import { SystemPicker, UserPicker, systemText } from "./Pickers";
import {
  editRolesSchema,
  grantSchema,
  isGrantableRole,
  type EditRolesForm,
  type GrantForm,
  type GrantFormInput,
} from "./schemas";
import "./access.css";

// A 409 on granting means the pair exists already: the way forward is to edit that one.
export function grantErrorKey(error: unknown): string | null {
  return isApiError(error) && error.status === 409 ? "authorisations.grant.exists" : null;
}

export function GrantDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation("access");
  const grant = useGrantAuthorisation();
  const close = () => {
    if (grant.isPending) return;
    grant.reset();
    onClose();
  };
  return (
    <Dialog open={open} title={t("authorisations.grant.title")} onClose={close} dismissible={!grant.isPending}>
      <GrantFormView grant={grant} onDone={close} />
    </Dialog>
  );
}

function GrantFormView({ grant, onDone }: { grant: ReturnType<typeof useGrantAuthorisation>; onDone: () => void }) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const form = useForm<GrantFormInput, unknown, GrantForm>({
    resolver: zodResolver(grantSchema),
    defaultValues: { user: null, system: null, roles: [] },
  });
  const { errors } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    try {
      await grant.mutateAsync({ user_id: values.user.id, system_id: values.system.id, roles: values.roles });
      notify.success(
        t("access:authorisations.grant.done", { email: values.user.email, system: systemText(values.system) }),
      );
      onDone();
    } catch (error) {
      const key = grantErrorKey(error);
      form.setError("root", { message: key ? t(`access:${key}`) : errorText(t, error) });
    }
  });

  return (
    <form className="access-form" noValidate onSubmit={(event) => void submit(event)}>
      <p className="access-intro">{t("access:authorisations.grant.intro")}</p>
      <Controller
        control={form.control}
        name="user"
        render={({ field }) => (
          <UserPicker
            value={field.value}
            onChange={field.onChange}
            onBlur={field.onBlur}
            inputRef={field.ref}
            label={t("access:authorisations.grant.user")}
            hint={t("access:authorisations.grant.userHint")}
            error={errors.user?.message ? t(`access:validation.${errors.user.message}`) : undefined}
            initialFocus
            testId="grant-user"
          />
        )}
      />
      <Controller
        control={form.control}
        name="system"
        render={({ field }) => (
          <SystemPicker
            value={field.value}
            onChange={field.onChange}
            onBlur={field.onBlur}
            inputRef={field.ref}
            action="manage_authorisations"
            label={t("access:authorisations.grant.system")}
            hint={t("access:authorisations.grant.systemHint")}
            error={errors.system?.message ? t(`access:validation.${errors.system.message}`) : undefined}
            testId="grant-system"
          />
        )}
      />
      <Controller
        control={form.control}
        name="roles"
        render={({ field }) => (
          <RoleCheckboxes
            legend={t("access:authorisations.roles")}
            value={field.value}
            onChange={field.onChange}
            onBlur={field.onBlur}
            firstRef={field.ref}
            error={errors.roles?.message ? t(`access:validation.${errors.roles.message}`) : undefined}
          />
        )}
      />
      {errors.root?.message && (
        <p className="notice danger" role="alert">
          {errors.root.message}
        </p>
      )}
      <FormButtons
        pending={grant.isPending}
        submitLabel={t("access:authorisations.grant.submit")}
        onCancel={onDone}
      />
    </form>
  );
}

export function EditRolesDialog({
  authorisation,
  onClose,
}: {
  authorisation: Authorisation | null;
  onClose: () => void;
}) {
  const { t } = useTranslation("access");
  const update = useUpdateAuthorisation();
  const close = () => {
    if (update.isPending) return;
    update.reset();
    onClose();
  };
  return (
    <Dialog
      open={authorisation !== null}
      title={t("authorisations.edit.title")}
      onClose={close}
      dismissible={!update.isPending}
    >
      {authorisation && <EditRolesFormView authorisation={authorisation} update={update} onDone={close} />}
    </Dialog>
  );
}

function EditRolesFormView({
  authorisation,
  update,
  onDone,
}: {
  authorisation: Authorisation;
  update: ReturnType<typeof useUpdateAuthorisation>;
  onDone: () => void;
}) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const form = useForm<EditRolesForm>({
    resolver: zodResolver(editRolesSchema),
    defaultValues: { roles: authorisation.roles.filter(isGrantableRole) },
  });
  const { errors } = form.formState;
  const submit = form.handleSubmit(async (values) => {
    try {
      await update.mutateAsync({ id: authorisation.id, roles: values.roles });
      notify.success(t("access:authorisations.edit.done", { email: authorisation.user.email }));
      onDone();
    } catch (error) {
      form.setError("root", { message: errorText(t, error) });
    }
  });
  return (
    <form className="access-form" noValidate onSubmit={(event) => void submit(event)}>
      <dl className="access-facts">
        <dt>{t("access:authorisations.columns.user")}</dt>
        <dd>{authorisation.user.email}</dd>
        <dt>{t("access:authorisations.columns.system")}</dt>
        <dd>{systemText(authorisation.system)}</dd>
      </dl>
      <Controller
        control={form.control}
        name="roles"
        render={({ field }) => (
          <RoleCheckboxes
            legend={t("access:authorisations.roles")}
            value={field.value}
            onChange={field.onChange}
            onBlur={field.onBlur}
            firstRef={field.ref}
            error={errors.roles?.message ? t(`access:validation.${errors.roles.message}`) : undefined}
          />
        )}
      />
      {errors.root?.message && (
        <p className="notice danger" role="alert">
          {errors.root.message}
        </p>
      )}
      <FormButtons pending={update.isPending} submitLabel={t("common:actions.save")} onCancel={onDone} />
    </form>
  );
}
