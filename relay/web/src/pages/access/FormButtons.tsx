import { useTranslation } from "react-i18next";
import Spinner from "../../components/Spinner";
import "./access.css";

// Cancel and submit at the end of a form; the submit button shows the work while it runs.
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
    <div className="access-form-buttons">
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
