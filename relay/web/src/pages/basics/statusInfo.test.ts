import { describe, expect, it } from "vitest";
import { STATUS_FIELDS, statusInfoText, type StatusFacts } from "./statusInfo";

const FACTS: StatusFacts = {
  product: "PBX Control Center",
  serverVersion: "0.4.0",
  serverTime: "2026-11-24T10:00:00Z",
  portalUrl: "https://ccc.example.com",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64)",
  language: "de",
  user: "ada@example.com",
  company: "Example GmbH (#3)",
};

const label = (field: string) => field.toUpperCase();

describe("statusInfoText", () => {
  it("writes one labelled line per fact in a fixed order", () => {
    expect(statusInfoText(FACTS, label, "?")).toBe(
      [
        "PRODUCT: PBX Control Center",
        "SERVERVERSION: 0.4.0",
        "SERVERTIME: 2026-11-24T10:00:00Z",
        "PORTALURL: https://ccc.example.com",
        "USERAGENT: Mozilla/5.0 (X11; Linux x86_64)",
        "LANGUAGE: de",
        "USER: ada@example.com",
        "COMPANY: Example GmbH (#3)",
      ].join("\n"),
    );
  });

  it("marks missing values instead of leaving them blank", () => {
    const text = statusInfoText({ ...FACTS, serverVersion: undefined, serverTime: "  " }, label, "not available");
    expect(text).toContain("SERVERVERSION: not available");
    expect(text).toContain("SERVERTIME: not available");
  });

  it("keeps a value with line breaks on its own line", () => {
    const text = statusInfoText({ ...FACTS, company: "Example\nGmbH" }, label, "?");
    expect(text.split("\n")).toHaveLength(STATUS_FIELDS.length);
    expect(text).toContain("COMPANY: Example GmbH");
  });
});
