import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { TextField } from "./TextField";

describe("TextField", () => {
  it("labels the input and describes it by its hint", () => {
    render(<TextField label="Name" hint="Shown in every list." />);
    const input = screen.getByRole("textbox", { name: "Name" });
    expect(input).toHaveAccessibleDescription("Shown in every list.");
    expect(input).not.toHaveAttribute("aria-invalid");
  });

  it("marks the input invalid and reads out the error after the hint", () => {
    render(<TextField label="Serial" hint="On the type plate." error="This serial is taken." />);
    const input = screen.getByRole("textbox", { name: "Serial" });
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription("On the type plate. This serial is taken.");
  });

  it("passes input attributes and the ref through", () => {
    let element: HTMLInputElement | null = null;
    render(
      <TextField
        label="Code"
        className="mono"
        spellCheck={false}
        initialFocus
        ref={(node) => {
          element = node;
        }}
      />,
    );
    const input = screen.getByRole("textbox", { name: "Code" });
    expect(element).toBe(input);
    expect(input).toHaveClass("mono");
    expect(input).toHaveAttribute("data-autofocus", "");
    expect(input).toHaveAttribute("spellcheck", "false");
  });
});
