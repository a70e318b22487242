import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { useNotify } from "../../components/Notifications";

// Writes text to the clipboard. False when the browser offers no clipboard here (plain
// HTTP, an old browser) or refuses; the caller then shows the text to copy by hand.
export async function copyText(text: string): Promise<boolean> {
  try {
    if (typeof navigator === "undefined" || !navigator.clipboard?.writeText) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

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
