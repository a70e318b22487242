// The status information a user copies for support (FEATURES I1): one "label: value" line
// per fact, in a fixed order, so a support person finds the same thing in the same place
// in every report.

export const STATUS_FIELDS = [
  "product",
  "serverVersion",
  "serverTime",
  "portalUrl",
  "userAgent",
  "language",
  "user",
  "company",
] as const;

export type StatusField = (typeof STATUS_FIELDS)[number];

export type StatusFacts = Record<StatusField, string | null | undefined>;

// `label` names a field in the user's language; `unknown` stands in for missing values
// (e.g. the server version while the relay cannot be reached).
export function statusInfoText(facts: StatusFacts, label: (field: StatusField) => string, unknown: string): string {
  return STATUS_FIELDS.map((field) => {
    const value = facts[field]?.trim();
    // A value must not start a new line: each fact stays on its own.
    return `${label(field)}: ${value ? value.replace(/\s*[\r\n]+\s*/g, " ") : unknown}`;
  }).join("\n");
}
