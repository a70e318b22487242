import { CircleAlert, CircleCheck, X } from "lucide-react";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import "./Notifications.css";

// How long a notification stays; hovering or focusing it pauses the countdown (WCAG 2.2.1).
export const NOTIFICATION_TIMEOUT_MS = 6000;

export interface Notify {
  success: (text: string) => void;
  // `details` are listed under the text, e.g. one line per failed row.
  error: (text: string, details?: string[]) => void;
}

interface Toast {
  id: number;
  kind: "success" | "error";
  text: string;
  details: string[];
}

const NotifyContext = createContext<Notify | null>(null);

// Renders the notification area (a polite live region that always exists, so screen
// readers announce what is added) and provides useNotify() to everything inside.
export function NotificationsProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation("list");
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const notify = useMemo<Notify>(() => {
    const add = (kind: Toast["kind"], text: string, details: string[] = []) => {
      const id = nextId.current++;
      setToasts((current) => [...current, { id, kind, text, details }]);
    };
    return {
      success: (text) => add("success", text),
      error: (text, details) => add("error", text, details),
    };
  }, []);

  return (
    <NotifyContext.Provider value={notify}>
      {children}
      <section className="notifications" aria-label={t("notifications.label")} aria-live="polite">
        {toasts.map((toast) => (
          <ToastView key={toast.id} toast={toast} onDismiss={dismiss} dismissLabel={t("notifications.dismiss")} />
        ))}
      </section>
    </NotifyContext.Provider>
  );
}

function ToastView({
  toast,
  onDismiss,
  dismissLabel,
}: {
  toast: Toast;
  onDismiss: (id: number) => void;
  dismissLabel: string;
}) {
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (paused) return;
    const timer = setTimeout(() => onDismiss(toast.id), NOTIFICATION_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [paused, toast.id, onDismiss]);

  const Icon = toast.kind === "success" ? CircleCheck : CircleAlert;
  return (
    <div
      className={`toast toast-${toast.kind}`}
      data-testid={`toast-${toast.kind}`}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <Icon aria-hidden size={20} className="toast-icon" />
      <div className="toast-content">
        <p className="toast-text">{toast.text}</p>
        {toast.details.length > 0 && (
          <ul className="toast-details">
            {toast.details.map((detail, index) => (
              <li key={index}>{detail}</li>
            ))}
          </ul>
        )}
      </div>
      <button type="button" className="button icon toast-dismiss" aria-label={dismissLabel} onClick={() => onDismiss(toast.id)}>
        <X aria-hidden size={16} />
      </button>
    </div>
  );
}

// { success(text), error(text, details?) } — shows a notification for ~6 seconds.
export function useNotify(): Notify {
  const notify = useContext(NotifyContext);
  if (!notify) throw new Error("useNotify() needs a <NotificationsProvider> above it");
  return notify;
}

// The name main.tsx uses for the provider.
export const Notifications = NotificationsProvider;

export default NotificationsProvider;
