import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../../test/renderWithProviders";
import Combobox from "./Combobox";

const PEOPLE = ["anna@example.com", "bert@example.com", "cleo@example.com"];

// A combobox over a fixed list inside a form, recording what is chosen and submitted.
function Harness({ onSubmit, onSelect }: { onSubmit: () => void; onSelect: (value: string) => void }) {
  const [text, setText] = useState("");
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <Combobox
        label="Person"
        inputText={text}
        onInputText={setText}
        options={PEOPLE.filter((p) => p.includes(text))}
        optionKey={(p) => p}
        renderOption={(p) => p}
        onSelect={(p) => {
          setText(p);
          onSelect(p);
        }}
        statusText="suggestions"
      />
    </form>
  );
}

function setup() {
  const onSubmit = vi.fn();
  const onSelect = vi.fn();
  renderWithProviders(<Harness onSubmit={onSubmit} onSelect={onSelect} />);
  const input = screen.getByRole("combobox", { name: "Person" });
  return { onSubmit, onSelect, input, user: userEvent.setup() };
}

function activeOption(input: HTMLElement): string | null {
  const id = input.getAttribute("aria-activedescendant");
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
}

afterEach(() => vi.unstubAllGlobals());

describe("Combobox keyboard", () => {
  it("starts closed, with the listbox hidden", () => {
    const { input } = setup();
    expect(input).toHaveAttribute("aria-expanded", "false");
    expect(input).not.toHaveAttribute("aria-activedescendant");
  });

  it("opens on ArrowDown and highlights the first suggestion", async () => {
    const { input, user } = setup();
    await user.click(input);
    await user.keyboard("{Escape}"); // clicking opened it; start from closed
    await user.keyboard("{ArrowDown}");
    expect(input).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByRole("listbox")).toBeVisible();
    expect(activeOption(input)).toBe("anna@example.com");
    expect(screen.getByRole("option", { name: "anna@example.com" })).toHaveAttribute("aria-selected", "true");
  });

  it("moves down and wraps from the last suggestion to the first", async () => {
    const { input, user } = setup();
    input.focus();
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowDown}");
    expect(activeOption(input)).toBe("cleo@example.com");
    await user.keyboard("{ArrowDown}");
    expect(activeOption(input)).toBe("anna@example.com");
  });

  it("opens on ArrowUp at the last suggestion and wraps upwards", async () => {
    const { input, user } = setup();
    input.focus();
    await user.keyboard("{ArrowUp}");
    expect(activeOption(input)).toBe("cleo@example.com");
    await user.keyboard("{ArrowUp}{ArrowUp}{ArrowUp}");
    expect(activeOption(input)).toBe("cleo@example.com");
  });

  it("chooses the highlighted suggestion with Enter without submitting the form", async () => {
    const { input, user, onSelect, onSubmit } = setup();
    input.focus();
    await user.keyboard("{ArrowDown}{ArrowDown}{Enter}");
    expect(onSelect).toHaveBeenCalledWith("bert@example.com");
    expect(onSubmit).not.toHaveBeenCalled();
    expect(input).toHaveValue("bert@example.com");
    expect(input).toHaveAttribute("aria-expanded", "false");
  });

  it("lets Enter submit the form once the list is closed", async () => {
    const { input, user, onSubmit } = setup();
    input.focus();
    await user.keyboard("{ArrowDown}{Enter}{Enter}");
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });

  it("closes the list with Escape, keeping the text, and clears the text with a second Escape", async () => {
    const { input, user } = setup();
    await user.type(input, "be");
    expect(input).toHaveAttribute("aria-expanded", "true");
    await user.keyboard("{Escape}");
    expect(input).toHaveAttribute("aria-expanded", "false");
    expect(input).toHaveValue("be");
    await user.keyboard("{Escape}");
    expect(input).toHaveValue("");
  });

  it("keeps Escape from reaching the dialog around it while the list is open", async () => {
    const { input, user } = setup();
    const outer = vi.fn();
    document.addEventListener("keydown", outer);
    input.focus();
    await user.keyboard("{ArrowDown}{Escape}");
    document.removeEventListener("keydown", outer);
    expect(outer).not.toHaveBeenCalledWith(expect.objectContaining({ key: "Escape" }));
  });

  it("narrows the suggestions while typing, with nothing highlighted", async () => {
    const { input, user } = setup();
    await user.type(input, "cl");
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual(["cleo@example.com"]);
    expect(input).not.toHaveAttribute("aria-activedescendant");
  });

  it("chooses a suggestion by click", async () => {
    const { input, user, onSelect } = setup();
    await user.click(input);
    await user.click(screen.getByRole("option", { name: "cleo@example.com" }));
    expect(onSelect).toHaveBeenCalledWith("cleo@example.com");
    expect(input).toHaveFocus();
  });
});
