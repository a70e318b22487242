import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Group, GroupMember, GroupSystem } from "../../api/types";
import GroupSettingsPage, { parseGroupId } from "./GroupSettingsPage";
import { ME, makeGroup, makeSystem, mockApi, page, renderSignedIn, type ApiCall, type Reply } from "./testSupport";

const members: GroupMember[] = [
  { user_id: 3, email: "cleo@example.com", name: "Cleo", role: null, joined_at: "2025-06-01T08:00:00Z" },
  { user_id: 4, email: "dan@example.com", name: "Dan", role: "administrator", joined_at: "2025-06-02T08:00:00Z" },
];
const systems: GroupSystem[] = [
  { system_id: 100, serial: "SER-0001", name: "Headquarters", added_at: "2025-06-01T08:00:00Z" },
  { system_id: 101, serial: "SER-0002", name: "Branch", added_at: "2025-06-02T08:00:00Z" },
];
const mine = { owner: { id: ME.id, email: ME.email } };

function renderSettings(group: Group, extra: Record<string, Reply | ((call: ApiCall) => Reply)> = {}) {
  let gone = false;
  const api = mockApi({
    // After a successful DELETE or leave of a private group, the group answers 404.
    [`DELETE /groups/${group.id}`]: () => {
      gone = true;
      return { status: 204 };
    },
    [`POST /groups/${group.id}/leave`]: () => {
      gone = !group.public;
      return { status: 204 };
    },
    [`GET /groups/${group.id}`]: () =>
      gone ? { status: 404, body: { error: { code: "not_found", message: "gone" } } } : { body: group },
    [`GET /groups/${group.id}/members`]: { body: page(members) },
    [`GET /groups/${group.id}/systems`]: { body: page(systems) },
    ...extra,
  });
  const view = renderSignedIn(<GroupSettingsPage />, { route: `/groups/${group.id}`, path: "/groups/:groupId" });
  return { ...api, ...view };
}

afterEach(() => vi.unstubAllGlobals());

describe("parseGroupId", () => {
  it("accepts positive decimal ids only", () => {
    expect(parseGroupId("42")).toBe(42);
    expect(parseGroupId("0")).toBeNull();
    expect(parseGroupId("own")).toBeNull();
    expect(parseGroupId("1e3")).toBeNull();
    expect(parseGroupId(undefined)).toBeNull();
  });
});

