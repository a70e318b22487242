import { z } from "zod";
import type { Role } from "../../api/types";
import type { GroupInput } from "../../api/groups";

// Form rules of the access pages. Messages are keys under access:validation, translated
// where they are shown, so the schemas stay free of i18n.

// The roles that can be granted or given through a group (never "owner"), in display order.
// (The same as GRANTABLE_ROLES of the wire types, as a tuple zod can use.)
export const ROLE_VALUES = ["administrator", "monitoring", "backup", "call_data"] as const satisfies readonly Role[];
export type GrantableRole = (typeof ROLE_VALUES)[number];

export const GROUP_NAME_MAX = 100;
export const GROUP_DESCRIPTION_MAX = 1000; // as the relay allows

export function isGrantableRole(value: unknown): value is GrantableRole {
  return typeof value === "string" && (ROLE_VALUES as readonly string[]).includes(value);
}

// Characters as people count them (code points), like the server.
export function charCount(text: string): number {
  return [...text].length;
}

// One or more roles, each at most once.
export const rolesSchema = z
  .array(z.enum(ROLE_VALUES))
  .min(1, { message: "rolesRequired" })
  .refine((roles) => new Set(roles).size === roles.length, { message: "rolesRequired" });

// Roles in the fixed display order, whatever order they were ticked in.
export function sortRoles<R extends string>(roles: readonly R[]): R[] {
  const order = ROLE_VALUES as readonly string[];
  return [...roles].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

const pickedUser = z.object({ id: z.number().int().positive(), email: z.string(), name: z.string() });
const pickedSystem = z.object({ id: z.number().int().positive(), name: z.string(), serial: z.string() });

export type PickedUser = z.infer<typeof pickedUser>;
export type PickedSystem = z.infer<typeof pickedSystem>;

// The "Grant authorisation" dialog: a colleague, one system, at least one role.
export const grantSchema = z.object({
  user: pickedUser.nullable().refine((user) => user !== null, { message: "userRequired" }),
  system: pickedSystem.nullable().refine((system) => system !== null, { message: "systemRequired" }),
  roles: rolesSchema,
});
export type GrantFormInput = z.input<typeof grantSchema>;
export type GrantForm = z.output<typeof grantSchema>;

export const editRolesSchema = z.object({ roles: rolesSchema });
export type EditRolesForm = z.infer<typeof editRolesSchema>;

// The group form. `defaultRole` "" means no default role (members without a role of
// their own then get no rights from the group).
export const groupSchema = z.object({
  name: z
    .string()
    .refine((name) => name.trim() !== "", { message: "nameRequired" })
    .refine((name) => charCount(name.trim()) <= GROUP_NAME_MAX, { message: "nameTooLong" }),
  description: z.string().refine((text) => charCount(text.trim()) <= GROUP_DESCRIPTION_MAX, {
    message: "descriptionTooLong",
  }),
  defaultRole: z.enum(["", ...ROLE_VALUES]),
  isPublic: z.boolean(),
});
export type GroupForm = z.infer<typeof groupSchema>;

export const EMPTY_GROUP_FORM: GroupForm = { name: "", description: "", defaultRole: "", isPublic: false };

export function groupToForm(group: {
  name: string;
  description: string;
  default_role: Role | null;
  public: boolean;
}): GroupForm {
  return {
    name: group.name,
    description: group.description,
    defaultRole: isGrantableRole(group.default_role) ? group.default_role : "",
    isPublic: group.public,
  };
}

export function formToGroupInput(form: GroupForm): GroupInput {
  return {
    name: form.name.trim(),
    description: form.description.trim(),
    default_role: form.defaultRole === "" ? null : form.defaultRole,
    public: form.isPublic,
  };
}

// The member dialogs' role select: "" = follow the group's default role (sent as null).
export const memberRoleSchema = z.object({ role: z.enum(["", ...ROLE_VALUES]) });
export type MemberRoleForm = z.infer<typeof memberRoleSchema>;

export function memberRoleToWire(role: MemberRoleForm["role"]): GrantableRole | null {
  return role === "" ? null : role;
}

// "Add member": a colleague and the member's role ("" = the group's default role).
export const addMemberSchema = z.object({
  user: pickedUser.nullable().refine((user) => user !== null, { message: "userRequired" }),
  role: z.enum(["", ...ROLE_VALUES]),
});
export type AddMemberFormInput = z.input<typeof addMemberSchema>;
export type AddMemberForm = z.output<typeof addMemberSchema>;

// "Add system": one system on which the user holds add_system_to_group.
export const addSystemSchema = z.object({
  system: pickedSystem.nullable().refine((system) => system !== null, { message: "systemRequired" }),
});
export type AddSystemFormInput = z.input<typeof addSystemSchema>;
export type AddSystemForm = z.output<typeof addSystemSchema>;
