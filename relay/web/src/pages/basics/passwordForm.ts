import { z } from "zod";
import { ApiError } from "../../api/client";

// The relay's rule for new passwords (relay/api/session_handlers.cc).
export const MIN_PASSWORD_CHARS = 10;

// Messages are i18n keys of the "basics" namespace, translated when shown, so a language
// switch also changes errors already on screen.
export const passwordSchema = z
  .object({
    current: z.string().min(1, "account.password.errors.currentRequired"),
    next: z.string().min(MIN_PASSWORD_CHARS, "account.password.errors.tooShort"),
    repeat: z.string(),
  })
  .superRefine((values, context) => {
    if (values.repeat !== values.next) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ["repeat"], message: "account.password.errors.mismatch" });
    }
    if (values.current !== "" && values.next === values.current) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["next"],
        message: "account.password.errors.sameAsCurrent",
      });
    }
  });

export type PasswordValues = z.infer<typeof passwordSchema>;

export const EMPTY_PASSWORDS: PasswordValues = { current: "", next: "", repeat: "" };

// What a refused change means for the form: the current password is wrong (shown at that
// field), the account has no password (single sign-on only), or something else (shown
// above the form), from the relay's codes wrong_password and no_password.
export type PasswordProblem = "wrong_password" | "no_password" | "other";

export function passwordProblem(error: unknown): PasswordProblem {
  if (!(error instanceof ApiError)) return "other";
  if (error.code === "wrong_password" || error.code === "no_password") return error.code;
  return "other";
}
