import { describe, expect, it } from "vitest";
import { callFilterQuery, callsCsvUrl, type CallFilters } from "../../api/pbxdata";
import { buildQuery } from "../../api/client";
import { defaultListState } from "../../components/list";
import {
  callFiltersFromUrl,
  customRangeSchema,
  parseDate,
  parseId,
  rangeBounds,
  rangeFromUrl,
  type CallFilterKey,
} from "./filters";

// 10 June 2025, 15:30 local time: presets count whole local days back from it.
const NOW = new Date(2025, 5, 10, 15, 30);
const local = (year: number, month: number, day: number) => new Date(year, month - 1, day).toISOString();

function url(values: Partial<Record<CallFilterKey, string>>): Record<CallFilterKey, string | null> {
  return {
    range: values.range ?? null,
    from: values.from ?? null,
    to: values.to ?? null,
    result: values.result ?? null,
    direction: values.direction ?? null,
    call_type: values.call_type ?? null,
    system_id: values.system_id ?? null,
  };
}

describe("period", () => {
  it("runs presets from the start of the first local day until now", () => {
    expect(rangeBounds({ kind: "today" }, NOW)).toEqual({ from: local(2025, 6, 10), to: null });
    expect(rangeBounds({ kind: "7d" }, NOW)).toEqual({ from: local(2025, 6, 4), to: null });
    expect(rangeBounds({ kind: "30d" }, NOW)).toEqual({ from: local(2025, 5, 12), to: null });
  });

  it("covers whole days of a custom period, up to the start of the day after", () => {
    expect(rangeBounds({ kind: "custom", from: "2025-02-27", to: "2025-02-28" }, NOW)).toEqual({
      from: local(2025, 2, 27),
      to: local(2025, 3, 1),
    });
  });

  it("reads the period from the address and falls back to 30 days for anything odd", () => {
    expect(rangeFromUrl(null, null, null)).toEqual({ kind: "30d" });
    expect(rangeFromUrl("7d", null, null)).toEqual({ kind: "7d" });
    expect(rangeFromUrl("yesterday", null, null)).toEqual({ kind: "30d" });
    expect(rangeFromUrl("custom", "2025-06-01", "2025-06-05")).toEqual({ kind: "custom", from: "2025-06-01", to: "2025-06-05" });
    expect(rangeFromUrl("custom", "2025-06-05", "2025-06-01")).toEqual({ kind: "30d" });
    expect(rangeFromUrl("custom", "2025-02-30", "2025-03-01")).toEqual({ kind: "30d" });
  });

  it("checks the custom period form", () => {
    expect(customRangeSchema.safeParse({ from: "2025-06-01", to: "2025-06-01" }).success).toBe(true);
    const reversed = customRangeSchema.safeParse({ from: "2025-06-02", to: "2025-06-01" });
    expect(reversed.success).toBe(false);
    expect(reversed.error?.issues[0]).toMatchObject({ message: "toBeforeFrom", path: ["to"] });
    const empty = customRangeSchema.safeParse({ from: "", to: "2025-06-01" });
    expect(empty.error?.issues[0]).toMatchObject({ message: "invalidDate", path: ["from"] });
  });

  it("accepts real calendar days only", () => {
    expect(parseDate("2024-02-29")).toEqual(new Date(2024, 1, 29));
    expect(parseDate("2025-02-29")).toBeNull();
    expect(parseDate("10.06.2025")).toBeNull();
  });
});

describe("call filters to query string", () => {
  it("sends every chosen filter under the API's names", () => {
    const filters = callFiltersFromUrl(
      url({ range: "7d", result: "unsuccessful", direction: "incoming", call_type: "door" }),
      NOW,
    );
    const query = new URLSearchParams(buildQuery(callFilterQuery({ systemId: 4 }, filters)));
    expect(Object.fromEntries(query)).toEqual({
      from: local(2025, 6, 4),
      result: "unsuccessful",
      direction: "incoming",
      call_type: "door",
    });
  });

  it("drops values the API would refuse and sends the default period explicitly", () => {
    const filters = callFiltersFromUrl(url({ result: "maybe", direction: "sideways", call_type: "  " }), NOW);
    expect(filters).toEqual({ from: local(2025, 5, 12), to: null, result: null, direction: null, callType: null });
    expect(buildQuery(callFilterQuery({ systemId: 4 }, filters))).toBe(`?from=${encodeURIComponent(local(2025, 5, 12))}`);
  });

  it("adds the system filter in the fleet view only", () => {
    const filters = callFiltersFromUrl(url({}), NOW);
    expect(callFilterQuery({ systemId: null, filterSystemId: 12 }, filters).system_id).toBe(12);
    expect(callFilterQuery({ systemId: null, filterSystemId: null }, filters).system_id).toBeNull();
    expect(callFilterQuery({ systemId: 4 }, filters)).not.toHaveProperty("system_id");
  });

  it("keeps call types the PBX defined itself", () => {
    const filters = callFiltersFromUrl(url({ call_type: "Projekt 7" }), NOW);
    expect(callFilterQuery({ systemId: 4 }, filters).call_type).toBe("Projekt 7");
  });
});

describe("CSV link", () => {
  const filters: CallFilters = {
    from: "2025-06-01T00:00:00.000Z",
    to: "2025-06-06T00:00:00.000Z",
    result: "successful",
    direction: "outgoing",
    callType: "business",
  };

  it("carries the filter text, sort and every filter, but no paging", () => {
    const state = { ...defaultListState("time", "desc"), q: " Becker ", offset: 100, limit: 25, sort: "duration" };
    const link = new URL(callsCsvUrl({ systemId: 4 }, state, filters), "http://portal.test");
    expect(link.pathname).toBe("/api/v1/systems/4/calls.csv");
    expect(Object.fromEntries(link.searchParams)).toEqual({
      q: "Becker",
      sort: "duration",
      order: "desc",
      from: "2025-06-01T00:00:00.000Z",
      to: "2025-06-06T00:00:00.000Z",
      result: "successful",
      direction: "outgoing",
      call_type: "business",
    });
  });

  it("exports the fleet with its system filter", () => {
    const state = defaultListState("time", "desc");
    const link = new URL(callsCsvUrl({ systemId: null, filterSystemId: 9 }, state, filters), "http://portal.test");
    expect(link.pathname).toBe("/api/v1/fleet/calls.csv");
    expect(link.searchParams.get("system_id")).toBe("9");
    expect(link.searchParams.has("limit")).toBe(false);
    expect(link.searchParams.has("offset")).toBe(false);
  });
});

describe("parseId", () => {
  it("accepts positive integers only", () => {
    expect(parseId("12")).toBe(12);
    for (const value of [null, undefined, "", "0", "-1", "1.5", "abc", "012", "99999999999999999"]) {
      expect(parseId(value), String(value)).toBeNull();
    }
  });
});
