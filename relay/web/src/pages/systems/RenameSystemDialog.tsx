import { zodResolver } from "@hookform/resolvers/zod";
import { useId } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { errorText } from "../../api/errors";
import { useRenameSystem } from "../../api/systems";
import type { System } from "../../api/types";
import Dialog from "../../components/Dialog";
import { useNotify } from "../../components/Notifications";
import Spinner from "../../components/Spinner";
import { renameSystemSchema, type RenameSystemForm, type RenameSystemValues } from "./systemForms";
import "./systems.css";

interface RenameSystemDialogProps {
  system: System | null; // open while set
  onClose: () => void;
}

// Rename a system (D2, edit_system_name).
export default function RenameSystemDialog({ system, onClose }: RenameSystemDialogProps) {
  const { t } = useTranslation("systems");
  const rename = useRenameSystem();
  const finish = () => {
    rename.reset();
    onClose();
  };
  const close = () => {
    if (!rename.isPending) finish();
  };
  return (
    <Dialog open={system !== null} title={t("rename.title")} onClose={close} dismissible={!rename.isPending} size="small">
      {system && <RenameForm key={system.id} system={system} rename={rename} onDone={finish} />}
    </Dialog>
  );
}

function RenameForm({
  system,
  rename,
  onDone,
}: {
  system: System;
  rename: ReturnType<typeof useRenameSystem>;
  onDone: () => void;
}) {
  const { t } = useTranslation("systems");
  const { t: tCommon } = useTranslation();
  const notify = useNotify();
  const nameId = useId();
  const form = useForm<RenameSystemForm, unknown, RenameSystemValues>({
    resolver: zodResolver(renameSystemSchema),
    defaultValues: { name: system.name },
  });
  const { errors } = form.formState;

  const submit = form.handleSubmit((values) => {
    if (values.name === system.name) {
      onDone();
      return;
    }
    return rename.mutateAsync({ id: system.id, name: values.name }).then(
      (renamed) => {
        notify.success(t("rename.done", { name: renamed.name }));
        onDone();
      },
      (error: unknown) => form.setError("root", { message: errorText(t, error) }),
    );
  });

  return (
    <form className="systems-form" noValidate onSubmit={(event) => void submit(event)}>
      <div className="field">
        <label htmlFor={nameId}>{t("rename.name")}</label>
        <input
          id={nameId}
          type="text"
          autoComplete="off"
          data-autofocus=""
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? `${nameId}-error` : undefined}
          {...form.register("name")}
        />
        {errors.name?.message && (
          <p id={`${nameId}-error`} className="field-error">
            {t(errors.name.message)}
          </p>
        )}
      </div>
      {errors.root?.message && (
        <p className="notice danger" role="alert">
          {errors.root.message}
        </p>
      )}
      <div className="systems-form-buttons">
        <button type="button" className="button" onClick={onDone} disabled={rename.isPending}>
          {tCommon("actions.cancel")}
        </button>
        <button type="submit" className="button primary" disabled={rename.isPending}>
          {rename.isPending ? <Spinner label={tCommon("state.saving")} /> : t("rename.submit")}
        </button>
      </div>
    </form>
  );
}
