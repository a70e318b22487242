import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, isApiError } from "./client";
import { useListQuery } from "./list";
import type { Group, GroupMember, GroupSystem, Page, Role } from "./types";
import type { ListState } from "../components/list/listState";

// Groups (B5-B7). Every key starts with "groups"; changes that can alter which systems a
// user reaches, or with which roles (membership, a group's systems, its default role, the
// group itself going away), also refresh everything under "systems".
export const GROUPS_KEY = ["groups"] as const;
const SYSTEMS_KEY = ["systems"] as const;
export const GROUP_SORT_KEYS = ["name", "created", "members", "systems", "owner"] as const;

export const groupKeys = {
  detail: (id: number) => [...GROUPS_KEY, "detail", id] as const,
  members: (id: number) => [...GROUPS_KEY, "members", id] as const,
  systems: (id: number) => [...GROUPS_KEY, "systems", id] as const,
};

// A group as created or changed through the form. `description` may be empty.
export interface GroupInput {
  name: string;
  description: string;
  default_role: Role | null;
  public: boolean;
}

// owned=true lists only the caller's own groups (B6); otherwise every group the caller may
// see: own, public and those the caller is a member of (B5).
export function useGroupList(state: ListState, owned: boolean) {
  return useListQuery<Group>(GROUPS_KEY[0], "/groups", state, { owned });
}

export function useGroup(id: number) {
  return useQuery({
    queryKey: groupKeys.detail(id),
    queryFn: ({ signal }) => api<Group>(`/groups/${id}`, { signal }),
    // 404 (gone or not visible) will not change by asking again.
    retry: (count, error) => count < 3 && !(isApiError(error) && error.status === 404),
  });
}

// Members and systems of a group come as one whole list (the API does not page them).
export function useGroupMembers(id: number, enabled = true) {
  return useQuery({
    queryKey: groupKeys.members(id),
    queryFn: ({ signal }) => api<Page<GroupMember>>(`/groups/${id}/members`, { signal }),
    enabled,
  });
}

// Only the owner and the members see a group's systems; others get 403.
export function useGroupSystems(id: number, enabled = true) {
  return useQuery({
    queryKey: groupKeys.systems(id),
    queryFn: ({ signal }) => api<Page<GroupSystem>>(`/groups/${id}/systems`, { signal }),
    enabled,
  });
}

export function createGroup(input: GroupInput): Promise<Group> {
  return api<Group>("/groups", { method: "POST", body: input });
}

export function updateGroup(id: number, input: Partial<GroupInput>): Promise<Group> {
  return api<Group>(`/groups/${id}`, { method: "PATCH", body: input });
}

export function deleteGroup(id: number): Promise<void> {
  return api<void>(`/groups/${id}`, { method: "DELETE" });
}

export function joinGroup(id: number): Promise<void> {
  return api<void>(`/groups/${id}/join`, { method: "POST" });
}

export function leaveGroup(id: number): Promise<void> {
  return api<void>(`/groups/${id}/leave`, { method: "POST" });
}

// Adds a member or changes the member's role; null = the group's default role applies.
export function setGroupMember(groupId: number, userId: number, role: Role | null): Promise<GroupMember> {
  return api<GroupMember>(`/groups/${groupId}/members/${userId}`, { method: "PUT", body: { role } });
}

export function removeGroupMember(groupId: number, userId: number): Promise<void> {
  return api<void>(`/groups/${groupId}/members/${userId}`, { method: "DELETE" });
}

export function addGroupSystem(groupId: number, systemId: number): Promise<GroupSystem> {
  return api<GroupSystem>(`/groups/${groupId}/systems/${systemId}`, { method: "PUT" });
}

export function removeGroupSystem(groupId: number, systemId: number): Promise<void> {
  return api<void>(`/groups/${groupId}/systems/${systemId}`, { method: "DELETE" });
}

export function invalidateGroups(client: QueryClient, alsoSystems: boolean): Promise<unknown> {
  const groups = client.invalidateQueries({ queryKey: GROUPS_KEY });
  if (!alsoSystems) return groups;
  return Promise.all([groups, client.invalidateQueries({ queryKey: SYSTEMS_KEY })]);
}

// A mutation that refreshes "groups" (and "systems" when `alsoSystems`) once it succeeded.
function useGroupMutation<TVariables, TResult>(
  mutationFn: (variables: TVariables) => Promise<TResult>,
  alsoSystems: boolean,
) {
  const client = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => invalidateGroups(client, alsoSystems) });
}

export function useCreateGroup() {
  return useGroupMutation(createGroup, false);
}

export function useUpdateGroup() {
  // A new default role changes the rights of members who follow the default.
  return useGroupMutation(({ id, input }: { id: number; input: Partial<GroupInput> }) => updateGroup(id, input), true);
}

export function useDeleteGroup() {
  return useGroupMutation(deleteGroup, true);
}

export function useJoinGroup() {
  return useGroupMutation(joinGroup, true);
}

export function useLeaveGroup() {
  return useGroupMutation(leaveGroup, true);
}

export function useSetGroupMember() {
  return useGroupMutation(
    ({ groupId, userId, role }: { groupId: number; userId: number; role: Role | null }) =>
      setGroupMember(groupId, userId, role),
    true,
  );
}

export function useRemoveGroupMember() {
  return useGroupMutation(
    ({ groupId, userId }: { groupId: number; userId: number }) => removeGroupMember(groupId, userId),
    true,
  );
}

export function useAddGroupSystem() {
  return useGroupMutation(
    ({ groupId, systemId }: { groupId: number; systemId: number }) => addGroupSystem(groupId, systemId),
    true,
  );
}

export function useRemoveGroupSystem() {
  return useGroupMutation(
    ({ groupId, systemId }: { groupId: number; systemId: number }) => removeGroupSystem(groupId, systemId),
    true,
  );
}

// Runs `remove` for every row (edit mode: delete selected) and refreshes once when all have
// settled, so rows that are gone disappear and failed ones stay for the list to report.
export function useBulkGroupAction<T>(remove: (row: T) => Promise<unknown>, alsoSystems = true) {
  const client = useQueryClient();
  return async (rows: T[]) => {
    const results = await Promise.allSettled(rows.map(remove));
    await invalidateGroups(client, alsoSystems);
    return results;
  };
}
