import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";
import { z } from "zod";
import {
  CALL_DIRECTIONS,
  CALL_RESULTS,
  isOneOf,
  type CallFilters,
} from "../../api/pbxdata";

// The filters of the PBX data pages beside the list's own state, kept in the URL like the
// list state (reload, bookmarks and Back show the same view).

// Reads `keys` from the URL; setting some writes them (null or "" removes one) and sends
// the list back to its first page, as the rows are different ones.
export function useUrlFilters<K extends string>(
  keys: readonly K[],
): [Record<K, string | null>, (patch: Partial<Record<K, string | null>>) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.toString();
  const keyList = keys.join("\n");
  const values = useMemo(() => {
    const params = new URLSearchParams(search);
    return Object.fromEntries(keyList.split("\n").map((key) => [key, params.get(key)])) as Record<K, string | null>;
  }, [search, keyList]);
  const set = useCallback(
    (patch: Partial<Record<K, string | null>>) => {
      setSearchParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(patch) as [string, string | null | undefined][]) {
            if (value === null || value === undefined || value === "") next.delete(key);
            else next.set(key, value);
          }
          next.delete("offset");
          return next;
        },
        { preventScrollReset: true },
      );
    },
    [setSearchParams],
  );
  return [values, set];
}

// A value from the URL if it is one of `allowed` (anything else would only earn a 400).
export function oneOf<T extends string>(allowed: readonly T[], value: string | null): T | null {
  return isOneOf(allowed, value) ? value : null;
}

// "12" -> 12; anything that is not a positive integer id -> null (0 for a path segment).
export function parseId(value: string | null | undefined): number | null {
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : null;
}

// --- the period of the call data page ---

export const RANGE_PRESETS = ["today", "7d", "30d"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_RANGE: RangePreset = "30d";

export type RangeChoice = { kind: RangePreset } | { kind: "custom"; from: string; to: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// "2025-06-10" -> local midnight of that day; null for anything else (also "2025-02-30").
export function parseDate(text: string | null | undefined): Date | null {
  const match = DATE.exec(text ?? "");
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) return null;
  return date;
}

// Local date as "yyyy-mm-dd" (the value of <input type="date">).
export function dateInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function rangeFromUrl(range: string | null, from: string | null, to: string | null): RangeChoice {
  if (range === "custom") {
    const start = parseDate(from);
    const end = parseDate(to);
    if (start && end && start <= end) return { kind: "custom", from: from ?? "", to: to ?? "" };
  }
  return { kind: oneOf(RANGE_PRESETS, range) ?? DEFAULT_RANGE };
}

function startOfDay(now: Date, daysBack: number): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysBack);
}

// The API bounds of a period in the user's time zone: presets run from the start of the
// first day until now (no `to`, so the newest calls count); a custom period covers whole
// days, `to` being the start of the day after its last one. Stable within a day, so the
// query key does not change on every render.
export function rangeBounds(choice: RangeChoice, now: Date): { from: string; to: string | null } {
  switch (choice.kind) {
    case "today":
      return { from: startOfDay(now, 0).toISOString(), to: null };
    case "7d":
      return { from: startOfDay(now, 6).toISOString(), to: null };
    case "30d":
      return { from: startOfDay(now, 29).toISOString(), to: null };
    case "custom": {
      const start = parseDate(choice.from) ?? startOfDay(now, 29);
      const end = parseDate(choice.to) ?? startOfDay(now, 0);
      const after = new Date(end.getFullYear(), end.getMonth(), end.getDate() + 1);
      return { from: start.toISOString(), to: after.toISOString() };
    }
  }
}

// The custom period form: both dates required, the end not before the start. Messages are
// keys under pbxdata:calls.range.
export const customRangeSchema = z
  .object({
    from: z.string().refine((value) => parseDate(value) !== null, { message: "invalidDate" }),
    to: z.string().refine((value) => parseDate(value) !== null, { message: "invalidDate" }),
  })
  .refine(
    ({ from, to }) => {
      const start = parseDate(from);
      const end = parseDate(to);
      return !start || !end || start <= end;
    },
    { message: "toBeforeFrom", path: ["to"] },
  );
export type CustomRange = z.infer<typeof customRangeSchema>;

// --- everything the call data page filters by ---

export const CALL_FILTER_KEYS = ["range", "from", "to", "result", "direction", "call_type", "system_id"] as const;
export type CallFilterKey = (typeof CALL_FILTER_KEYS)[number];

export function callFiltersFromUrl(values: Record<CallFilterKey, string | null>, now: Date): CallFilters {
  const bounds = rangeBounds(rangeFromUrl(values.range, values.from, values.to), now);
  return {
    from: bounds.from,
    to: bounds.to,
    result: oneOf(CALL_RESULTS, values.result),
    direction: oneOf(CALL_DIRECTIONS, values.direction),
    callType: values.call_type?.trim() || null,
  };
}
