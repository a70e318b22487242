import { X } from "lucide-react";
import { useEffect, useId, useRef, type ReactNode, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";
import "./Dialog.css";

export interface DialogProps {
  open: boolean;
  title: string; // translated; labels the dialog
  // Escape, the close button or a native close. Not called by Escape or the close button
  // while `dismissible` is false (e.g. while a request runs).
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode; // the dialog's buttons, aligned to the end
  describedBy?: string; // id of an element inside `children` describing the dialog
  dismissible?: boolean;
  role?: "dialog" | "alertdialog";
  size?: "small" | "medium" | "large";
  className?: string;
}

// A modal dialog on the native <dialog> element: showModal() makes the rest of the page
// inert and keeps Tab inside, Escape closes it, and focus goes back to the element that
// opened it. Content is only rendered while open, so forms inside start fresh each time.
// The element to focus first can be marked with `data-autofocus`; otherwise the browser
// focuses the first focusable element.
export function Dialog({
  open,
  title,
  onClose,
  children,
  footer,
  describedBy,
  dismissible = true,
  role = "dialog",
  size = "medium",
  className,
}: DialogProps) {
  const { t } = useTranslation("list");
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const latest = useRef({ open, onClose, dismissible });
  latest.current = { open, onClose, dismissible };

  // Opening remembers the focused element; closing, or unmounting while open, gives focus
  // back to it. (Under StrictMode the cleanup and setup run once more: same outcome.)
  useEffect(() => {
    const dialog = ref.current;
    if (!open || !dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, [open]);

  const onCancel = (event: SyntheticEvent<HTMLDialogElement>) => {
    // React state decides whether the dialog is open, not the browser.
    event.preventDefault();
    if (latest.current.dismissible) latest.current.onClose();
  };

  const onNativeClose = () => {
    // Closed by the browser itself (form method="dialog", or a repeated Escape that the
    // browser no longer lets us cancel): bring React's state in line. A late event for
    // a dialog that is open again (StrictMode) is stale.
    if (ref.current?.open) return;
    if (latest.current.open) latest.current.onClose();
  };

  const classes = ["dialog", `dialog-${size}`, className].filter(Boolean).join(" ");
  return (
    <dialog
      ref={ref}
      className={classes}
      role={role === "alertdialog" ? "alertdialog" : undefined}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onCancel={onCancel}
      onClose={onNativeClose}
    >
      {open && (
        <div className="dialog-frame">
          <header className="dialog-header">
            <h2 id={titleId} className="dialog-title">
              {title}
            </h2>
            <button
              type="button"
              className="button icon dialog-close"
              aria-label={t("dialog.close")}
              disabled={!dismissible}
              onClick={onClose}
            >
              <X aria-hidden size={18} />
            </button>
          </header>
          <div className="dialog-body">{children}</div>
          {footer && <footer className="dialog-footer">{footer}</footer>}
        </div>
      )}
    </dialog>
  );
}

export default Dialog;
