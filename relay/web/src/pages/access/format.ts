import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";

// Dates of the access pages in the user's language, e.g. "3 Mar 2025, 14:05". The
// function stays the same between renders until the language changes (column memos).
export function useFormatDateTime(): (iso: string | null | undefined) => string {
  const { i18n, t } = useTranslation("common");
  const format = useMemo(
    () => new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" }),
    [i18n.language],
  );
  return useCallback(
    (iso) => {
      if (!iso) return t("dates.never");
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? iso : format.format(date);
    },
    [format, t],
  );
}
