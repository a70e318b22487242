import { useTranslation } from "react-i18next";
import { isApiError } from "../../api/client";
import { useGrantAuthorisation, useUpdateAuthorisation } from "../../api/authorisations";
import type { Authorisation } from "../../api/types";
import FormDialog from "../../components/FormDialog";
import { useNotify } from "../../components/Notifications";
import { systemText } from "../../components/pickers/SystemPicker";
import { RolesField, SystemField, UserField } from "./formFields";
import { editRolesSchema, grantSchema, isGrantableRole } from "./schemas";
import "./access.css";

// A 409 on granting means the pair exists already: the way forward is to edit that one.
export function grantErrorKey(error: unknown): string | null {
  return isApiError(error) && error.status === 409 ? "authorisations.grant.exists" : null;
}

export function GrantDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const grant = useGrantAuthorisation();
  return (
    <FormDialog
      open={open}
      title={t("access:authorisations.grant.title")}
      onClose={onClose}
      pending={grant.isPending}
      schema={grantSchema}
      defaultValues={{ user: null, system: null, roles: [] }}
      submitLabel={t("access:authorisations.grant.submit")}
      className="access-form"
      onSubmit={async (values) => {
        await grant.mutateAsync({ user_id: values.user.id, system_id: values.system.id, roles: values.roles });
        notify.success(
          t("access:authorisations.grant.done", { email: values.user.email, system: systemText(values.system) }),
        );
        onClose();
      }}
      errorMessage={(error) => {
        const key = grantErrorKey(error);
        return key ? t(`access:${key}`) : null;
      }}
    >
      {(form) => (
        <>
          <p className="access-intro">{t("access:authorisations.grant.intro")}</p>
          <UserField
            control={form.control}
            name="user"
            label={t("access:authorisations.grant.user")}
            hint={t("access:authorisations.grant.userHint")}
            initialFocus
            testId="grant-user"
          />
          <SystemField
            control={form.control}
            name="system"
            action="manage_authorisations"
            label={t("access:authorisations.grant.system")}
            hint={t("access:authorisations.grant.systemHint")}
            testId="grant-system"
          />
          <RolesField control={form.control} name="roles" legend={t("access:authorisations.roles")} />
        </>
      )}
    </FormDialog>
  );
}

export function EditRolesDialog({
  authorisation,
  onClose,
}: {
  authorisation: Authorisation | null;
  onClose: () => void;
}) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const update = useUpdateAuthorisation();
  return (
    <FormDialog
      open={authorisation !== null}
      title={t("access:authorisations.edit.title")}
      onClose={onClose}
      pending={update.isPending}
      schema={editRolesSchema}
      defaultValues={{ roles: authorisation?.roles.filter(isGrantableRole) ?? [] }}
      submitLabel={t("common:actions.save")}
      className="access-form"
      onSubmit={async (values) => {
        if (!authorisation) return;
        await update.mutateAsync({ id: authorisation.id, roles: values.roles });
        notify.success(t("access:authorisations.edit.done", { email: authorisation.user.email }));
        onClose();
      }}
    >
      {(form) =>
        authorisation && (
          <>
            <dl className="access-facts">
              <dt>{t("access:authorisations.columns.user")}</dt>
              <dd>{authorisation.user.email}</dd>
              <dt>{t("access:authorisations.columns.system")}</dt>
              <dd>{systemText(authorisation.system)}</dd>
            </dl>
            <RolesField control={form.control} name="roles" legend={t("access:authorisations.roles")} />
          </>
        )
      }
    </FormDialog>
  );
}
