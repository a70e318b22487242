import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "../../components/format";

// Dates of the access pages in the user's language, e.g. "3 Mar 2025, 14:05"; "Never" when
// missing. The function stays the same between renders until the language changes
// (column memos).
export function useFormatDateTime(): (iso: string | null | undefined) => string {
  const { i18n, t } = useTranslation("common");
  const language = i18n.language;
  return useCallback(
    (iso) => {
      if (!iso) return t("dates.never");
      // An unreadable value is shown as it came rather than hidden.
      return formatDateTime(iso, language) || iso;
    },
    [language, t],
  );
}
