import { zodResolver } from "@hookform/resolvers/zod";
import { useId } from "react";
import { useForm, type UseFormReturn } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../api/client";
import { useCreateGroup, useUpdateGroup } from "../../api/groups";
import { errorText } from "../../api/errors";
import type { Group } from "../../api/types";
import FormDialog from "../../components/FormDialog";
import TextField from "../../components/TextField";
import { useNotify } from "../../components/Notifications";
import { RoleField } from "./formFields";
import {
  EMPTY_GROUP_FORM,
  GROUP_DESCRIPTION_MAX,
  GROUP_NAME_MAX,
  formToGroupInput,
  groupSchema,
  groupToForm,
  type GroupForm,
} from "./schemas";
import "./access.css";

export function useGroupForm(initial: GroupForm): UseFormReturn<GroupForm> {
  return useForm<GroupForm>({ resolver: zodResolver(groupSchema), defaultValues: initial });
}

// Name, description, default role and public flag (B7), for the create and edit dialogs
// and the settings page.
export function GroupFormFields({ form, autoFocus = false }: { form: UseFormReturn<GroupForm>; autoFocus?: boolean }) {
  const { t } = useTranslation(["access", "common"]);
  const id = useId();
  const { errors } = form.formState;
  const described = (name: string, hasError: boolean) => `${id}-${name}-hint${hasError ? ` ${id}-${name}-error` : ""}`;
  return (
    <>
      <TextField
        label={t("access:groupForm.name")}
        hint={t("access:groupForm.nameHint", { max: GROUP_NAME_MAX })}
        error={errors.name?.message && t(`access:validation.${errors.name.message}`, { max: GROUP_NAME_MAX })}
        initialFocus={autoFocus}
        {...form.register("name")}
      />
      <div className="field">
        <label htmlFor={`${id}-description`}>{t("access:groupForm.description")}</label>
        <textarea
          id={`${id}-description`}
          rows={3}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={described("description", !!errors.description)}
          {...form.register("description")}
        />
        <p id={`${id}-description-hint`} className="field-hint">
          {t("access:groupForm.descriptionHint", { max: GROUP_DESCRIPTION_MAX })}
        </p>
        {errors.description?.message && (
          <p id={`${id}-description-error`} className="field-error">
            {t(`access:validation.${errors.description.message}`, { max: GROUP_DESCRIPTION_MAX })}
          </p>
        )}
      </div>
      <RoleField
        control={form.control}
        name="defaultRole"
        label={t("access:groupForm.defaultRole")}
        emptyLabel={t("access:groupForm.noDefaultRole")}
        hint={t("access:groupForm.defaultRoleHint")}
      />
      <div className="access-check">
        <input
          id={`${id}-public`}
          type="checkbox"
          aria-describedby={`${id}-public-hint`}
          {...form.register("isPublic")}
        />
        <div className="access-check-text">
          <label htmlFor={`${id}-public`}>{t("access:groupForm.public")}</label>
          <span id={`${id}-public-hint`} className="field-hint">
            {t("access:groupForm.publicHint")}
          </span>
        </div>
      </div>
    </>
  );
}

// A name another group of the company has already (409) belongs to the name field;
// anything else is shown above the buttons.
export function showGroupError(form: UseFormReturn<GroupForm>, error: unknown, text: string): void {
  if (isApiError(error) && error.status === 409) {
    form.setError("name", { message: "nameTaken" }, { shouldFocus: true });
  } else {
    form.setError("root", { message: text });
  }
}

// Create (group === null) or edit a group in a dialog (B6).
export function GroupDialog({
  open,
  group,
  onClose,
  onCreated,
}: {
  open: boolean;
  group: Group | null;
  onClose: () => void;
  onCreated?: (group: Group) => void;
}) {
  const { t } = useTranslation(["access", "common"]);
  const notify = useNotify();
  const create = useCreateGroup();
  const update = useUpdateGroup();
  return (
    <FormDialog
      open={open}
      title={group ? t("access:groupForm.editTitle", { name: group.name }) : t("access:groupForm.createTitle")}
      onClose={onClose}
      pending={create.isPending || update.isPending}
      schema={groupSchema}
      defaultValues={group ? groupToForm(group) : EMPTY_GROUP_FORM}
      submitLabel={group ? t("common:actions.save") : t("access:groupForm.createSubmit")}
      className="access-form"
      onSubmit={async (values, form) => {
        const input = formToGroupInput(values);
        try {
          if (group) {
            await update.mutateAsync({ id: group.id, input });
            notify.success(t("access:groupForm.saved", { name: input.name }));
          } else {
            const created = await create.mutateAsync(input);
            notify.success(t("access:groupForm.created", { name: created.name }));
            onCreated?.(created);
          }
          onClose();
        } catch (error) {
          showGroupError(form, error, errorText(t, error));
        }
      }}
    >
      {(form) => <GroupFormFields form={form} autoFocus />}
    </FormDialog>
  );
}
