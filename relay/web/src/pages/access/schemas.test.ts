import { describe, expect, it } from "vitest";
import {
  addMemberSchema,
  formToGroupInput,
  grantSchema,
  groupSchema,
  groupToForm,
  memberRoleToWire,
  rolesSchema,
  sortRoles,
} from "./schemas";

const user = { id: 7, email: "a@example.com", name: "A" };
const system = { id: 9, name: "HQ", serial: "SER-1" };

function messages(result: { success: boolean; error?: { issues: { path: (string | number)[]; message: string }[] } }) {
  return result.error?.issues.map((issue) => `${issue.path.join(".")}:${issue.message}`) ?? [];
}

describe("rolesSchema", () => {
  it("accepts one role", () => {
    expect(rolesSchema.safeParse(["monitoring"]).success).toBe(true);
  });

  it("accepts several roles", () => {
    expect(rolesSchema.safeParse(["administrator", "backup", "call_data"]).success).toBe(true);
  });

  it("refuses no role at all with rolesRequired", () => {
    expect(messages(rolesSchema.safeParse([]))).toEqual([":rolesRequired"]);
  });

  it("refuses the owner role, which cannot be granted", () => {
    expect(rolesSchema.safeParse(["owner"]).success).toBe(false);
  });

  it("refuses a role listed twice", () => {
    expect(rolesSchema.safeParse(["backup", "backup"]).success).toBe(false);
  });
});

describe("grantSchema", () => {
  it("needs a user, a system and a role", () => {
    const result = grantSchema.safeParse({ user: null, system: null, roles: [] });
    expect(messages(result).sort()).toEqual(["roles:rolesRequired", "system:systemRequired", "user:userRequired"]);
  });

  it("passes a complete grant through unchanged", () => {
    const result = grantSchema.safeParse({ user, system, roles: ["monitoring"] });
    expect(result.success && result.data).toEqual({ user, system, roles: ["monitoring"] });
  });
});

describe("groupSchema", () => {
  const valid = { name: "Support", description: "", defaultRole: "", isPublic: false };

  it("accepts a group without description and default role", () => {
    expect(groupSchema.safeParse(valid).success).toBe(true);
  });

  it("refuses a name of only spaces", () => {
    expect(messages(groupSchema.safeParse({ ...valid, name: "   " }))).toEqual(["name:nameRequired"]);
  });

  it("accepts 100 characters and refuses 101", () => {
    expect(groupSchema.safeParse({ ...valid, name: "x".repeat(100) }).success).toBe(true);
    expect(messages(groupSchema.safeParse({ ...valid, name: "x".repeat(101) }))).toEqual(["name:nameTooLong"]);
  });

  it("counts characters, not UTF-16 units (100 emoji fit)", () => {
    expect(groupSchema.safeParse({ ...valid, name: "🙂".repeat(100) }).success).toBe(true);
  });

  it("refuses a description over 1000 characters (the relay's limit)", () => {
    expect(groupSchema.safeParse({ ...valid, description: "d".repeat(1000) }).success).toBe(true);
    expect(messages(groupSchema.safeParse({ ...valid, description: "d".repeat(1001) }))).toEqual([
      "description:descriptionTooLong",
    ]);
  });

  it("refuses owner as default role", () => {
    expect(groupSchema.safeParse({ ...valid, defaultRole: "owner" }).success).toBe(false);
  });
});

describe("group form and wire", () => {
  it("sends trimmed texts and null for no default role", () => {
    expect(formToGroupInput({ name: "  Support ", description: " text ", defaultRole: "", isPublic: true })).toEqual({
      name: "Support",
      description: "text",
      default_role: null,
      public: true,
    });
  });

  it("fills the form from a group, null default role as the empty choice", () => {
    expect(groupToForm({ name: "G", description: "d", default_role: null, public: false })).toEqual({
      name: "G",
      description: "d",
      defaultRole: "",
      isPublic: false,
    });
    expect(groupToForm({ name: "G", description: "", default_role: "backup", public: true }).defaultRole).toBe("backup");
  });
});

describe("member role", () => {
  it("sends the empty choice as null (the group's default applies)", () => {
    expect(memberRoleToWire("")).toBeNull();
    expect(memberRoleToWire("backup")).toBe("backup");
  });

  it("needs a user to add", () => {
    expect(messages(addMemberSchema.safeParse({ user: null, role: "" }))).toEqual(["user:userRequired"]);
  });
});

describe("sortRoles", () => {
  it("orders roles as shown in the dialogs", () => {
    expect(sortRoles(["call_data", "administrator", "backup"])).toEqual(["administrator", "backup", "call_data"]);
  });
});
