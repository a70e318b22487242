import { describe, expect, it } from "vitest";
import { formatDuration, formatUptime, isoDuration } from "./format";

describe("formatDuration", () => {
  it("shows minutes and seconds below an hour", () => {
    expect(formatDuration(0)).toBe("00:00");
    expect(formatDuration(7)).toBe("00:07");
    expect(formatDuration(59)).toBe("00:59");
    expect(formatDuration(60)).toBe("01:00");
    expect(formatDuration(754)).toBe("12:34");
    expect(formatDuration(3599)).toBe("59:59");
  });

  it("adds hours from one hour on", () => {
    expect(formatDuration(3600)).toBe("1:00:00");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(36000 + 59)).toBe("10:00:59");
  });

  it("treats missing, negative and fractional values sensibly", () => {
    expect(formatDuration(null)).toBe("00:00");
    expect(formatDuration(undefined)).toBe("00:00");
    expect(formatDuration(-5)).toBe("00:00");
    expect(formatDuration(Number.NaN)).toBe("00:00");
    expect(formatDuration(61.9)).toBe("01:01");
  });

  it("has a machine-readable twin", () => {
    expect(isoDuration(0)).toBe("PT0S");
    expect(isoDuration(7)).toBe("PT7S");
    expect(isoDuration(3723)).toBe("PT1H2M3S");
    expect(isoDuration(3600)).toBe("PT1H");
  });
});

describe("formatUptime", () => {
  it("uses the two largest units next to each other", () => {
    expect(formatUptime(12 * 86_400 + 4 * 3_600 + 59, "en")).toBe("12 days, 4 hours");
    expect(formatUptime(3 * 3_600 + 5 * 60, "de")).toBe("3 Stunden, 5 Minuten");
    expect(formatUptime(2 * 86_400 + 5 * 60, "en")).toBe("2 days");
    expect(formatUptime(86_400, "de")).toBe("1 Tag");
  });

  it("says zero minutes right after a start and nothing when unknown", () => {
    expect(formatUptime(30, "en")).toBe("0 minutes");
    expect(formatUptime(null, "en")).toBe("");
    expect(formatUptime(-1, "en")).toBe("");
  });
});
