import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { System, SystemInformation } from "../../api/types";
import { renderWithProviders } from "../../test/renderWithProviders";
import { Route, Routes } from "react-router";
import SystemInformationPage, { parseSystemId } from "./SystemInformationPage";
import { makeSystem, mockFetch, type Call } from "./testData";

const paired = makeSystem({
  id: 4,
  name: "Branch",
  serial: "SER-0004",
  paired: true,
  online: false,
  last_seen_at: "2025-06-10T11:00:00Z",
  first_registration_at: "2025-06-01T08:00:00Z",
  model: "COMtrexx Advanced",
  firmware: "2.4.0",
  opt_in: { monitoring: true, remote_configuration: false },
  maintenance: { active: true, until: "2099-12-31T00:00:00Z" },
  state: "restricted",
  state_reasons: ["firmware_too_old"],
  confirmation_code: null,
});

const information: SystemInformation = {
  serial: "SER-0004",
  model: "COMtrexx Advanced",
  firmware: "2.4.0",
  agent_version: "0.1.0",
  hostname: "pbx-gateway",
  online: false,
  last_seen_at: "2025-06-10T11:00:00Z",
  first_registration_at: "2025-06-01T08:00:00Z",
};

function routes(system: () => System | undefined, extra: (call: Call) => { status: number; body?: unknown } | undefined = () => undefined) {
  return (call: Call) => {
    const answer = extra(call);
    if (answer) return answer;
    const current = system();
    if (!current) return undefined;
    if (call.method === "GET" && call.path === `/systems/${current.id}`) return { status: 200, body: current };
    if (call.method === "GET" && call.path === `/systems/${current.id}/information`) return { status: 200, body: information };
    return undefined;
  };
}

function renderPage(id: number | string) {
  return renderWithProviders(
    <Routes>
      <Route path="/systems/:systemId" element={<SystemInformationPage />} />
      <Route path="/systems" element={<p>overview</p>} />
    </Routes>,
    { route: `/systems/${id}` },
  );
}

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

describe("parseSystemId", () => {
  it("accepts positive integers only", () => {
    expect(parseSystemId("12")).toBe(12);
    for (const value of [undefined, "", "0", "-1", "1.5", "abc", "012", "99999999999999999"]) {
      expect(parseSystemId(value), String(value)).toBe(0);
    }
  });
});

