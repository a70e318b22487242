import type { Group, SystemAction } from "../../api/types";

// What the signed-in user may do with a group, from the group as the API returns it. The
// server decides again on every request; this only keeps buttons away that would fail.
export interface GroupAbilities {
  isOwner: boolean;
  // Public group the user is neither owner nor member of (the owner is not a member).
  canJoin: boolean;
  // A member who is not the owner; the owner deletes the group instead.
  canLeave: boolean;
  // Name, description, default role, public flag; delete; member roles and removal.
  canEdit: boolean;
  // Only the owner adds members, and only to a private group: people join public ones.
  canAddMembers: boolean;
  canChangeMembers: boolean;
  // Owner and members see the group's systems (others get 403).
  canSeeSystems: boolean;
  // Owner and members may add a system on which they hold add_system_to_group.
  canAddSystems: boolean;
}

type GroupFacts = Pick<Group, "owner" | "public" | "member">;

export function groupAbilities(group: GroupFacts, userId: number): GroupAbilities {
  const isOwner = group.owner.id === userId;
  const insider = isOwner || group.member;
  return {
    isOwner,
    canJoin: group.public && !group.member && !isOwner,
    canLeave: group.member && !isOwner,
    canEdit: isOwner,
    canAddMembers: isOwner && !group.public,
    canChangeMembers: isOwner,
    canSeeSystems: insider,
    canAddSystems: insider,
  };
}

// Taking a system out of a group: the group's owner always; anyone else needs
// add_system_to_group on that system (its owner or an administrator). `systemActions`
// undefined: not known (yet), or the system is not visible to the user.
export function canRemoveGroupSystem(
  group: GroupFacts,
  userId: number,
  systemActions: readonly SystemAction[] | undefined,
): boolean {
  if (group.owner.id === userId) return true;
  return systemActions?.includes("add_system_to_group") ?? false;
}
