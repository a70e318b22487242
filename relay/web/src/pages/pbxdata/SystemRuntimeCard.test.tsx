import { screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../../test/renderWithProviders";
import { mockApi } from "../basics/testApi";
import { SystemRuntimeCard, runtimeFactsOf } from "./SystemRuntimeCard";

const information = {
  serial: "SER-0004",
  model: "COMtrexx Advanced",
  firmware: "2.6.6",
  agent_version: "0.1.0",
  hostname: "pbx",
  online: true,
  last_seen_at: null,
  first_registration_at: null,
};

afterEach(() => vi.unstubAllGlobals());

describe("SystemRuntimeCard", () => {
  it("shows hardware revision, start and uptime once the system reported them", async () => {
    mockApi({
      "GET /systems/4/information": {
        body: { ...information, hardware_revision: "Rev. C", booted_at: "2025-06-01T06:00:00Z", uptime_s: 3 * 3_600 + 5 * 60 },
      },
    });
    renderWithProviders(<SystemRuntimeCard systemId={4} />, { language: "de" });
    const card = await screen.findByTestId("system-runtime");
    expect(within(card).getByRole("heading", { name: "Betrieb" })).toBeInTheDocument();
    expect(card).toHaveTextContent("Rev. C");
    expect(card).toHaveTextContent("3 Stunden, 5 Minuten");
  });

  it("shows nothing while a relay does not report these facts", () => {
    expect(runtimeFactsOf(information)).toBeNull();
    expect(runtimeFactsOf(undefined)).toBeNull();
    expect(runtimeFactsOf({ ...information, uptime_s: 0 } as typeof information)).toEqual({
      hardware_revision: null,
      booted_at: null,
      uptime_s: 0,
    });
  });
});
