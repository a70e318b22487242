import { useMemo, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../../api/errors";
import { useCancelCode, useRenewCode } from "../../api/systems";
import type { System } from "../../api/types";
import ConfirmDialog from "../../components/ConfirmDialog";
import { useNotify } from "../../components/Notifications";
import type { CodeHandlers } from "./CodeCell";
import { useCopy } from "./clipboard";

// The code controls of a page: copy, renew at once (the relay voids the old code), cancel
// after a confirmation. `handlers` keeps its identity across renders, so list columns
// built from it stay memoised; `dialog` must be rendered by the page.
export function useCodeActions(): { handlers: CodeHandlers; dialog: ReactNode } {
  const { t } = useTranslation("systems");
  const notify = useNotify();
  const copy = useCopy();
  const renew = useRenewCode();
  const cancel = useCancelCode();
  const [cancelTarget, setCancelTarget] = useState<System | null>(null);

  const latest = useRef({ copy, renew, notify, t });
  latest.current = { copy, renew, notify, t };

  const handlers = useMemo<CodeHandlers>(
    () => ({
      copy: (code) => void latest.current.copy(code),
      renew: (system) => {
        const { renew: mutation, notify: n, t: tr } = latest.current;
        if (mutation.isPending) return;
        mutation.mutate(system.id, {
          onSuccess: () => n.success(tr("code.renewed")),
          onError: (error) => n.error(errorText(tr, error)),
        });
      },
      cancel: (system) => setCancelTarget(system),
    }),
    [],
  );

  const confirmCancel = () => {
    if (!cancelTarget) return;
    cancel.mutate(cancelTarget.id, {
      onSuccess: () => notify.success(t("code.cancelled")),
      onError: (error) => notify.error(errorText(t, error)),
      onSettled: () => setCancelTarget(null),
    });
  };

  const dialog = (
    <ConfirmDialog
      open={cancelTarget !== null}
      title={t("code.cancelTitle")}
      text={t("code.cancelText", { name: cancelTarget?.name ?? "" })}
      confirmLabel={t("code.cancelConfirm")}
      cancelLabel={t("code.keep")}
      danger
      busy={cancel.isPending}
      onConfirm={confirmCancel}
      onCancel={() => setCancelTarget(null)}
    />
  );

  return { handlers, dialog };
}
