import { describe, expect, it } from "vitest";
import { defaultListState, listStateFromSearch, listStateToSearch, toggleSort, type ListState } from "./listState";

const defaults = defaultListState("name");
const sortKeys = ["name", "serial", "last_seen"] as const;

describe("listState URL round trip", () => {
  it("gives the defaults for an empty query string", () => {
    expect(listStateFromSearch(new URLSearchParams(), defaults, sortKeys)).toEqual(defaults);
  });

  it("writes nothing for the default state", () => {
    expect(listStateToSearch(defaults, defaults).toString()).toBe("");
  });

  it("reads back what it wrote", () => {
    const state: ListState = { q: "berlin ü", sort: "serial", order: "desc", limit: 100, offset: 200 };
    const search = listStateToSearch(state, defaults);
    expect(listStateFromSearch(new URLSearchParams(search.toString()), defaults, sortKeys)).toEqual(state);
  });

  it("keeps unrelated parameters and drops ones back at their default", () => {
    const base = new URLSearchParams("tab=2&q=old&offset=50");
    const search = listStateToSearch({ ...defaults, sort: "serial" }, defaults, base);
    expect(search.get("tab")).toBe("2");
    expect(search.get("sort")).toBe("serial");
    expect(search.has("q")).toBe(false);
    expect(search.has("offset")).toBe(false);
  });

  it("ignores unknown sort keys, orders, page sizes and negative offsets", () => {
    const search = new URLSearchParams("sort=password&order=up&limit=7&offset=-5");
    expect(listStateFromSearch(search, defaults, sortKeys)).toEqual(defaults);
  });

  it("ignores a non-integer offset", () => {
    expect(listStateFromSearch(new URLSearchParams("offset=1.5"), defaults, sortKeys).offset).toBe(0);
  });
});

describe("toggleSort", () => {
  it("sorts a new key ascending from the first page", () => {
    const state: ListState = { ...defaults, sort: "name", order: "desc", offset: 100 };
    expect(toggleSort(state, "serial")).toEqual({ ...state, sort: "serial", order: "asc", offset: 0 });
  });

  it("flips ascending to descending on the same key", () => {
    expect(toggleSort(defaults, "name")).toMatchObject({ sort: "name", order: "desc" });
  });

  it("flips descending back to ascending on the same key", () => {
    expect(toggleSort({ ...defaults, order: "desc" }, "name")).toMatchObject({ sort: "name", order: "asc" });
  });
});
