import { RotateCw, TriangleAlert } from "lucide-react";
import { useTranslation } from "react-i18next";
import { errorText } from "../api/errors";
import "./ErrorState.css";

export interface ErrorStateProps {
  error: unknown; // an ApiError (translated by its code) or anything else (generic text)
  onRetry?: () => void; // shows a "Try again" button
  title?: string; // first line; defaults to "This could not be loaded."
  className?: string;
}

// A failed load: what went wrong in the user's language and a way to try again.
export function ErrorState({ error, onRetry, title, className }: ErrorStateProps) {
  const { t } = useTranslation("list");
  return (
    <div className={className ? `notice danger error-state ${className}` : "notice danger error-state"} role="alert">
      <p className="error-state-title">
        <TriangleAlert aria-hidden size={18} />
        <strong>{title ?? t("error.title")}</strong>
      </p>
      <p className="error-state-text">{errorText(t, error)}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          <RotateCw aria-hidden size={16} />
          {t("retry")}
        </button>
      )}
    </div>
  );
}

export default ErrorState;
