import type { TFunction } from "i18next";
import { ApiError } from "./client";

// A sentence for the user: the API's stable error code translated through the "errors"
// namespace; codes the portal does not know yet fall back to a generic sentence with the
// status, so nothing English-only leaks into a German page.
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    const key = `errors:${error.code}`;
    const text = t(key, {
      defaultValue: "",
      retryAfter: error.retryAfterSeconds ?? 0,
    });
    if (text) return text;
    return t("errors:unexpected", { status: error.status });
  }
  return t("errors:unexpected", { status: 0 });
}
