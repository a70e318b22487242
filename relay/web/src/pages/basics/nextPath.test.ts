import { describe, expect, it } from "vitest";
import { safeNextPath } from "./nextPath";

describe("safeNextPath", () => {
  it("keeps a path of this site with its query and fragment", () => {
    expect(safeNextPath("/systems?q=abc&sort=name#top")).toBe("/systems?q=abc&sort=name#top");
  });

  it("sends a missing or empty parameter to the dashboard", () => {
    expect(safeNextPath(null)).toBe("/");
    expect(safeNextPath(undefined)).toBe("/");
    expect(safeNextPath("")).toBe("/");
  });

  it.each([
    ["a protocol-relative address", "//evil.example/x"],
    ["an absolute address", "https://evil.example/x"],
    ["a javascript: address", "javascript:alert(1)"],
    ["a relative path", "systems"],
    ["a backslash that browsers read as a slash", "/\\evil.example"],
    ["a backslash later in the path", "/systems\\x"],
    ["a tab that browsers strip", "/\t/evil.example"],
    ["a line break that browsers strip", "/\n/evil.example"],
  ])("refuses %s", (_, raw) => {
    expect(safeNextPath(raw)).toBe("/");
  });

  it("does not lead back to the login page", () => {
    expect(safeNextPath("/login")).toBe("/");
    expect(safeNextPath("/login?next=/news")).toBe("/");
  });

  it("resolves dot segments without leaving the site", () => {
    expect(safeNextPath("/news/../account")).toBe("/account");
    expect(safeNextPath("/../../news")).toBe("/news");
  });
});
