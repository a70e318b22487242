import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { System } from "../../api/types";
import { renderWithProviders } from "../../test/renderWithProviders";
import SystemsOverviewPage from "./SystemsOverviewPage";
import { makeSystem, mockFetch, type Call } from "./testData";

const waiting = makeSystem({ id: 1, name: "Headquarters", serial: "SER-0001" });
const restricted = makeSystem({
  id: 2,
  name: "Branch",
  serial: "SER-0002",
  paired: true,
  online: true,
  last_seen_at: "2025-06-10T11:00:00Z",
  first_registration_at: "2025-06-01T08:00:00Z",
  model: "COMtrexx Advanced",
  firmware: "2.6.6",
  opt_in: { monitoring: true, remote_configuration: true },
  state: "restricted",
  state_reasons: ["maintenance_inactive", "firmware_too_old"],
  confirmation_code: null,
  roles: ["monitoring", "backup"],
  allowed_actions: ["view_system", "read_system_information", "read_licences", "read_registration_status", "monitoring"],
});
const expired = makeSystem({
  id: 3,
  name: "Warehouse",
  serial: "SER-0003",
  state: "error",
  state_reasons: ["code_expired"],
  confirmation_code: { code: "WXYZ-2345-6789", expires_at: "2020-01-01T00:00:00Z", expired: true },
});

function listRoute(items: System[]) {
  return (call: Call) => {
    if (call.method === "GET" && call.path.startsWith("/systems?")) return { status: 200, body: { items, total: items.length } };
    return undefined;
  };
}

function renderPage() {
  return renderWithProviders(<SystemsOverviewPage />, { route: "/systems" });
}

beforeEach(() => {
  vi.useRealTimers();
});

afterEach(() => {
  vi.unstubAllGlobals();
  Reflect.deleteProperty(navigator, "clipboard");
});

