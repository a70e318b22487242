import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { copyText } from "../../components/clipboard";
import { useNotify } from "../../components/Notifications";

// Copies and tells the user how it went through the notification area (a live region,
// so screen readers hear "Copied" too).
export function useCopy(): (text: string) => Promise<boolean> {
  const { t } = useTranslation("systems");
  const notify = useNotify();
  return useCallback(
    async (text: string) => {
      const copied = await copyText(text);
      if (copied) notify.success(t("copy.done"));
      else notify.error(t("copy.unavailable", { text }));
      return copied;
    },
    [notify, t],
  );
}
