// "45 seconds", "15 minutes", "2 hours" in the user's language, for waits the relay asks
// for with Retry-After. Rounded up, so the user never tries again too early.
export function formatWait(seconds: number, language: string): string {
  const whole = Math.max(1, Math.ceil(seconds));
  let value = whole;
  let unit: "second" | "minute" | "hour" = "second";
  if (whole >= 2 * 3600) {
    value = Math.ceil(whole / 3600);
    unit = "hour";
  } else if (whole >= 90) {
    value = Math.ceil(whole / 60);
    unit = "minute";
  }
  return new Intl.NumberFormat(language, { style: "unit", unit, unitDisplay: "long" }).format(value);
}