describe("SystemInformationPage", () => {
  it("names the required firmware version when the operator set one", async () => {
    const withMinimum = { ...information, minimum_firmware: "2.8.0" };
    mockFetch(routes(() => paired, (call) =>
      call.path === "/systems/4/information" ? { status: 200, body: withMinimum } : undefined));
    renderPage(4);
    expect(await screen.findByText(/Firmware is older than required \(2\.8\.0 or later\)/)).toBeInTheDocument();
  });

  it("shows the device, connection, preconditions and site opt-ins", async () => {
    mockFetch(routes(() => paired));
    renderPage(4);
    expect(await screen.findByRole("heading", { level: 1, name: "Branch" })).toBeInTheDocument();
    expect(screen.getByTestId("page-system-information")).toBeInTheDocument();
    expect(await screen.findByText("pbx-gateway")).toBeInTheDocument();
    expect(screen.getByText("0.1.0")).toBeInTheDocument();
    expect(screen.getByTestId("state-4")).toHaveTextContent(/^Restricted$/);
    expect(screen.getAllByText("firmware too old").length).toBeGreaterThan(0);
    expect(screen.getByText(/Firmware is older than required/)).toBeInTheDocument();
    expect(screen.getByText(/^Active until/)).toBeInTheDocument();
    const site = screen.getByRole("region", { name: "Permissions on site" });
    expect(within(site).getByText("Allowed on site")).toBeInTheDocument();
    expect(within(site).getByText("Not allowed")).toBeInTheDocument();
    const roles = screen.getByRole("region", { name: "Your roles" });
    expect(within(roles).getByText("Owner")).toBeInTheDocument();
  });

  it("remembers the system for the navigation", async () => {
    mockFetch(routes(() => paired));
    renderPage(4);
    await screen.findByRole("heading", { level: 1, name: "Branch" });
    await waitFor(() => expect(JSON.parse(localStorage.getItem("ccc.selectedSystem") ?? "null")).toEqual({ id: 4, name: "Branch" }));
  });

  it("says plainly when the system is not found or not visible", async () => {
    localStorage.setItem("ccc.selectedSystem", JSON.stringify({ id: 99, name: "Gone" }));
    mockFetch(() => undefined);
    renderPage(99);
    expect(await screen.findByRole("heading", { level: 1, name: "System not found" })).toBeInTheDocument();
    expect(screen.getByText(/not visible to you/)).toBeInTheDocument();
    await waitFor(() => expect(localStorage.getItem("ccc.selectedSystem")).toBeNull());
  });

  it("treats an address that is no id as not found without asking the API", async () => {
    const { calls } = mockFetch(() => undefined);
    renderPage("abc");
    expect(await screen.findByRole("heading", { level: 1, name: "System not found" })).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it("offers no actions and no code to a user with a monitoring role", async () => {
    const system = { ...paired, roles: ["monitoring" as const], allowed_actions: ["view_system" as const, "read_system_information" as const] };
    mockFetch(routes(() => system));
    renderPage(4);
    await screen.findByRole("heading", { level: 1, name: "Branch" });
    expect(screen.queryByRole("button", { name: "Rename" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Unpair" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete" })).toBeNull();
    expect(screen.queryByRole("heading", { name: "Confirmation code" })).toBeNull();
    expect(screen.getByText("Monitoring")).toBeInTheDocument();
  });

  it("shows the code panel of a waiting system with copy, renew and cancel", async () => {
    const waiting = makeSystem({ id: 5 });
    mockFetch(routes(() => waiting));
    renderPage(5);
    const panel = await screen.findByRole("region", { name: "Confirmation code" });
    expect(within(panel).getByTestId("code-5")).toHaveTextContent("ABCD-EFGH-JKLM");
    expect(within(panel).getByText("ccc-agent pair ABCD-EFGH-JKLM")).toBeInTheDocument();
    for (const name of ["Copy code", "Renew code", "Cancel code"]) {
      expect(within(panel).getByRole("button", { name })).toBeInTheDocument();
    }
  });

  it("marks an expired code clearly and offers no copy", async () => {
    const expired = makeSystem({
      id: 6,
      state: "error",
      state_reasons: ["code_expired"],
      confirmation_code: { code: "ABCD-EFGH-JKLM", expires_at: "2020-01-01T00:00:00Z", expired: true },
    });
    mockFetch(routes(() => expired));
    renderPage(6);
    const panel = await screen.findByRole("region", { name: "Confirmation code" });
    expect(within(panel).getByText(/^Expired on/)).toBeInTheDocument();
    expect(within(panel).queryByRole("button", { name: "Copy code" })).toBeNull();
    expect(within(panel).getByRole("button", { name: "Renew code" })).toBeInTheDocument();
  });

  it("unpairs after explaining that the site must pair again", async () => {
    const user = userEvent.setup();
    let current: System = paired;
    const { calls } = mockFetch(
      routes(
        () => current,
        (call) => {
          if (call.method === "POST" && call.path === "/systems/4/unpair") {
            current = { ...paired, paired: false, state: "error", state_reasons: ["no_code"] };
            return { status: 200, body: current };
          }
          return undefined;
        },
      ),
    );
    renderPage(4);
    await user.click(await screen.findByRole("button", { name: "Unpair" }));
    const dialog = screen.getByRole("alertdialog", { name: "Unpair system" });
    expect(within(dialog).getByText(/issue a new confirmation code and pair the site/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Unpair" }));
    await waitFor(() => expect(screen.getByTestId("state-4")).toHaveTextContent(/^Error$/));
    expect(calls.some((call) => call.method === "POST" && call.path === "/systems/4/unpair")).toBe(true);
    expect(screen.getByRole("button", { name: "Issue a code" })).toBeInTheDocument();
  });

  it("deletes, forgets the selected system and goes back to the overview", async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(
      routes(
        () => paired,
        (call) => (call.method === "DELETE" && call.path === "/systems/4" ? { status: 204 } : undefined),
      ),
    );
    const { location } = renderPage(4);
    await user.click(await screen.findByRole("button", { name: "Delete" }));
    await waitFor(() => expect(localStorage.getItem("ccc.selectedSystem")).not.toBeNull());
    await user.click(within(screen.getByRole("alertdialog", { name: "Delete system" })).getByRole("button", { name: "Delete system" }));
    await waitFor(() => expect(location().pathname).toBe("/systems"));
    expect(localStorage.getItem("ccc.selectedSystem")).toBeNull();
    expect(calls.filter((call) => call.method === "DELETE")).toHaveLength(1);
  });
});
