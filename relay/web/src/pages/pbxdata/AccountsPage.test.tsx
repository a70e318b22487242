import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ACCOUNT_STATUSES } from "../../api/pbxdata";
import { apiError, mockApi, type RecordedRequest } from "../basics/testApi";
import AccountsPage from "./AccountsPage";
import FleetAccountsPage from "./FleetAccountsPage";
import { makeAccount, makeSystem, renderAt } from "./testSupport";

const accounts = [
  makeAccount(),
  makeAccount({ id: "acc-02", name: "Backup trunk", provider: "sipgate", stun_server: "", status: "configuration_faulty" }),
  makeAccount({ id: "acc-03", name: "Fax line", status: "stun_failed" }),
];

function last(requests: RecordedRequest[], path: string): RecordedRequest {
  const found = requests.filter((request) => request.path === path);
  const item = found[found.length - 1];
  if (!item) throw new Error(`no request to ${path}`);
  return item;
}

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe("AccountsPage", () => {
  it("lists the provider accounts with their status in words", async () => {
    mockApi({ "GET /systems/4/accounts": { body: { items: accounts, total: 3, updated_at: "2025-06-10T10:00:00Z" } } });
    renderAt("/systems/:systemId/accounts", <AccountsPage />, "/systems/4/accounts");
    expect(await screen.findByTestId("account-status-acc-02")).toHaveTextContent("Faulty configuration");
    expect(screen.getByTestId("page-accounts")).toBeInTheDocument();
    expect(screen.getByTestId("account-status-acc-01")).toHaveTextContent("Registered, encrypted");
    expect(screen.getByTestId("account-status-acc-03")).toHaveTextContent("STUN server unreachable");
    const table = screen.getByTestId("accounts-table");
    expect(within(table).getByText("sipgate")).toBeInTheDocument();
    expect(within(table).getByText("none")).toBeInTheDocument();
    const legend = screen.getByTestId("accounts-legend");
    expect(within(legend).getAllByRole("definition")).toHaveLength(ACCOUNT_STATUSES.length);
    expect(within(legend).getByText(/outbound proxy does not answer/)).toBeInTheDocument();
  });

  it("filters by status on the server", async () => {
    const user = userEvent.setup();
    const { requests } = mockApi({ "GET /systems/4/accounts": { body: { items: accounts, total: 3, updated_at: null } } });
    renderAt("/systems/:systemId/accounts", <AccountsPage />, "/systems/4/accounts");
    await screen.findByTestId("account-status-acc-02");
    await user.selectOptions(screen.getByLabelText("Status"), "Not registered");
    await waitFor(() => expect(last(requests, "/systems/4/accounts").query.get("status")).toBe("not_registered"));
  });

  it("says plainly when no accounts were reported yet, in German too", async () => {
    mockApi({ "GET /systems/4/accounts": { body: { items: [], total: 0, updated_at: null } } });
    renderAt("/systems/:systemId/accounts", <AccountsPage />, "/systems/4/accounts", "de");
    expect(await screen.findByText("Die Anlage hat ihre Providerkonten noch nicht gemeldet.")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1, name: "Provider und Konten" })).toBeInTheDocument();
  });

  it("answers a refusal in words", async () => {
    mockApi({ "GET /systems/4/accounts": apiError(403, "forbidden") });
    renderAt("/systems/:systemId/accounts", <AccountsPage />, "/systems/4/accounts");
    expect(await screen.findByRole("alert")).toHaveTextContent("do not include its registration status");
  });
});

describe("FleetAccountsPage", () => {
  it("narrows the list to a system chosen in the system filter", async () => {
    const user = userEvent.setup();
    const head = makeSystem({ id: 9, name: "Head office", serial: "SER-0009" });
    const noRights = makeSystem({ id: 10, name: "Hidden branch", serial: "SER-0010", allowed_actions: ["view_system"] });
    const { requests } = mockApi({
      "GET /fleet/accounts": { body: { items: [{ ...makeAccount(), system: { id: 9, name: "Head office", serial: "SER-0009" } }], total: 1 } },
      "GET /systems": { body: { items: [head, noRights], total: 2 } },
    });
    const { location } = renderAt("/fleet/accounts", <FleetAccountsPage />, "/fleet/accounts");
    await screen.findByTestId("account-status-9-acc-01");
    expect(screen.getByTestId("page-fleet-accounts")).toBeInTheDocument();
    expect(last(requests, "/fleet/accounts").query.has("system_id")).toBe(false);

    const picker = screen.getByRole("combobox", { name: "System" });
    await user.type(picker, "office");
    const option = await screen.findByRole("option", { name: /Head office/ });
    expect(screen.queryByRole("option", { name: /Hidden branch/ })).toBeNull();
    await user.click(option);
    await waitFor(() => expect(last(requests, "/fleet/accounts").query.get("system_id")).toBe("9"));
    expect(location().search).toContain("system_id=9");
    expect(picker).toHaveValue("Head office (SER-0009)");
    expect(picker).toHaveFocus();
  });
});
