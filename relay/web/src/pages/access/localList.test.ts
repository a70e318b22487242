import { describe, expect, it } from "vitest";
import { defaultListState } from "../../components/list";
import { compareText, pageLocally } from "./localList";

interface Row {
  name: string;
  serial: string;
}

const rows: Row[] = [
  { name: "beta", serial: "S-2" },
  { name: "Alpha", serial: "S-10" },
  { name: "gamma", serial: "S-1" },
];
const spec = {
  text: (row: Row) => [row.name, row.serial],
  compare: { name: (a: Row, b: Row) => compareText(a.name, b.name), serial: (a: Row, b: Row) => compareText(a.serial, b.serial) },
};

describe("pageLocally", () => {
  it("sorts ignoring case", () => {
    expect(pageLocally(rows, defaultListState("name"), spec).items.map((r) => r.name)).toEqual(["Alpha", "beta", "gamma"]);
  });

  it("sorts descending", () => {
    const state = defaultListState("name", "desc");
    expect(pageLocally(rows, state, spec).items.map((r) => r.name)).toEqual(["gamma", "beta", "Alpha"]);
  });

  it("sorts numbers inside texts by value", () => {
    expect(pageLocally(rows, defaultListState("serial"), spec).items.map((r) => r.serial)).toEqual(["S-1", "S-2", "S-10"]);
  });

  it("filters case-insensitively on any of the texts and counts the matches", () => {
    const result = pageLocally(rows, { ...defaultListState("name"), q: " s-1" }, spec);
    expect(result.items.map((r) => r.serial)).toEqual(["S-10", "S-1"]);
    expect(result.total).toBe(2);
  });

  it("returns the requested page with the total of all matches", () => {
    const result = pageLocally(rows, { ...defaultListState("name"), limit: 2, offset: 2 }, spec);
    expect(result.items.map((r) => r.name)).toEqual(["gamma"]);
    expect(result.total).toBe(3);
  });

  it("does not change the input", () => {
    const copy = [...rows];
    pageLocally(rows, defaultListState("name"), spec);
    expect(rows).toEqual(copy);
  });
});
