import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { apiError, mockApi, type RecordedRequest } from "../basics/testApi";
import CallsPage from "./CallsPage";
import FleetCallsPage from "./FleetCallsPage";
import { makeCall, makeSystem, renderAt } from "./testSupport";

const calls = [
  makeCall(),
  makeCall({
    id: 1002,
    duration_s: 0,
    direction: "incoming",
    result: "unsuccessful",
    external_number: "",
    external_name: "",
    own_number: "+4952198765",
    call_type: "Projekt 7",
  }),
  makeCall({ id: 1003, duration_s: 3723, direction: "internal", call_type: "door" }),
];

function callRequests(requests: RecordedRequest[], path = "/systems/4/calls"): RecordedRequest[] {
  return requests.filter((request) => request.path === path);
}

function last<T>(items: T[]): T {
  const item = items[items.length - 1];
  if (!item) throw new Error("none");
  return item;
}

function renderCalls(route = "/systems/4/calls", language?: "en" | "de") {
  return renderAt("/systems/:systemId/calls", <CallsPage />, route, language);
}

// jsdom cannot follow a download link: stop the navigation, keep React's handlers.
const stopNavigation = (event: MouseEvent) => {
  if (event.target instanceof Element && event.target.closest("a[download]")) event.preventDefault();
};
beforeEach(() => document.addEventListener("click", stopNavigation));
afterEach(() => {
  document.removeEventListener("click", stopNavigation);
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe("CallsPage", () => {
  it("lists calls with every H1 field, durations and words for direction, result and call type", async () => {
    mockApi({
      "GET /systems/4": { body: makeSystem() },
      "GET /systems/4/calls": { body: { items: calls, total: 3 } },
    });
    renderCalls();
    const table = await screen.findByTestId("calls-table");
    await within(table).findByText("12:34");
    expect(screen.getByTestId("page-calls")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1, name: "Call data" })).toBeInTheDocument();
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(3);
    const [first, second, third] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(first).toHaveTextContent("12:34");
    expect(first).toHaveTextContent("Outgoing");
    expect(first).toHaveTextContent("+49301234567");
    expect(first).toHaveTextContent("Anna Becker");
    expect(first).toHaveTextContent("201");
    expect(first).toHaveTextContent("+4952198765");
    expect(first).toHaveTextContent("Successful");
    expect(first).toHaveTextContent("Business");
    expect(second).toHaveTextContent("00:00");
    expect(second).toHaveTextContent("Incoming");
    expect(second).toHaveTextContent("withheld");
    expect(second).toHaveTextContent("Unsuccessful");
    expect(second).toHaveTextContent("Projekt 7");
    expect(third).toHaveTextContent("1:02:03");
    expect(third).toHaveTextContent("Internal");
    expect(third).toHaveTextContent("Door terminal");
    expect(within(first).getByText("12:34").closest("time")).toHaveAttribute("dateTime", "PT12M34S");
  });

  it("asks for the last 30 days, newest first, by default", async () => {
    const { requests } = mockApi({ "GET /systems/4/calls": { body: { items: calls, total: 3 } } });
    renderCalls();
    await screen.findByText("12:34");
    const query = last(callRequests(requests)).query;
    expect(query.get("sort")).toBe("time");
    expect(query.get("order")).toBe("desc");
    const from = new Date(query.get("from") ?? "");
    const days = (Date.now() - from.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThanOrEqual(30);
    expect(query.has("to")).toBe(false);
  });

  it("sends result, direction, call type and period to the server", async () => {
    const user = userEvent.setup();
    const { requests } = mockApi({ "GET /systems/4/calls": { body: { items: calls, total: 3 } } });
    renderCalls();
    await screen.findByText("12:34");
    await user.selectOptions(screen.getByLabelText("Result"), "Unsuccessful");
    await user.selectOptions(screen.getByLabelText("Direction"), "Incoming");
    await user.selectOptions(screen.getByLabelText("Call type"), "Call through");
    await user.selectOptions(screen.getByLabelText("Period"), "Today");
    await waitFor(() => {
      const query = last(callRequests(requests)).query;
      expect(query.get("result")).toBe("unsuccessful");
      expect(query.get("direction")).toBe("incoming");
      expect(query.get("call_type")).toBe("call_through");
      const start = new Date();
      start.setHours(0, 0, 0, 0);
      expect(query.get("from")).toBe(start.toISOString());
    });
  });

  it("applies a custom period only when it is valid and submitted", async () => {
    const user = userEvent.setup();
    const { requests } = mockApi({ "GET /systems/4/calls": { body: { items: calls, total: 3 } } });
    const { location } = renderCalls();
    await screen.findByText("12:34");
    await user.selectOptions(screen.getByLabelText("Period"), "Custom period");
    const from = screen.getByLabelText("From");
    const to = screen.getByLabelText("To");
    // Date fields take a whole value at once, as a date picker sets it.
    fireEvent.change(from, { target: { value: "2025-06-05" } });
    fireEvent.change(to, { target: { value: "2025-06-01" } });
    const before = callRequests(requests).length;
    await user.click(screen.getByRole("button", { name: "Apply period" }));
    expect(await screen.findByText("The end must not be before the start.")).toBeInTheDocument();
    expect(to).toHaveAttribute("aria-invalid", "true");
    expect(callRequests(requests)).toHaveLength(before);

    fireEvent.change(to, { target: { value: "2025-06-07" } });
    await user.click(screen.getByRole("button", { name: "Apply period" }));
    await waitFor(() => expect(last(callRequests(requests)).query.get("to")).toBe(new Date(2025, 5, 8).toISOString()));
    expect(last(callRequests(requests)).query.get("from")).toBe(new Date(2025, 5, 5).toISOString());
    expect(location().search).toContain("range=custom");
  });

  it("sorts by duration on the server", async () => {
    const user = userEvent.setup();
    const { requests } = mockApi({ "GET /systems/4/calls": { body: { items: calls, total: 3 } } });
    renderCalls();
    await screen.findByText("12:34");
    await user.click(screen.getByRole("button", { name: /Duration/ }));
    await waitFor(() => expect(last(callRequests(requests)).query.get("sort")).toBe("duration"));
  });

  it("shows the legal notice before the download, and the link carries the filters", async () => {
    const user = userEvent.setup();
    const { requests } = mockApi({ "GET /systems/4/calls": { body: { items: calls, total: 3 } } });
    renderCalls("/systems/4/calls?result=successful&direction=outgoing&call_type=business&range=7d&q=Becker&sort=duration&offset=50");
    await screen.findByText("12:34");
    expect(screen.queryByRole("link", { name: "Download" })).toBeNull();

    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    const dialog = screen.getByRole("alertdialog", { name: "Call data is personal data" });
    expect(within(dialog).getByTestId("calls-legal-notice")).toHaveTextContent(/personal data/);
    expect(dialog).toHaveTextContent(/responsible for using it lawfully/);
    expect(dialog).toHaveTextContent("The file contains all 3 calls that match the current filters.");
    const link = within(dialog).getByRole("link", { name: "Download" });
    expect(link).toHaveAttribute("download", "gespr_dat.csv");
    const href = new URL(link.getAttribute("href") ?? "", "http://portal.test");
    expect(href.pathname).toBe("/api/v1/systems/4/calls.csv");
    const listQuery = last(callRequests(requests)).query;
    expect(Object.fromEntries(href.searchParams)).toEqual({
      q: "Becker",
      sort: "duration",
      order: "desc",
      from: listQuery.get("from"),
      result: "successful",
      direction: "outgoing",
      call_type: "business",
    });
    // The download is the browser's: no request from the page.
    const before = requests.length;
    await user.click(link);
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(requests.filter((request) => request.path.endsWith(".csv"))).toHaveLength(0);
    expect(requests.length).toBe(before);
  });

  it("lets the user step back from the notice without downloading", async () => {
    const user = userEvent.setup();
    mockApi({ "GET /systems/4/calls": { body: { items: calls, total: 3 } } });
    renderCalls();
    await screen.findByText("12:34");
    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });

  it("offers no export while nothing matches", async () => {
    mockApi({ "GET /systems/4/calls": { body: { items: [], total: 0 } } });
    renderCalls();
    expect(await screen.findByText("No calls in this period.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Export CSV" })).toBeDisabled();
  });

  it("says which role is missing", async () => {
    mockApi({ "GET /systems/4/calls": apiError(403, "forbidden") });
    renderCalls();
    expect(await screen.findByRole("alert")).toHaveTextContent("Call data needs the Call data or Administrator role on this system.");
    expect(screen.queryByRole("button", { name: "Export CSV" })).toBeNull();
  });

  it("says when maintenance is not active", async () => {
    mockApi({ "GET /systems/4/calls": apiError(422, "maintenance_inactive") });
    renderCalls();
    expect(await screen.findByRole("alert")).toHaveTextContent("only available while the system has an active maintenance contract");
  });

  it("says so in German too", async () => {
    mockApi({ "GET /systems/4/calls": apiError(403, "forbidden") });
    renderCalls("/systems/4/calls", "de");
    expect(await screen.findByRole("alert")).toHaveTextContent("Rolle Gesprächsdaten oder Administrator");
  });

  it("warns when the count is capped", async () => {
    mockApi({ "GET /systems/4/calls": { body: { items: calls, total: 100_000, total_capped: true } } });
    renderCalls();
    expect(await screen.findByTestId("calls-capped")).toHaveTextContent("More than 100,000 calls match.");
  });
});

