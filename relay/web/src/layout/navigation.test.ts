import { describe, expect, it } from "vitest";
import { SECTIONS, visibleLinks } from "./navigation";

const allSystems = SECTIONS.find((section) => section.key === "allSystems")!.links;
const keys = (actions: Parameters<typeof visibleLinks>[1]) => visibleLinks(allSystems, actions).map((l) => l.key);

describe("visibleLinks", () => {
  it("offers fleet call data only to users with call data on some system", () => {
    expect(keys(["view_system", "read_registration_status"])).toEqual(["overview", "telephones", "accounts"]);
    expect(keys(["view_system", "read_registration_status", "call_data"])).toContain("calls");
  });

  it("shows only the ungated links while the user's actions are unknown", () => {
    expect(keys(undefined)).toEqual(["overview"]);
    expect(keys([])).toEqual(["overview"]);
  });

  it("leaves sections without actions alone", () => {
    const groups = SECTIONS.find((section) => section.key === "userGroups")!.links;
    expect(visibleLinks(groups, [])).toEqual(groups);
  });
});
