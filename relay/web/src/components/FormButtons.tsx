import { useTranslation } from "react-i18next";
import Spinner from "./Spinner";

// Cancel and submit at the end of a form; the submit button shows the work while it runs
// and both are disabled meanwhile.
export function FormButtons({
  pending,
  submitLabel,
  onCancel,
  cancelLabel,
  cancelDisabled = false,
}: {
  pending: boolean;
  submitLabel: string;
  onCancel: () => void;
  cancelLabel?: string;
  cancelDisabled?: boolean;
}) {
  const { t } = useTranslation("common");
  return (
    <div className="form-buttons">
      <button type="button" className="button" onClick={onCancel} disabled={pending || cancelDisabled}>
        {cancelLabel ?? t("actions.cancel")}
      </button>
      <button type="submit" className="button primary" disabled={pending}>
        {pending ? <Spinner label={t("state.saving")} /> : submitLabel}
      </button>
    </div>
  );
}

export default FormButtons;
