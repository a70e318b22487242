// Durations of the PBX data pages.

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

// Talk time as on a PBX display: "00:07", "12:34", "1:02:03" (hours only when needed).
// Missing or negative values count as no talk time.
export function formatDuration(seconds: number | null | undefined): string {
  const total = seconds !== null && seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (hours > 0) return `${hours}:${twoDigits(minutes)}:${twoDigits(rest)}`;
  return `${twoDigits(minutes)}:${twoDigits(rest)}`;
}

// The same as an ISO 8601 duration for <time dateTime>, e.g. "PT1H2M3S".
export function isoDuration(seconds: number | null | undefined): string {
  const total = seconds !== null && seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  return `PT${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${rest || total === 0 ? `${rest}S` : ""}`;
}

const UPTIME_UNITS: [Intl.NumberFormatOptions["unit"] & string, number][] = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

// Uptime in the user's language with its two largest units: "12 days, 4 hours",
// "3 Stunden, 5 Minuten"; under a minute: "0 minutes". "" when missing.
export function formatUptime(seconds: number | null | undefined, language: string): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "";
  let rest = Math.floor(seconds);
  const parts: string[] = [];
  for (const [unit, size] of UPTIME_UNITS) {
    const value = Math.floor(rest / size);
    rest -= value * size;
    if (value > 0 || (parts.length === 0 && unit === "minute")) {
      parts.push(new Intl.NumberFormat(language, { style: "unit", unit, unitDisplay: "long" }).format(value));
    }
    if (parts.length === 2) break;
    // Units are only meaningful next to each other: "2 days, 5 minutes" hides the hours.
    if (parts.length === 1 && value === 0) break;
  }
  return new Intl.ListFormat(language, { style: "short", type: "unit" }).format(parts);
}
