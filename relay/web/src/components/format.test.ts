import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatRelative } from "./format";

const now = Date.parse("2025-06-10T12:00:00Z");

describe("formatRelative", () => {
  it("says minutes and hours for recent times", () => {
    expect(formatRelative("2025-06-10T11:55:00Z", "en", now)).toBe("5 minutes ago");
    expect(formatRelative("2025-06-10T09:00:00Z", "en", now)).toBe("3 hours ago");
    expect(formatRelative("2025-06-10T09:00:00Z", "de", now)).toBe("vor 3 Stunden");
  });

  it("counts forward for times to come", () => {
    expect(formatRelative("2025-06-11T10:00:00Z", "en", now)).toBe("in 22 hours");
    expect(formatRelative("2025-06-11T10:00:00Z", "de", now)).toBe("in 22 Stunden");
  });

  it("says now for the last minute", () => {
    expect(formatRelative("2025-06-10T11:59:30Z", "en", now)).toBe("now");
  });

  it("falls back to the date after a week", () => {
    const text = formatRelative("2025-05-01T12:00:00Z", "en", now);
    expect(text).toBe(formatDate("2025-05-01T12:00:00Z", "en"));
    expect(text).toBe("May 1, 2025");
  });

  it("is empty without a time", () => {
    expect(formatRelative(null, "en", now)).toBe("");
    expect(formatDateTime(undefined, "en")).toBe("");
    expect(formatDateTime("not a date", "en")).toBe("");
  });
});