describe("FleetCallsPage", () => {
  it("lists the calls of all systems with the system and exports the fleet", async () => {
    const user = userEvent.setup();
    const { requests } = mockApi({
      "GET /fleet/calls": { body: { items: [{ ...makeCall(), system: { id: 9, name: "Head office", serial: "SER-0009" } }], total: 1 } },
      "GET /systems/9": { body: makeSystem({ id: 9, name: "Head office", serial: "SER-0009" }) },
    });
    renderAt("/fleet/calls", <FleetCallsPage />, "/fleet/calls?system_id=9");
    const table = await screen.findByTestId("calls-table");
    expect(await within(table).findByRole("link", { name: "Head office" })).toHaveAttribute("href", "/systems/9");
    expect(screen.getByTestId("page-fleet-calls")).toBeInTheDocument();
    expect(last(callRequests(requests, "/fleet/calls")).query.get("system_id")).toBe("9");
    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    const href = within(screen.getByRole("alertdialog")).getByRole("link", { name: "Download" }).getAttribute("href") ?? "";
    expect(href).toMatch(/^\/api\/v1\/fleet\/calls\.csv\?/);
    expect(new URL(href, "http://portal.test").searchParams.get("system_id")).toBe("9");
    expect(screen.getByRole("alertdialog")).toHaveTextContent("The file contains the one call that matches the current filters.");
  });
});
