import { describe, expect, it } from "vitest";
import { canRemoveGroupSystem, groupAbilities } from "./groupActions";

const ME = 1;
const OTHER = 2;

function group(ownerId: number, isPublic: boolean, member: boolean) {
  return { owner: { id: ownerId, email: "o@example.com" }, public: isPublic, member };
}

describe("groupAbilities", () => {
  it.each([
    // who, public, member -> join, leave, edit, addMembers, seeSystems
    ["owner", true, false, { canJoin: false, canLeave: false, canEdit: true, canAddMembers: false, canSeeSystems: true }],
    ["owner", false, false, { canJoin: false, canLeave: false, canEdit: true, canAddMembers: true, canSeeSystems: true }],
    ["member", true, true, { canJoin: false, canLeave: true, canEdit: false, canAddMembers: false, canSeeSystems: true }],
    ["member", false, true, { canJoin: false, canLeave: true, canEdit: false, canAddMembers: false, canSeeSystems: true }],
    ["outsider", true, false, { canJoin: true, canLeave: false, canEdit: false, canAddMembers: false, canSeeSystems: false }],
    ["outsider", false, false, { canJoin: false, canLeave: false, canEdit: false, canAddMembers: false, canSeeSystems: false }],
  ] as const)("%s of a group (public %s, member %s)", (who, isPublic, member, expected) => {
    const abilities = groupAbilities(group(who === "owner" ? ME : OTHER, isPublic, member), ME);
    expect(abilities).toMatchObject(expected);
  });

  it("lets the owner who also joined as a member still not leave", () => {
    expect(groupAbilities(group(ME, true, true), ME).canLeave).toBe(false);
  });

  it("lets owner and members add systems, nobody else", () => {
    expect(groupAbilities(group(ME, false, false), ME).canAddSystems).toBe(true);
    expect(groupAbilities(group(OTHER, false, true), ME).canAddSystems).toBe(true);
    expect(groupAbilities(group(OTHER, true, false), ME).canAddSystems).toBe(false);
  });

  it("lets only the owner change or remove members", () => {
    expect(groupAbilities(group(ME, true, false), ME).canChangeMembers).toBe(true);
    expect(groupAbilities(group(OTHER, true, true), ME).canChangeMembers).toBe(false);
  });
});

describe("canRemoveGroupSystem", () => {
  it("lets the group's owner remove any system", () => {
    expect(canRemoveGroupSystem(group(ME, false, false), ME, undefined)).toBe(true);
  });

  it("lets others remove a system only with add_system_to_group on it", () => {
    const g = group(OTHER, false, true);
    expect(canRemoveGroupSystem(g, ME, ["view_system", "add_system_to_group"])).toBe(true);
    expect(canRemoveGroupSystem(g, ME, ["view_system", "monitoring"])).toBe(false);
  });

  it("offers nothing while the system's rights are unknown or it is not visible", () => {
    expect(canRemoveGroupSystem(group(OTHER, false, true), ME, undefined)).toBe(false);
  });
});
