import { zodResolver } from "@hookform/resolvers/zod";
import { Copy, KeyRound } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { errorText } from "../../api/errors";
import { isApiError } from "../../api/client";
import { useCreateSystem } from "../../api/systems";
import type { System } from "../../api/types";
import Dialog from "../../components/Dialog";
import Spinner from "../../components/Spinner";
import { useCopy } from "./clipboard";
import { formatDateTime } from "./format";
import PairHint from "./PairHint";
import { createSystemSchema, type CreateSystemForm, type CreateSystemValues } from "./systemForms";
import "./systems.css";

interface CreateSystemDialogProps {
  open: boolean;
  onClose: () => void;
}

// Create a system (A1): name and serial, checked like the relay checks them. On success
// the dialog turns into the new confirmation code (A2), large, with copy, its expiry and
// the command the installer runs on site.
export default function CreateSystemDialog({ open, onClose }: CreateSystemDialogProps) {
  const { t } = useTranslation("systems");
  const create = useCreateSystem();
  const [created, setCreated] = useState<System | null>(null);

  const close = () => {
    if (create.isPending) return;
    setCreated(null);
    create.reset();
    onClose();
  };

  return (
    <Dialog
      open={open}
      title={created ? t("create.createdTitle") : t("create.title")}
      onClose={close}
      dismissible={!create.isPending}
    >
      {created ? (
        <CreatedCode system={created} onDone={close} />
      ) : (
        <CreateForm onCreated={setCreated} onCancel={close} create={create} />
      )}
    </Dialog>
  );
}

function CreateForm({
  onCreated,
  onCancel,
  create,
}: {
  onCreated: (system: System) => void;
  onCancel: () => void;
  create: ReturnType<typeof useCreateSystem>;
}) {
  const { t } = useTranslation("systems");
  const { t: tCommon } = useTranslation();
  const nameId = useId();
  const serialId = useId();
  const form = useForm<CreateSystemForm, unknown, CreateSystemValues>({
    resolver: zodResolver(createSystemSchema),
    defaultValues: { name: "", serial: "" },
  });
  const { errors } = form.formState;

  const submit = form.handleSubmit((values) =>
    create.mutateAsync(values).then(onCreated, (error: unknown) => {
      if (isApiError(error, "conflict")) {
        form.setError("serial", { message: "create.conflict" }, { shouldFocus: true });
      } else {
        form.setError("root", { message: errorText(t, error) });
      }
    }),
  );

  return (
    <form className="systems-form" noValidate onSubmit={(event) => void submit(event)}>
      <div className="field">
        <label htmlFor={nameId}>{t("create.name")}</label>
        <input
          id={nameId}
          type="text"
          autoComplete="off"
          data-autofocus=""
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={`${nameId}-hint${errors.name ? ` ${nameId}-error` : ""}`}
          {...form.register("name")}
        />
        <p id={`${nameId}-hint`} className="field-hint">
          {t("create.nameHint")}
        </p>
        {errors.name?.message && (
          <p id={`${nameId}-error`} className="field-error">
            {t(errors.name.message)}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={serialId}>{t("create.serial")}</label>
        <input
          id={serialId}
          type="text"
          autoComplete="off"
          spellCheck={false}
          className="mono"
          aria-invalid={errors.serial ? true : undefined}
          aria-describedby={`${serialId}-hint${errors.serial ? ` ${serialId}-error` : ""}`}
          {...form.register("serial")}
        />
        <p id={`${serialId}-hint`} className="field-hint">
          {t("create.serialHint")}
        </p>
        {errors.serial?.message && (
          <p id={`${serialId}-error`} className="field-error">
            {t(errors.serial.message)}
          </p>
        )}
      </div>
      {errors.root?.message && (
        <p className="notice danger" role="alert">
          {errors.root.message}
        </p>
      )}
      <div className="systems-form-buttons">
        <button type="button" className="button" onClick={onCancel} disabled={create.isPending}>
          {tCommon("actions.cancel")}
        </button>
        <button type="submit" className="button primary" disabled={create.isPending}>
          {create.isPending ? <Spinner label={tCommon("state.saving")} /> : t("create.submit")}
        </button>
      </div>
    </form>
  );
}

function CreatedCode({ system, onDone }: { system: System; onDone: () => void }) {
  const { t, i18n } = useTranslation("systems");
  const copy = useCopy();
  const code = system.confirmation_code;
  const copyButton = useRef<HTMLButtonElement>(null);
  // The form (and the focused submit button) is gone: move the focus to the code.
  useEffect(() => copyButton.current?.focus(), []);
  return (
    <div className="created-code">
      <p>{t("create.createdText", { name: system.name })}</p>
      {code && (
        <>
          <p className="created-code-value">
            <KeyRound aria-hidden size={22} />
            <code data-testid="created-code">{code.code}</code>
            <button ref={copyButton} type="button" className="button" onClick={() => void copy(code.code)}>
              <Copy aria-hidden size={16} />
              {t("code.copy")}
            </button>
          </p>
          <p>{t("create.expires", { date: formatDateTime(code.expires_at, i18n.language) })}</p>
          <p className="notice info">
            <PairHint code={code.code} />
          </p>
        </>
      )}
      <div className="systems-form-buttons">
        <Link className="button" to={`/systems/${system.id}`} onClick={onDone}>
          {t("create.open")}
        </Link>
        <button type="button" className="button primary" onClick={onDone}>
          {t("create.done")}
        </button>
      </div>
    </div>
  );
}
