import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Authorisation } from "../../api/types";
import AuthorisationsPage from "./AuthorisationsPage";
import { makeSystem, mockApi, page, renderSignedIn, type ApiCall, type Reply } from "./testSupport";

const granted: Authorisation = {
  id: 5,
  user: { id: 2, email: "anna@example.com" },
  system: { id: 100, name: "Headquarters", serial: "SER-0001" },
  roles: ["monitoring", "administrator"],
  created_at: "2025-06-01T08:00:00Z",
  updated_at: "2025-06-02T08:00:00Z",
};

const systems = [
  makeSystem({ id: 100, name: "Headquarters", serial: "SER-0001" }),
  makeSystem({ id: 101, name: "Branch", serial: "SER-0002", roles: ["monitoring"], allowed_actions: ["view_system", "monitoring"] }),
];
const users = [{ id: 2, email: "anna@example.com", name: "Anna" }];

function routes(post?: (call: ApiCall) => Reply) {
  return {
    "GET /authorisations": { body: page([granted]) },
    "GET /users": { body: page(users) },
    "GET /systems": { body: page(systems) },
    ...(post ? { "POST /authorisations": post } : {}),
  };
}

async function openGrantDialog() {
  const user = userEvent.setup();
  renderSignedIn(<AuthorisationsPage />, { route: "/authorisations" });
  await screen.findByTestId("authorisation-actions-5");
  await user.click(screen.getByRole("button", { name: "Grant authorisation" }));
  const dialog = screen.getByRole("dialog", { name: "Grant an authorisation" });
  return { user, dialog };
}

async function pick(user: ReturnType<typeof userEvent.setup>, label: string, option: RegExp) {
  const input = screen.getByRole("combobox", { name: label });
  await user.click(input);
  await user.click(await screen.findByRole("option", { name: option }));
}

afterEach(() => vi.unstubAllGlobals());

describe("AuthorisationsPage", () => {
  it("asks for the newest authorisations first and shows user, system and roles", async () => {
    const { calls } = mockApi(routes());
    renderSignedIn(<AuthorisationsPage />, { route: "/authorisations" });
    await screen.findByTestId("authorisation-actions-5");
    const table = screen.getByTestId("authorisations-table");
    expect(calls[0]?.path).toBe("/authorisations");
    expect(calls[0]?.query.toString()).toBe("sort=created&order=desc&limit=50&offset=0");
    const row = within(table).getByText("anna@example.com").closest("tr")!;
    expect(within(row).getByText("SER-0001")).toBeInTheDocument();
    expect(within(row).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["Administrator", "Monitoring"]);
  });

  it("refuses to grant without user, system and role, and says what is missing", async () => {
    const post = vi.fn(() => ({ status: 201, body: granted }));
    mockApi(routes(post));
    const { user, dialog } = await openGrantDialog();
    await user.click(within(dialog).getByRole("button", { name: "Grant" }));
    expect(await within(dialog).findByText("Tick at least one role.")).toBeInTheDocument();
    expect(within(dialog).getByText("Pick a user from the suggestions.")).toBeInTheDocument();
    expect(within(dialog).getByText("Pick a system from the suggestions.")).toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
  });

  it("offers only systems on which the user may manage authorisations", async () => {
    mockApi(routes());
    const { user } = await openGrantDialog();
    await user.click(screen.getByRole("combobox", { name: "System" }));
    await screen.findByRole("option", { name: /Headquarters/ });
    expect(screen.queryByRole("option", { name: /Branch/ })).toBeNull();
  });

  it("grants the chosen roles to the chosen user on the chosen system", async () => {
    const post = vi.fn((_call: ApiCall) => ({ status: 201, body: granted }));
    mockApi(routes(post));
    const { user, dialog } = await openGrantDialog();
    await pick(user, "User", /anna@example.com/);
    await pick(user, "System", /Headquarters/);
    await user.click(within(dialog).getByRole("checkbox", { name: /Call data/ }));
    await user.click(within(dialog).getByRole("checkbox", { name: /Backup/ }));
    await user.click(within(dialog).getByRole("button", { name: "Grant" }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    expect(post.mock.calls[0]?.[0].body).toEqual({ user_id: 2, system_id: 100, roles: ["backup", "call_data"] });
    expect(await screen.findByText("anna@example.com now has rights on Headquarters (SER-0001).")).toBeInTheDocument();
  });

  it("explains a conflict: the user has an authorisation on this system already", async () => {
    mockApi(routes(() => ({ status: 409, body: { error: { code: "conflict", message: "exists" } } })));
    const { user, dialog } = await openGrantDialog();
    await pick(user, "User", /anna@example.com/);
    await pick(user, "System", /Headquarters/);
    await user.click(within(dialog).getByRole("checkbox", { name: /Monitoring/ }));
    await user.click(within(dialog).getByRole("button", { name: "Grant" }));
    expect(
      await within(dialog).findByText("This user already has an authorisation on this system. Edit that one instead."),
    ).toBeInTheDocument();
  });

  it("changes the roles of an authorisation", async () => {
    const patch = vi.fn((_call: ApiCall) => ({ body: { ...granted, roles: ["monitoring"] } }));
    mockApi({ ...routes(), "PATCH /authorisations/5": patch });
    const user = userEvent.setup();
    renderSignedIn(<AuthorisationsPage />, { route: "/authorisations" });
    const actions = await screen.findByTestId("authorisation-actions-5");
    await user.click(within(actions).getByRole("button", { name: "Change roles" }));
    const dialog = screen.getByRole("dialog", { name: "Change roles" });
    expect(within(dialog).getByRole("checkbox", { name: /Administrator/ })).toBeChecked();
    await user.click(within(dialog).getByRole("checkbox", { name: /Administrator/ }));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(patch).toHaveBeenCalledTimes(1));
    expect(patch.mock.calls[0]?.[0].body).toEqual({ roles: ["monitoring"] });
  });

  it("does not save an authorisation without roles", async () => {
    const patch = vi.fn(() => ({ body: granted }));
    mockApi({ ...routes(), "PATCH /authorisations/5": patch });
    const user = userEvent.setup();
    renderSignedIn(<AuthorisationsPage />, { route: "/authorisations" });
    const actions = await screen.findByTestId("authorisation-actions-5");
    await user.click(within(actions).getByRole("button", { name: "Change roles" }));
    const dialog = screen.getByRole("dialog", { name: "Change roles" });
    await user.click(within(dialog).getByRole("checkbox", { name: /Administrator/ }));
    await user.click(within(dialog).getByRole("checkbox", { name: /Monitoring/ }));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByText("Tick at least one role.")).toBeInTheDocument();
    expect(patch).not.toHaveBeenCalled();
  });
});
