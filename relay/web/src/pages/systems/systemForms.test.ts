import { describe, expect, it } from "vitest";
import { createSystemSchema, renameSystemSchema } from "./systemForms";

function serialError(serial: string): string | undefined {
  const result = createSystemSchema.safeParse({ name: "PBX", serial });
  return result.success ? undefined : result.error.issues[0]?.message;
}

describe("createSystemSchema", () => {
  it("accepts serials the relay accepts", () => {
    for (const serial of ["ABC123", "ser-0001_x", "a".repeat(32), "000000"]) {
      expect(serialError(serial), serial).toBeUndefined();
    }
  });

  it("asks for a missing serial", () => {
    expect(serialError("")).toBe("validation.serialRequired");
    expect(serialError("   ")).toBe("validation.serialRequired");
  });

  it("rejects characters the relay refuses, including dots and spaces inside", () => {
    for (const serial of ["SER.0001", ".SER001", "SER 0001", "SER/0001", "SERÄ001"]) {
      expect(serialError(serial), serial).toBe("validation.serialCharacters");
    }
  });

  it("rejects serials shorter than 6 or longer than 32 characters", () => {
    expect(serialError("ABCDE")).toBe("validation.serialLength");
    expect(serialError("a".repeat(33))).toBe("validation.serialLength");
  });

  it("sends trimmed values", () => {
    expect(createSystemSchema.parse({ name: "  Branch office ", serial: " SER001 " })).toEqual({
      name: "Branch office",
      serial: "SER001",
    });
  });

  it("asks for a name", () => {
    const result = createSystemSchema.safeParse({ name: "   ", serial: "SER001" });
    expect(result.success ? undefined : result.error.issues[0]?.message).toBe("validation.nameRequired");
  });
});

describe("renameSystemSchema", () => {
  it("accepts 100 characters and refuses 101", () => {
    expect(renameSystemSchema.safeParse({ name: "x".repeat(100) }).success).toBe(true);
    const result = renameSystemSchema.safeParse({ name: "x".repeat(101) });
    expect(result.success ? undefined : result.error.issues[0]?.message).toBe("validation.nameTooLong");
  });

  it("counts characters, not UTF-16 units, like the relay", () => {
    expect(renameSystemSchema.safeParse({ name: "☎️".repeat(50) }).success).toBe(true);
    expect(renameSystemSchema.safeParse({ name: "📞".repeat(100) }).success).toBe(true);
  });
});
