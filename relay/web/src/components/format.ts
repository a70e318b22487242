// Dates as every page of the portal shows them, in the user's language. Intl formatters
// are costly to build and a list renders many dates, so one formatter per language and
// kind is kept.

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();

function dateTimeFormat(language: string): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" });
    dateTimeFormats.set(language, format);
  }
  return format;
}

function dateFormat(language: string): Intl.DateTimeFormat {
  let format = dateFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { dateStyle: "medium" });
    dateFormats.set(language, format);
  }
  return format;
}

function relativeFormat(language: string): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(language);
  if (!format) {
    format = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
    relativeFormats.set(language, format);
  }
  return format;
}

// "12 Mar 2025, 14:05"; "" for a missing or unreadable time.
export function formatDateTime(iso: string | null | undefined, language: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return dateTimeFormat(language).format(date);
}

// "12 Mar 2025" (lists, where the time of day does not matter); "" when missing.
export function formatDate(iso: string | null | undefined, language: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return dateFormat(language).format(date);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["minute", 60],
  ["hour", 60 * 60],
  ["day", 24 * 60 * 60],
];

// "5 minutes ago" / "in 3 hours" up to a week either way, then the date; "" when missing.
export function formatRelative(iso: string | null | undefined, language: string, nowMs: number = Date.now()): string {
  if (!iso) return "";
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return "";
  const seconds = Math.round((time - nowMs) / 1000);
  const abs = Math.abs(seconds);
  if (abs >= 7 * 24 * 60 * 60) return dateFormat(language).format(new Date(time));
  if (abs < 60) return relativeFormat(language).format(0, "second");
  let unit: [Intl.RelativeTimeFormatUnit, number] = UNITS[0]!;
  for (const candidate of UNITS) if (abs >= candidate[1]) unit = candidate;
  return relativeFormat(language).format(Math.trunc(seconds / unit[1]), unit[0]);
}
