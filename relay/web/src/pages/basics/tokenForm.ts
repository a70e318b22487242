import { z } from "zod";
import type { NewApiToken } from "../../api/tokens";

export const MAX_TOKEN_NAME_CHARS = 100;
export const MAX_TOKEN_DAYS = 3650;

// The create-token form keeps the expiry as typed; empty means the token never expires.
// Messages are i18n keys of the "basics" namespace.
export const tokenSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "account.tokens.errors.nameRequired")
    .max(MAX_TOKEN_NAME_CHARS, "account.tokens.errors.nameTooLong"),
  days: z
    .string()
    .trim()
    .refine((text) => text === "" || (/^\d{1,4}$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_TOKEN_DAYS), {
      message: "account.tokens.errors.days",
    }),
});

export type TokenFormValues = z.input<typeof tokenSchema>;

export function toNewApiToken(values: z.output<typeof tokenSchema>): NewApiToken {
  return values.days === "" ? { name: values.name } : { name: values.name, expires_in_days: Number(values.days) };
}
