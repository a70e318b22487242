import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TELEPHONE_STATUSES } from "../../api/pbxdata";
import { apiError, mockApi, type RecordedRequest } from "../basics/testApi";
import FleetTelephonesPage from "./FleetTelephonesPage";
import TelephonesPage from "./TelephonesPage";
import { makeSystem, makeTelephone, renderAt } from "./testSupport";

const system = makeSystem();
const phones = [
  makeTelephone(),
  makeTelephone({ id: "tel-0002", name: "Warehouse", extension: "", kind: "dect_base", mac: "00:09:52:AA:BB:CC", status: "provisioning_pending" }),
  makeTelephone({ id: "tel-0003", name: "Anna", extension: "205", kind: "dect", dect_base_id: "tel-0002", mac: "", status: "registration_incomplete" }),
  makeTelephone({ id: "tel-0004", name: "Fax", extension: "250", kind: "analogue", mac: "", status: "connected_analogue" }),
];

function lastListRequest(requests: RecordedRequest[], path: string): RecordedRequest {
  const found = requests.filter((request) => request.path === path);
  const last = found[found.length - 1];
  if (!last) throw new Error(`no request to ${path}`);
  return last;
}

function renderSystemPage(route = "/systems/4/telephones", language?: "en" | "de") {
  return renderAt("/systems/:systemId/telephones", <TelephonesPage />, route, language);
}

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe("TelephonesPage", () => {
  it("lists the telephones with their status and device type in words", async () => {
    mockApi({
      "GET /systems/4": { body: system },
      "GET /systems/4/telephones": { body: { items: phones, total: 4, updated_at: new Date(Date.now() - 5 * 60_000).toISOString() } },
    });
    renderSystemPage();
    await screen.findByTestId("telephone-status-tel-0001");
    const table = screen.getByTestId("telephones-table");
    expect(screen.getByTestId("page-telephones")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1, name: "Telephone status" })).toBeInTheDocument();
    expect(within(table).getByTestId("telephone-status-tel-0001")).toHaveTextContent("Registered, encrypted");
    expect(within(table).getByTestId("telephone-status-tel-0002")).toHaveTextContent("Provisioning pending");
    expect(within(table).getByTestId("telephone-status-tel-0003")).toHaveTextContent("Registration not completed");
    expect(within(table).getByTestId("telephone-status-tel-0004")).toHaveTextContent("Connected (analogue)");
    expect(within(table).getByText("DECT base station")).toBeInTheDocument();
    expect(within(table).getByText("via base tel-0002")).toBeInTheDocument();
    expect(within(table).getByText("00:09:52:1A:2B:3C")).toHaveClass("mono");
    expect(screen.getByTestId("last-report")).toHaveTextContent("Last report: 5 minutes ago");
    expect(await screen.findByRole("link", { name: "Branch office" })).toHaveAttribute("href", "/systems/4");
  });

  it("explains every status in the legend", async () => {
    mockApi({ "GET /systems/4/telephones": { body: { items: phones, total: 4, updated_at: null } } });
    renderSystemPage();
    const legend = await screen.findByTestId("telephones-legend");
    expect(within(legend).getAllByRole("definition")).toHaveLength(TELEPHONE_STATUSES.length);
    expect(within(legend).getByText("No provisioning file")).toBeInTheDocument();
    expect(within(legend).getByText(/has not collected it yet/)).toBeInTheDocument();
  });

  it("filters by status and device type on the server and goes back to the first page", async () => {
    const user = userEvent.setup();
    const { requests } = mockApi({
      "GET /systems/4/telephones": { body: { items: phones, total: 120, updated_at: "2025-06-10T10:00:00Z" } },
    });
    const { location } = renderSystemPage("/systems/4/telephones?offset=50");
    await screen.findByTestId("telephones-table");
    expect(lastListRequest(requests, "/systems/4/telephones").query.get("offset")).toBe("50");

    await user.selectOptions(screen.getByLabelText("Status"), "Registration not completed");
    await waitFor(() => expect(lastListRequest(requests, "/systems/4/telephones").query.get("status")).toBe("registration_incomplete"));
    expect(lastListRequest(requests, "/systems/4/telephones").query.get("offset")).toBe("0");

    await user.selectOptions(screen.getByLabelText("Device type"), "DECT handset");
    await waitFor(() => expect(lastListRequest(requests, "/systems/4/telephones").query.get("kind")).toBe("dect"));
    expect(location().search).toContain("status=registration_incomplete");

    await user.click(screen.getByRole("button", { name: "Reset filters" }));
    await waitFor(() => expect(lastListRequest(requests, "/systems/4/telephones").query.has("status")).toBe(false));
    expect(lastListRequest(requests, "/systems/4/telephones").query.has("kind")).toBe(false);
  });

  it("ignores a status in the address that the API does not know", async () => {
    const { requests } = mockApi({ "GET /systems/4/telephones": { body: { items: phones, total: 4, updated_at: null } } });
    renderSystemPage("/systems/4/telephones?status=exploded");
    await screen.findByTestId("telephones-table");
    expect(lastListRequest(requests, "/systems/4/telephones").query.has("status")).toBe(false);
  });

  it("says plainly when the system has not reported its telephones yet", async () => {
    mockApi({ "GET /systems/4/telephones": { body: { items: [], total: 0, updated_at: null } } });
    renderSystemPage();
    expect(await screen.findByText("The system has not reported its telephones yet.")).toBeInTheDocument();
    expect(screen.getByTestId("last-report")).toHaveTextContent("No report yet");
  });

  it("tells a reported empty list from a filter that matches nothing", async () => {
    mockApi({ "GET /systems/4/telephones": { body: { items: [], total: 0, updated_at: "2025-06-10T10:00:00Z" } } });
    renderSystemPage();
    expect(await screen.findByText("The system reports no telephones.")).toBeInTheDocument();
  });

  it("answers a refusal in words", async () => {
    mockApi({ "GET /systems/4/telephones": apiError(403, "forbidden") });
    renderSystemPage();
    expect(await screen.findByRole("alert")).toHaveTextContent("Your roles on this system do not include its registration status.");
    expect(screen.queryByTestId("telephones-table")).toBeNull();
  });

  it("says when the system does not exist or is not visible", async () => {
    mockApi({});
    renderSystemPage();
    expect(await screen.findByTestId("system-not-found")).toHaveTextContent("System not found");
  });

  it("shows the status words in German", async () => {
    mockApi({ "GET /systems/4/telephones": { body: { items: phones, total: 4, updated_at: null } } });
    renderSystemPage("/systems/4/telephones", "de");
    expect(await screen.findByTestId("telephone-status-tel-0001")).toHaveTextContent("Registriert, verschlüsselt");
    expect(screen.getByRole("heading", { level: 1, name: "Telefonstatus" })).toBeInTheDocument();
    expect(within(screen.getByTestId("telephones-table")).getByText("DECT-Mobilteil")).toBeInTheDocument();
  });
});