describe("GroupSettingsPage", () => {
  it("says the group is not found or not visible on 404", async () => {
    mockApi({});
    renderSignedIn(<GroupSettingsPage />, { route: "/groups/77", path: "/groups/:groupId" });
    expect(await screen.findByText("This group was not found, or it is not visible to you.")).toBeInTheDocument();
    expect(screen.getByTestId("page-group-settings")).toBeInTheDocument();
  });

  it("lets the owner edit the settings and saves only the form's fields", async () => {
    const group = makeGroup({ id: 20, public: false, ...mine });
    const patch = vi.fn((call: ApiCall) => ({ body: { ...group, ...(call.body as object) } }));
    renderSettings(group, { "PATCH /groups/20": patch });
    const user = userEvent.setup();
    const name = await screen.findByRole("textbox", { name: "Name" });
    await user.clear(name);
    await user.type(name, "Support EU");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(patch).toHaveBeenCalledTimes(1));
    expect(patch.mock.calls[0]?.[0].body).toEqual({
      name: "Support EU",
      description: "Second-level support",
      default_role: "monitoring",
      public: false,
    });
  });

  it("shows the settings read-only to everybody but the owner", async () => {
    renderSettings(makeGroup({ id: 21, public: true, member: true }));
    expect(await screen.findByText("Only the owner (boss@example.com) can change these settings.")).toBeInTheDocument();
    expect(screen.queryByRole("textbox", { name: "Name" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Save" })).toBeNull();
  });

  it("explains that members' rights come from their role", async () => {
    renderSettings(makeGroup({ id: 21, member: true }));
    expect(
      await screen.findByText("What members may do on the group's systems depends on their role in the group."),
    ).toBeInTheDocument();
  });

  it("lets the owner of a private group add members, with the group's default role preselected", async () => {
    const put = vi.fn((_call: ApiCall) => ({ body: members[0] }));
    renderSettings(makeGroup({ id: 22, public: false, ...mine }), {
      "GET /users": { body: page([{ id: 5, email: "eve@example.com", name: "Eve" }, { id: 3, email: "cleo@example.com", name: "Cleo" }]) },
      "PUT /groups/22/members/5": put,
    });
    const user = userEvent.setup();
    expect(await screen.findByText("This group is private: only you add members to it.")).toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: "Add member" }));
    const dialog = screen.getByRole("dialog", { name: "Add a member to Support" });
    expect(within(dialog).getByRole("combobox", { name: "Role" })).toHaveDisplayValue("Group default (Monitoring)");
    await user.click(within(dialog).getByRole("combobox", { name: "Colleague" }));
    await within(dialog).findByRole("option", { name: /eve@example.com/ });
    // Existing members are not offered again.
    expect(within(dialog).queryByRole("option", { name: /cleo@example.com/ })).toBeNull();
    await user.click(within(dialog).getByRole("option", { name: /eve@example.com/ }));
    await user.click(within(dialog).getByRole("button", { name: "Add" }));
    await waitFor(() => expect(put).toHaveBeenCalledTimes(1));
    expect(put.mock.calls[0]?.[0].body).toEqual({ role: null });
  });

  it("does not offer Add member on a public group and says people join it themselves", async () => {
    renderSettings(makeGroup({ id: 23, public: true, ...mine }));
    expect(
      await screen.findByText(/This group is public: colleagues join it themselves on the Groups page\./),
    ).toBeInTheDocument();
    await screen.findByTestId("member-actions-3");
    expect(screen.queryByRole("button", { name: "Add member" })).toBeNull();
  });

  it("shows each member's role, the default one named as such", async () => {
    renderSettings(makeGroup({ id: 24, member: true }));
    const table = await screen.findByTestId("group-members-table");
    const cleo = (await within(table).findByText("cleo@example.com")).closest("tr")!;
    expect(within(cleo).getByText("Group default (Monitoring)")).toBeInTheDocument();
    const dan = within(table).getByText("dan@example.com").closest("tr")!;
    expect(within(dan).getByText("Administrator")).toBeInTheDocument();
  });

  it("lets the owner change a member's role", async () => {
    const put = vi.fn((_call: ApiCall) => ({ body: { ...members[0], role: "backup" } }));
    renderSettings(makeGroup({ id: 25, ...mine }), { "PUT /groups/25/members/3": put });
    const user = userEvent.setup();
    await user.click(within(await screen.findByTestId("member-actions-3")).getByRole("button", { name: "Change role" }));
    const dialog = screen.getByRole("dialog", { name: "Change member role" });
    await user.selectOptions(within(dialog).getByRole("combobox", { name: "Role" }), "backup");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(put).toHaveBeenCalledTimes(1));
    expect(put.mock.calls[0]?.[0].body).toEqual({ role: "backup" });
  });

  it("gives members no member controls but Leave", async () => {
    renderSettings(makeGroup({ id: 26, public: false, member: true }));
    await screen.findByText("cleo@example.com");
    expect(screen.queryByTestId("member-actions-3")).toBeNull();
    expect(screen.getByRole("button", { name: "Leave" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add member" })).toBeNull();
  });

  it("does not ask for the systems of a group the user is not in, and offers Join", async () => {
    const { calls } = renderSettings(makeGroup({ id: 27, public: true, member: false }));
    expect(
      await screen.findByText("Only the owner and the members see which systems belong to this group."),
    ).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Join" })).toBeInTheDocument();
    expect(calls.some((call) => call.path === "/groups/27/systems")).toBe(false);
    expect(screen.queryByRole("button", { name: "Add system" })).toBeNull();
  });

  it("lets a member remove only systems on which they hold add_system_to_group", async () => {
    renderSettings(makeGroup({ id: 28, member: true }), {
      "GET /systems/100": { body: makeSystem({ id: 100 }) },
      "GET /systems/101": {
        body: makeSystem({ id: 101, roles: ["monitoring"], allowed_actions: ["view_system", "monitoring"] }),
      },
    });
    await screen.findByTestId("group-system-actions-100");
    expect(screen.getByRole("button", { name: "Add system" })).toBeInTheDocument();
    const branch = screen.getByText("Branch").closest("tr")!;
    expect(within(branch).queryByRole("button", { name: "Remove" })).toBeNull();
  });

  it("lets the owner add a system on which they hold add_system_to_group", async () => {
    const put = vi.fn((_call: ApiCall) => ({ body: systems[0] }));
    renderSettings(makeGroup({ id: 29, ...mine }), {
      "GET /groups/29/systems": { body: page([]) },
      "GET /systems": {
        body: page([
          makeSystem({ id: 100, name: "Headquarters" }),
          makeSystem({ id: 102, name: "Depot", allowed_actions: ["view_system"] }),
        ]),
      },
      "PUT /groups/29/systems/100": put,
    });
    const user = userEvent.setup();
    await screen.findByText("No system belongs to this group yet.");
    await user.click(screen.getByRole("button", { name: "Add system" }));
    const dialog = screen.getByRole("dialog", { name: "Add a system to Support" });
    await user.click(within(dialog).getByRole("combobox", { name: "System" }));
    await user.click(await within(dialog).findByRole("option", { name: /Headquarters/ }));
    expect(within(dialog).queryByRole("option", { name: /Depot/ })).toBeNull();
    await user.click(within(dialog).getByRole("button", { name: "Add" }));
    await waitFor(() => expect(put).toHaveBeenCalledTimes(1));
  });

  it("goes to the own groups after deleting the group", async () => {
    const { location } = renderSettings(makeGroup({ id: 30, ...mine }));
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Delete group" }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete group" });
    await user.click(within(dialog).getByRole("button", { name: "Delete group" }));
    await waitFor(() => expect(location().pathname).toBe("/groups/own"));
    expect(screen.queryByText("This group was not found, or it is not visible to you.")).toBeNull();
  });

  it("goes back to the groups after leaving a private group", async () => {
    const { location } = renderSettings(makeGroup({ id: 31, public: false, member: true }));
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Leave" }));
    await user.click(within(screen.getByRole("alertdialog", { name: "Leave group" })).getByRole("button", { name: "Leave group" }));
    await waitFor(() => expect(location().pathname).toBe("/groups"));
  });

  it("stays on a public group after leaving it, now without its systems", async () => {
    const group = makeGroup({ id: 32, public: true, member: true });
    let left = false;
    const { location } = renderSettings(group, {
      "GET /groups/32": () => ({ body: { ...group, member: !left } }),
      "POST /groups/32/leave": () => {
        left = true;
        return { status: 204 };
      },
      "GET /groups/32/systems": () =>
        left ? { status: 403, body: { error: { code: "forbidden", message: "members only" } } } : { body: page(systems) },
    });
    const user = userEvent.setup();
    await screen.findByTestId("group-systems-table");
    await user.click(screen.getByRole("button", { name: "Leave" }));
    await user.click(within(screen.getByRole("alertdialog", { name: "Leave group" })).getByRole("button", { name: "Leave group" }));
    expect(await screen.findByRole("button", { name: "Join" })).toBeInTheDocument();
    expect(screen.getByText("Only the owner and the members see which systems belong to this group.")).toBeInTheDocument();
    expect(location().pathname).toBe("/groups/32");
  });

  it("says the group is gone when it disappears while open", async () => {
    const group = makeGroup({ id: 33, member: true });
    let gone = false;
    const { queryClient } = renderSettings(group, {
      "GET /groups/33": () => (gone ? { status: 404, body: { error: { code: "not_found", message: "x" } } } : { body: group }),
    });
    await screen.findByRole("heading", { name: "Support", level: 1 });
    gone = true;
    await queryClient.invalidateQueries({ queryKey: ["groups"] });
    expect(await screen.findByText("This group was not found, or it is not visible to you.")).toBeInTheDocument();
  });
});
