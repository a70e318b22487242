import { afterEach, describe, expect, it, vi } from "vitest";
import { copyText } from "./clipboard";

afterEach(() => {
  Reflect.deleteProperty(navigator, "clipboard");
  Reflect.deleteProperty(document, "execCommand");
});

describe("copyText", () => {
  it("uses the Clipboard API where the browser offers it", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await expect(copyText("ABC-123")).resolves.toBe(true);
    expect(writeText).toHaveBeenCalledWith("ABC-123");
  });

  it("falls back to the copy command when the Clipboard API refuses", async () => {
    const writeText = vi.fn().mockRejectedValue(new Error("not allowed"));
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    let copied = "";
    const execCommand = vi.fn(() => {
      copied = document.querySelector("textarea")?.value ?? "";
      return true;
    });
    Object.defineProperty(document, "execCommand", { value: execCommand, configurable: true });
    await expect(copyText("ABC-123")).resolves.toBe(true);
    expect(execCommand).toHaveBeenCalledWith("copy");
    expect(copied).toBe("ABC-123");
    expect(document.querySelector("textarea")).toBeNull();
  });

  it("says so when neither way works", async () => {
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    Object.defineProperty(document, "execCommand", { value: () => false, configurable: true });
    await expect(copyText("ABC-123")).resolves.toBe(false);
  });
});