describe("FleetTelephonesPage", () => {
  const fleetPhones = [
    { ...makeTelephone(), system: { id: 4, name: "Branch office", serial: "SER-0004" } },
    { ...makeTelephone({ status: "no_provisioning_file" }), system: { id: 9, name: "Head office", serial: "SER-0009" } },
  ];

  it("lists telephones of all systems with a link to each system", async () => {
    mockApi({ "GET /fleet/telephones": { body: { items: fleetPhones, total: 2 } } });
    renderAt("/fleet/telephones", <FleetTelephonesPage />, "/fleet/telephones");
    await screen.findByTestId("telephone-status-9-tel-0001");
    const table = screen.getByTestId("telephones-table");
    expect(screen.getByTestId("page-fleet-telephones")).toBeInTheDocument();
    expect(within(table).getByRole("link", { name: "Head office" })).toHaveAttribute("href", "/systems/9");
    // The same telephone id on two systems stays two rows.
    expect(within(table).getByTestId("telephone-status-4-tel-0001")).toHaveTextContent("Registered, encrypted");
    expect(within(table).getByTestId("telephone-status-9-tel-0001")).toHaveTextContent("No provisioning file");
    expect(within(table).getByRole("button", { name: /System/ })).toBeInTheDocument();
    expect(screen.queryByTestId("last-report")).toBeNull();
  });

  it("filters by system from the address and sorts by system", async () => {
    const user = userEvent.setup();
    const { requests } = mockApi({
      "GET /fleet/telephones": { body: { items: fleetPhones, total: 2 } },
      "GET /systems/9": { body: makeSystem({ id: 9, name: "Head office", serial: "SER-0009" }) },
    });
    renderAt("/fleet/telephones", <FleetTelephonesPage />, "/fleet/telephones?system_id=9");
    await screen.findByTestId("telephone-status-9-tel-0001");
    const table = screen.getByTestId("telephones-table");
    expect(lastListRequest(requests, "/fleet/telephones").query.get("system_id")).toBe("9");
    expect(await screen.findByDisplayValue("Head office (SER-0009)")).toBeInTheDocument();
    await user.click(within(table).getByRole("button", { name: /System/ }));
    await waitFor(() => expect(lastListRequest(requests, "/fleet/telephones").query.get("sort")).toBe("system"));
  });
});
