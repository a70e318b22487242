import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import GroupsPage from "./GroupsPage";
import OwnGroupsPage from "./OwnGroupsPage";
import { ME, makeGroup, mockApi, page, renderSignedIn, type ApiCall } from "./testSupport";

const publicGroup = makeGroup({ id: 10, name: "Support", public: true, member: false });
const joinedGroup = makeGroup({ id: 11, name: "Night shift", public: true, member: true });
const privateJoined = makeGroup({ id: 12, name: "Board", public: false, member: true });
const ownGroup = makeGroup({ id: 13, name: "Mine", public: true, member: false, owner: { id: ME.id, email: ME.email } });

afterEach(() => vi.unstubAllGlobals());

describe("GroupsPage", () => {
  function renderGroups(extra: Record<string, (call: ApiCall) => { status?: number; body?: unknown }> = {}) {
    const api = mockApi({ "GET /groups": { body: page([publicGroup, joinedGroup, privateJoined, ownGroup]) }, ...extra });
    renderSignedIn(<GroupsPage />, { route: "/groups" });
    return api;
  }

  it("lists all visible groups, not only own ones", async () => {
    const { calls } = renderGroups();
    await screen.findByTestId("group-actions-10");
    expect(calls[0]?.query.get("owned")).toBe("false");
    expect(calls[0]?.query.get("sort")).toBe("name");
  });

  it("offers Join only on public groups the user is not in and does not own", async () => {
    renderGroups();
    const actions = await screen.findByTestId("group-actions-10");
    expect(within(actions).getByRole("button", { name: "Join" })).toBeInTheDocument();
    for (const id of [11, 12, 13]) {
      expect(within(screen.getByTestId(`group-actions-${id}`)).queryByRole("button", { name: "Join" })).toBeNull();
    }
  });

  it("offers Leave to members, public or private, but not to the owner", async () => {
    renderGroups();
    await screen.findByTestId("group-actions-10");
    expect(within(screen.getByTestId("group-actions-11")).getByRole("button", { name: "Leave" })).toBeInTheDocument();
    expect(within(screen.getByTestId("group-actions-12")).getByRole("button", { name: "Leave" })).toBeInTheDocument();
    expect(within(screen.getByTestId("group-actions-13")).queryByRole("button", { name: "Leave" })).toBeNull();
    expect(within(screen.getByTestId("group-actions-10")).queryByRole("button", { name: "Leave" })).toBeNull();
  });

  it("joins a public group at once", async () => {
    const join = vi.fn(() => ({ status: 204 }));
    renderGroups({ "POST /groups/10/join": join });
    const user = userEvent.setup();
    await user.click(within(await screen.findByTestId("group-actions-10")).getByRole("button", { name: "Join" }));
    await waitFor(() => expect(join).toHaveBeenCalledTimes(1));
    expect(await screen.findByText("You joined Support.")).toBeInTheDocument();
  });

  it("asks before leaving and leaves only when confirmed", async () => {
    const leave = vi.fn(() => ({ status: 204 }));
    renderGroups({ "POST /groups/12/leave": leave });
    const user = userEvent.setup();
    await user.click(within(await screen.findByTestId("group-actions-12")).getByRole("button", { name: "Leave" }));
    const dialog = screen.getByRole("alertdialog", { name: "Leave group" });
    expect(within(dialog).getByText("The group is private: only its owner can add you again.")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(leave).not.toHaveBeenCalled();

    await user.click(within(screen.getByTestId("group-actions-12")).getByRole("button", { name: "Leave" }));
    await user.click(within(screen.getByRole("alertdialog", { name: "Leave group" })).getByRole("button", { name: "Leave group" }));
    await waitFor(() => expect(leave).toHaveBeenCalledTimes(1));
  });

  it("links each group's name to its settings page", async () => {
    renderGroups();
    await screen.findByTestId("group-actions-10");
    expect(screen.getByRole("link", { name: "Support" })).toHaveAttribute("href", "/groups/10");
  });

  it("shows type and membership in words", async () => {
    renderGroups();
    await screen.findByTestId("group-actions-10");
    const row = screen.getByRole("link", { name: "Board" }).closest("tr")!;
    expect(within(row).getByText("Private")).toBeInTheDocument();
    expect(within(row).getByText("Member")).toBeInTheDocument();
    const mine = screen.getByRole("link", { name: "Mine" }).closest("tr")!;
    expect(within(mine).getByText("Public")).toBeInTheDocument();
    expect(within(mine).getAllByText("Owner").length).toBeGreaterThan(0);
  });
});

describe("OwnGroupsPage", () => {
  it("lists only own groups", async () => {
    const { calls } = mockApi({ "GET /groups": { body: page([ownGroup]) } });
    renderSignedIn(<OwnGroupsPage />, { route: "/groups/own" });
    await screen.findByTestId("group-actions-13");
    expect(calls[0]?.query.get("owned")).toBe("true");
  });

  it("creates a group with the form's values", async () => {
    const post = vi.fn((_call: ApiCall) => ({ status: 201, body: ownGroup }));
    mockApi({ "GET /groups": { body: page([ownGroup]) }, "POST /groups": post });
    renderSignedIn(<OwnGroupsPage />, { route: "/groups/own" });
    const user = userEvent.setup();
    await screen.findByTestId("group-actions-13");
    await user.click(screen.getByRole("button", { name: "Create group" }));
    const dialog = screen.getByRole("dialog", { name: "Create a group" });
    await user.type(within(dialog).getByRole("textbox", { name: "Name" }), "  Field team ");
    await user.type(within(dialog).getByRole("textbox", { name: "Description" }), "Technicians");
    await user.selectOptions(within(dialog).getByRole("combobox", { name: "Default role" }), "backup");
    await user.click(within(dialog).getByRole("checkbox", { name: /Public group/ }));
    await user.click(within(dialog).getByRole("button", { name: "Create" }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    expect(post.mock.calls[0]?.[0].body).toEqual({
      name: "Field team",
      description: "Technicians",
      default_role: "backup",
      public: true,
    });
  });

  it("does not create a group without a name", async () => {
    const post = vi.fn(() => ({ status: 201, body: ownGroup }));
    mockApi({ "GET /groups": { body: page([]) }, "POST /groups": post });
    renderSignedIn(<OwnGroupsPage />, { route: "/groups/own" });
    const user = userEvent.setup();
    await screen.findByText("You have not created a group yet.");
    await user.click(screen.getByRole("button", { name: "Create group" }));
    const dialog = screen.getByRole("dialog", { name: "Create a group" });
    await user.click(within(dialog).getByRole("button", { name: "Create" }));
    expect(await within(dialog).findByText("Enter a name.")).toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
  });

  it("shows a name taken by another group at the name field", async () => {
    mockApi({
      "GET /groups": { body: page([]) },
      "POST /groups": { status: 409, body: { error: { code: "conflict", message: "taken" } } },
    });
    renderSignedIn(<OwnGroupsPage />, { route: "/groups/own" });
    const user = userEvent.setup();
    await screen.findByText("You have not created a group yet.");
    await user.click(screen.getByRole("button", { name: "Create group" }));
    const dialog = screen.getByRole("dialog", { name: "Create a group" });
    await user.type(within(dialog).getByRole("textbox", { name: "Name" }), "Support");
    await user.click(within(dialog).getByRole("button", { name: "Create" }));
    expect(await within(dialog).findByText("Another group already has this name.")).toBeInTheDocument();
  });

  it("deletes a group after confirmation", async () => {
    const del = vi.fn(() => ({ status: 204 }));
    mockApi({ "GET /groups": { body: page([ownGroup]) }, "DELETE /groups/13": del });
    renderSignedIn(<OwnGroupsPage />, { route: "/groups/own" });
    const user = userEvent.setup();
    await user.click(within(await screen.findByTestId("group-actions-13")).getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete group" });
    await user.click(within(dialog).getByRole("button", { name: "Delete group" }));
    await waitFor(() => expect(del).toHaveBeenCalledTimes(1));
  });
});

describe("GroupsPage in German", () => {
  it("speaks German when the user chose it", async () => {
    mockApi({ "GET /groups": { body: page([ownGroup, publicGroup]) } });
    renderSignedIn(<GroupsPage />, { route: "/groups", language: "de" });
    const actions = await screen.findByTestId("group-actions-10");
    expect(screen.getByRole("heading", { level: 1, name: "Gruppen" })).toBeInTheDocument();
    expect(within(actions).getByRole("button", { name: "Beitreten" })).toBeInTheDocument();
    expect(screen.getAllByText("Öffentlich").length).toBe(2);
  });
});
