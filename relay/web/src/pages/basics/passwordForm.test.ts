import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { passwordProblem, passwordSchema } from "./passwordForm";

function issues(values: { current: string; next: string; repeat: string }) {
  const result = passwordSchema.safeParse(values);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((issue) => [issue.path.join("."), issue.message]));
}

describe("passwordSchema", () => {
  it("accepts a new password of 10 characters entered twice", () => {
    expect(issues({ current: "old secret", next: "0123456789", repeat: "0123456789" })).toEqual({});
  });

  it("wants the current password", () => {
    expect(issues({ current: "", next: "0123456789", repeat: "0123456789" })).toEqual({
      current: "account.password.errors.currentRequired",
    });
  });

  it("refuses a new password shorter than 10 characters", () => {
    expect(issues({ current: "old secret", next: "012345678", repeat: "012345678" })).toEqual({
      next: "account.password.errors.tooShort",
    });
  });

  it("refuses a repetition that differs", () => {
    expect(issues({ current: "old secret", next: "0123456789", repeat: "0123456780" })).toEqual({
      repeat: "account.password.errors.mismatch",
    });
  });

  it("refuses a new password equal to the current one", () => {
    expect(issues({ current: "0123456789", next: "0123456789", repeat: "0123456789" })).toEqual({
      next: "account.password.errors.sameAsCurrent",
    });
  });
});

describe("passwordProblem", () => {
  it("reads the relay's codes", () => {
    expect(passwordProblem(new ApiError(400, "wrong_password", "x"))).toBe("wrong_password");
    expect(passwordProblem(new ApiError(400, "no_password", "x"))).toBe("no_password");
  });

  it("leaves other errors to the generic text", () => {
    expect(passwordProblem(new ApiError(429, "too_many_attempts", "x", 30))).toBe("other");
    expect(passwordProblem(new ApiError(400, "invalid_field", "field 'new_password' is too short"))).toBe("other");
    expect(passwordProblem(new Error("boom"))).toBe("other");
  });
});
