import { z } from "zod";

// The relay's rules (relay/api/system_handlers.cc): a name of 1..100 characters after
// trimming spaces; a serial of 6..32 characters of A-Z, a-z, 0-9, '_' and '-' (it becomes
// the device id of the agent's certificate). Messages are keys of the systems namespace.
export const NAME_MAX = 100;
export const SERIAL_MIN = 6;
export const SERIAL_MAX = 32;
const SERIAL_PATTERN = /^[A-Za-z0-9_-]*$/;

export const nameSchema = z
  .string()
  .transform((value) => value.trim())
  .pipe(
    z
      .string()
      .min(1, "validation.nameRequired")
      .refine((value) => [...value].length <= NAME_MAX, "validation.nameTooLong"),
  );

export const serialSchema = z
  .string()
  .transform((value) => value.trim())
  .pipe(
    z
      .string()
      .min(1, "validation.serialRequired")
      .regex(SERIAL_PATTERN, "validation.serialCharacters")
      .min(SERIAL_MIN, "validation.serialLength")
      .max(SERIAL_MAX, "validation.serialLength"),
  );

export const createSystemSchema = z.object({ name: nameSchema, serial: serialSchema });
export const renameSystemSchema = z.object({ name: nameSchema });

export type CreateSystemForm = z.input<typeof createSystemSchema>;
export type CreateSystemValues = z.output<typeof createSystemSchema>;
export type RenameSystemForm = z.input<typeof renameSystemSchema>;
export type RenameSystemValues = z.output<typeof renameSystemSchema>;
