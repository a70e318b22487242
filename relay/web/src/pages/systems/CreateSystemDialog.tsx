import { Copy, KeyRound } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { isApiError } from "../../api/client";
import { useCreateSystem } from "../../api/systems";
import type { System } from "../../api/types";
import Dialog from "../../components/Dialog";
import { DialogForm } from "../../components/FormDialog";
import TextField from "../../components/TextField";
import { useCopy } from "./clipboard";
import { formatDateTime } from "../../components/format";
import PairHint from "./PairHint";
import { createSystemSchema } from "./systemForms";
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
  return (
    <DialogForm
      schema={createSystemSchema}
      defaultValues={{ name: "", serial: "" }}
      submitLabel={t("create.submit")}
      pending={create.isPending}
      onCancel={onCancel}
      className="systems-form"
      onSubmit={async (values, form) => {
        try {
          onCreated(await create.mutateAsync(values));
        } catch (error) {
          // The serial is taken: that field is what to change.
          if (!isApiError(error, "conflict")) throw error;
          form.setError("serial", { message: "create.conflict" }, { shouldFocus: true });
        }
      }}
    >
      {(form) => {
        const { errors } = form.formState;
        return (
          <>
            <TextField
              label={t("create.name")}
              hint={t("create.nameHint")}
              error={errors.name?.message && t(errors.name.message)}
              initialFocus
              {...form.register("name")}
            />
            <TextField
              label={t("create.serial")}
              hint={t("create.serialHint")}
              error={errors.serial?.message && t(errors.serial.message)}
              spellCheck={false}
              className="mono"
              {...form.register("serial")}
            />
          </>
        );
      }}
    </DialogForm>
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
      <div className="form-buttons">
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