describe("SystemsOverviewPage", () => {
  it("asks the API for the first page sorted by name", async () => {
    const { calls } = mockFetch(listRoute([waiting]));
    renderPage();
    await screen.findByTestId("state-1");
    expect(calls[0]?.path).toBe("/systems?sort=name&order=asc&limit=50&offset=0");
  });

  it("shows each state of device in words, with reasons and the code while waiting", async () => {
    mockFetch(listRoute([waiting, restricted, expired]));
    renderPage();
    expect(await screen.findByTestId("state-1")).toHaveTextContent(/^Waiting for pairing$/);
    expect(screen.getByTestId("code-1")).toHaveTextContent("ABCD-EFGH-JKLM");
    expect(screen.getByTestId("state-2")).toHaveTextContent(/^Restricted$/);
    expect(screen.getByText("maintenance inactive, firmware too old")).toBeInTheDocument();
    expect(screen.getByTestId("state-3")).toHaveTextContent(/^Error$/);
    expect(screen.getByText("confirmation code expired")).toBeInTheDocument();
    expect(screen.queryByTestId("code-2")).toBeNull();
  });

  it("shows connection, roles, device and the site's remote-configuration opt-in", async () => {
    mockFetch(listRoute([waiting, restricted]));
    renderPage();
    const row = (await screen.findByRole("link", { name: "Branch" })).closest("tr")!;
    expect(within(row).getByText("Online")).toBeInTheDocument();
    expect(within(row).getByText("Monitoring, Backup")).toBeInTheDocument();
    expect(within(row).getByText("Allowed on site")).toBeInTheDocument();
    expect(within(row).getByText(/COMtrexx Advanced/)).toBeInTheDocument();
    expect(within(row).getByRole("link", { name: "Branch" })).toHaveAttribute("href", "/systems/2");
    const other = screen.getByRole("link", { name: "Headquarters" }).closest("tr")!;
    expect(within(other).getByText("Offline")).toBeInTheDocument();
    expect(within(other).getByText("never seen")).toBeInTheDocument();
    expect(within(other).getByText("Not allowed")).toBeInTheDocument();
    expect(within(other).getByText("Owner")).toBeInTheDocument();
  });

  it("opens a system's information from its name without reloading the page", async () => {
    const user = userEvent.setup();
    mockFetch(listRoute([restricted]));
    const { location } = renderPage();
    await user.click(await screen.findByRole("link", { name: "Branch" }));
    expect(location().pathname).toBe("/systems/2");
  });

  it("lists in the row menu only the pages the user may open", async () => {
    const user = userEvent.setup();
    mockFetch(listRoute([restricted]));
    renderPage();
    await user.click(await screen.findByRole("button", { name: "Pages of Branch" }));
    const names = screen.getAllByRole("link").map((link) => link.textContent);
    expect(names).toEqual([
      "Branch",
      "System information",
      "Licences",
      "Telephone status",
      "Providers and accounts",
      "Monitoring",
    ]);
    expect(screen.queryByRole("button", { name: "Rename" })).toBeNull();
    await user.keyboard("{Escape}");
    expect(screen.getByRole("button", { name: "Pages of Branch" })).toHaveAttribute("aria-expanded", "false");
    expect(screen.getByRole("button", { name: "Pages of Branch" })).toHaveFocus();
  });

  it("renames from the row menu and refreshes the list", async () => {
    const user = userEvent.setup();
    let items = [waiting];
    const { calls } = mockFetch((call) => {
      if (call.method === "PATCH" && call.path === "/systems/1") {
        const renamed = { ...waiting, name: (call.body as { name: string }).name };
        items = [renamed];
        return { status: 200, body: renamed };
      }
      return listRoute(items)(call);
    });
    renderPage();
    await user.click(await screen.findByRole("button", { name: "Pages of Headquarters" }));
    await user.click(screen.getByRole("button", { name: "Rename" }));
    const field = await screen.findByLabelText("Name");
    await user.clear(field);
    await user.type(field, "  Head office ");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("link", { name: "Head office" })).toBeInTheDocument();
    expect(calls.find((call) => call.method === "PATCH")?.body).toEqual({ name: "Head office" });
    expect(screen.getByText("The system is now called Head office.")).toBeInTheDocument();
  });

  it("lets only the owner's rows be selected for deletion", async () => {
    const user = userEvent.setup();
    mockFetch(listRoute([waiting, restricted]));
    renderPage();
    await screen.findByTestId("state-1");
    await user.click(screen.getByRole("button", { name: "Edit" }));
    expect(screen.getByRole("checkbox", { name: "Select Headquarters" })).toBeEnabled();
    expect(screen.getByRole("checkbox", { name: "Select Branch" })).toBeDisabled();
  });

  it("offers no edit mode when the user may delete none of the systems shown", async () => {
    mockFetch(listRoute([restricted]));
    renderPage();
    await screen.findByTestId("state-2");
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
    expect(screen.getByRole("button", { name: "Create system" })).toBeInTheDocument();
  });

  it("deletes the selected systems", async () => {
    const user = userEvent.setup();
    let items = [waiting, expired, restricted];
    const { calls } = mockFetch((call) => {
      if (call.method === "DELETE") {
        const id = Number(call.path.split("/")[2]);
        items = items.filter((system) => system.id !== id);
        return { status: 204 };
      }
      return listRoute(items)(call);
    });
    renderPage();
    await screen.findByTestId("state-1");
    await user.click(screen.getByRole("button", { name: "Edit" }));
    await user.click(screen.getByRole("checkbox", { name: "Select all entries on this page" }));
    await user.click(screen.getByRole("button", { name: "Delete selected (2)" }));
    expect(screen.getByText(/Delete 2 systems\?/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(screen.queryByTestId("state-1")).toBeNull());
    expect(calls.filter((call) => call.method === "DELETE").map((call) => call.path)).toEqual(["/systems/1", "/systems/3"]);
    expect(screen.getByTestId("state-2")).toBeInTheDocument();
  });

  it("shows a paired state without reload when the systems are invalidated (live event)", async () => {
    let items = [waiting];
    mockFetch((call) => listRoute(items)(call));
    const { queryClient } = renderPage();
    expect(await screen.findByTestId("state-1")).toHaveTextContent("Waiting for pairing");
    items = [{ ...waiting, paired: true, online: true, state: "paired", confirmation_code: null }];
    await act(() => queryClient.invalidateQueries({ queryKey: ["systems"] }));
    await waitFor(() => expect(screen.getByTestId("state-1")).toHaveTextContent(/^Paired$/));
    expect(screen.queryByTestId("code-1")).toBeNull();
  });

  it("copies the code and says so", async () => {
    const user = userEvent.setup();
    const writeText = vi.fn(() => Promise.resolve());
    mockFetch(listRoute([waiting]));
    renderPage();
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await user.click(await screen.findByRole("button", { name: "Copy the code of Headquarters" }));
    expect(writeText).toHaveBeenCalledWith("ABCD-EFGH-JKLM");
    expect(await screen.findByText("Copied to the clipboard.")).toBeInTheDocument();
  });

  it("tells the user to copy by hand when the clipboard is unavailable", async () => {
    const user = userEvent.setup();
    mockFetch(listRoute([waiting]));
    renderPage();
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    await user.click(await screen.findByRole("button", { name: "Copy the code of Headquarters" }));
    expect(await screen.findByText(/copy it by hand: ABCD-EFGH-JKLM/)).toBeInTheDocument();
  });

  it("renews an expired code", async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch((call) => {
      if (call.method === "POST" && call.path === "/systems/3/token") {
        return { status: 201, body: { code: "NEWC-ODE2-3456", expires_at: "2099-01-01T00:00:00Z", expired: false } };
      }
      return listRoute([expired])(call);
    });
    renderPage();
    const renew = await screen.findByRole("button", { name: "Renew the code of Warehouse" });
    expect(screen.queryByRole("button", { name: "Copy the code of Warehouse" })).toBeNull();
    expect(screen.getByTestId("code-3")).toHaveTextContent("WXYZ-2345-6789");
    expect(screen.getByText("Expired")).toBeInTheDocument();
    await user.click(renew);
    expect(await screen.findByText(/A new confirmation code was issued/)).toBeInTheDocument();
    expect(calls.some((call) => call.method === "POST" && call.path === "/systems/3/token")).toBe(true);
  });
});

