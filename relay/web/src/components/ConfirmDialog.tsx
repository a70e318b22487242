import { useId, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import Dialog from "./Dialog";
import Spinner from "./Spinner";
import "./ConfirmDialog.css";

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  text: ReactNode; // the question, e.g. "Delete 3 systems?"
  confirmLabel: string; // names the action, e.g. "Delete" (not "OK")
  cancelLabel?: string; // defaults to "Cancel"
  danger?: boolean; // destructive: red confirm button, focus starts on Cancel
  busy?: boolean; // the action runs: buttons inert, Escape ignored
  busyLabel?: string; // shown on the confirm button while busy; defaults to confirmLabel
  onConfirm: () => void;
  onCancel: () => void;
}

// Asks before doing something. The caller keeps it open with `busy` while the action
// runs and closes it (open=false) when done, so errors can be shown in place or reported.
export function ConfirmDialog({
  open,
  title,
  text,
  confirmLabel,
  cancelLabel,
  danger = false,
  busy = false,
  busyLabel,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const { t } = useTranslation("list");
  const textId = useId();
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onCancel}
      dismissible={!busy}
      role="alertdialog"
      size="small"
      describedBy={textId}
      footer={
        <>
          <button
            type="button"
            className="button"
            onClick={() => {
              if (!busy) onCancel();
            }}
            aria-disabled={busy || undefined}
            data-autofocus={danger ? "" : undefined}
          >
            {cancelLabel ?? t("edit.cancel")}
          </button>
          <button
            type="button"
            className={danger ? "button danger" : "button primary"}
            onClick={() => {
              if (!busy) onConfirm();
            }}
            aria-disabled={busy || undefined}
            data-autofocus={danger ? undefined : ""}
          >
            {busy ? <Spinner label={busyLabel ?? confirmLabel} className="confirm-dialog-spinner" /> : confirmLabel}
          </button>
        </>
      }
    >
      <div id={textId} className="confirm-dialog-text">
        {text}
      </div>
    </Dialog>
  );
}

export default ConfirmDialog;
