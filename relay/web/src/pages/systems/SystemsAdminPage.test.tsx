import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { System } from "../../api/types";
import { renderWithProviders } from "../../test/renderWithProviders";
import SystemsAdminPage from "./SystemsAdminPage";
import { makeSystem, mockFetch, type Call } from "./testData";

const owned = makeSystem({ id: 1, name: "Headquarters", serial: "SER-0001" });
const administered = makeSystem({
  id: 2,
  name: "Branch",
  serial: "SER-0002",
  owner: { id: 8, email: "boss@example.com" },
  confirmation_code: null,
  state: "error",
  state_reasons: ["no_code"],
  roles: ["administrator"],
  allowed_actions: ["view_system", "read_system_information", "edit_system_name", "manage_authorisations"],
});
const watched = makeSystem({
  id: 3,
  name: "Warehouse",
  serial: "SER-0003",
  paired: true,
  state: "paired",
  confirmation_code: null,
  roles: ["monitoring"],
  allowed_actions: ["view_system", "read_system_information", "monitoring"],
});

function listRoute(items: () => System[]) {
  return (call: Call) => {
    if (call.method === "GET" && call.path.startsWith("/systems?")) return { status: 200, body: { items: items(), total: items().length } };
    return undefined;
  };
}

afterEach(() => vi.unstubAllGlobals());

describe("SystemsAdminPage", () => {
  it("shows owner, state and the code controls each user may use", async () => {
    mockFetch(listRoute(() => [owned, administered, watched]));
    renderWithProviders(<SystemsAdminPage />, { route: "/administration/systems" });
    expect(await screen.findByTestId("page-systems-admin")).toBeInTheDocument();
    expect(await screen.findByTestId("code-1")).toHaveTextContent("ABCD-EFGH-JKLM");
    expect(screen.getByRole("button", { name: "Cancel the code of Headquarters" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Delete Headquarters" })).toBeInTheDocument();

    const branch = screen.getByRole("link", { name: "Branch" }).closest("tr")!;
    expect(within(branch).getByText("boss@example.com")).toBeInTheDocument();
    expect(within(branch).getByText("No code")).toBeInTheDocument();
    expect(within(branch).getByRole("button", { name: "Issue a code for Branch" })).toBeInTheDocument();
    expect(within(branch).getByRole("button", { name: "Rename Branch" })).toBeInTheDocument();
    expect(within(branch).queryByRole("button", { name: "Delete Branch" })).toBeNull();
    expect(screen.getByTestId("state-2")).toHaveTextContent(/^Error$/);

    const warehouse = screen.getByRole("link", { name: "Warehouse" }).closest("tr")!;
    expect(within(warehouse).queryAllByRole("button")).toHaveLength(0);
  });

  it("cancels a code after asking", async () => {
    const user = userEvent.setup();
    let items = [owned];
    const { calls } = mockFetch((call) => {
      if (call.method === "DELETE" && call.path === "/systems/1/token") {
        items = [{ ...owned, state: "error", state_reasons: ["no_code"], confirmation_code: null }];
        return { status: 204 };
      }
      return listRoute(() => items)(call);
    });
    renderWithProviders(<SystemsAdminPage />, { route: "/administration/systems" });
    await user.click(await screen.findByRole("button", { name: "Cancel the code of Headquarters" }));
    const dialog = screen.getByRole("alertdialog", { name: "Cancel the confirmation code" });
    expect(within(dialog).getByText(/stops working at once/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Cancel code" }));
    await waitFor(() => expect(screen.queryByTestId("code-1")).toBeNull());
    expect(calls.some((call) => call.method === "DELETE" && call.path === "/systems/1/token")).toBe(true);
    expect(screen.getByText("The confirmation code was cancelled.")).toBeInTheDocument();
  });

  it("deletes one system after asking", async () => {
    const user = userEvent.setup();
    let items = [owned, administered];
    const { calls } = mockFetch((call) => {
      if (call.method === "DELETE" && call.path === "/systems/1") {
        items = [administered];
        return { status: 204 };
      }
      return listRoute(() => items)(call);
    });
    renderWithProviders(<SystemsAdminPage />, { route: "/administration/systems" });
    await user.click(await screen.findByRole("button", { name: "Delete Headquarters" }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete system" });
    expect(within(dialog).getByText(/Delete Headquarters \(SER-0001\)\?/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Delete system" }));
    await waitFor(() => expect(screen.queryByRole("link", { name: "Headquarters" })).toBeNull());
    expect(calls.filter((call) => call.method === "DELETE").map((call) => call.path)).toEqual(["/systems/1"]);
    expect(screen.getByText("Headquarters was deleted.")).toBeInTheDocument();
  });

  it("shows the server's refusal in words", async () => {
    const user = userEvent.setup();
    mockFetch((call) => {
      if (call.method === "POST" && call.path === "/systems/2/token") {
        return { status: 409, body: { error: { code: "already_paired", message: "paired" } } };
      }
      return listRoute(() => [administered])(call);
    });
    renderWithProviders(<SystemsAdminPage />, { route: "/administration/systems" });
    await user.click(await screen.findByRole("button", { name: "Issue a code for Branch" }));
    expect(await screen.findByText("This system is already paired.")).toBeInTheDocument();
  });
});