describe("creating a system", () => {
  it("checks the fields like the relay before sending", async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch(listRoute([]));
    renderPage();
    await user.click(await screen.findByRole("button", { name: "Create system" }));
    await user.type(await screen.findByLabelText("Serial number"), "SER.01");
    await user.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByText("Enter a name.")).toBeInTheDocument();
    expect(screen.getByText("Use only letters, digits, '_' and '-'.")).toBeInTheDocument();
    expect(screen.getByLabelText("Serial number")).toHaveAttribute("aria-invalid", "true");
    expect(calls.some((call) => call.method === "POST")).toBe(false);
  });

  it("says when the serial number is taken", async () => {
    const user = userEvent.setup();
    mockFetch((call) => {
      if (call.method === "POST") return { status: 409, body: { error: { code: "conflict", message: "taken" } } };
      return listRoute([])(call);
    });
    renderPage();
    await user.click(await screen.findByRole("button", { name: "Create system" }));
    await user.type(await screen.findByLabelText("Name"), "Head office");
    await user.type(screen.getByLabelText("Serial number"), "SER-0001");
    await user.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByText("A system with this serial number exists already.")).toBeInTheDocument();
    expect(screen.getByLabelText("Serial number")).toHaveFocus();
  });

  it("shows the new confirmation code with the installer's command", async () => {
    const user = userEvent.setup();
    const created = makeSystem({ id: 42, name: "Head office", serial: "SER-0042" });
    const { calls } = mockFetch((call) => {
      if (call.method === "POST" && call.path === "/systems") return { status: 201, body: created };
      return listRoute([])(call);
    });
    renderPage();
    await user.click(await screen.findByRole("button", { name: "Create system" }));
    await user.type(await screen.findByLabelText("Name"), "Head office");
    await user.type(screen.getByLabelText("Serial number"), " SER-0042 ");
    await user.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByTestId("created-code")).toHaveTextContent("ABCD-EFGH-JKLM");
    expect(screen.getByRole("heading", { name: "System created" })).toBeInTheDocument();
    expect(screen.getByText("ccc-agent pair ABCD-EFGH-JKLM")).toBeInTheDocument();
    expect(screen.getByText(/valid until/)).toBeInTheDocument();
    expect(calls.find((call) => call.method === "POST")?.body).toEqual({ name: "Head office", serial: "SER-0042" });
    expect(screen.getByRole("button", { name: "Copy code" })).toHaveFocus();
  });
});
