import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SystemAction } from "../../api/types";
import { renderWithProviders } from "../../test/renderWithProviders";
import { SystemPicker, systemText, type PickedSystem } from "./SystemPicker";

function system(id: number, name: string, allowed: SystemAction[]) {
  return { id, name, serial: `SER-${id}`, allowed_actions: allowed };
}

// Answers GET /systems with `systems` and records the searches.
function stubSystems(systems: ReturnType<typeof system>[]) {
  const searches: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL) => {
      const url = new URL(String(input), "http://portal.test");
      searches.push(url.searchParams.get("q") ?? "");
      return new Response(JSON.stringify({ items: systems, total: systems.length }), {
        status: 200,
        headers: { "Content-Type": "application/json" },
      });
    }),
  );
  return searches;
}

function Harness({ onChange, exclude }: { onChange: (value: PickedSystem | null) => void; exclude?: Set<number> }) {
  const [value, setValue] = useState<PickedSystem | null>(null);
  return (
    <SystemPicker
      label="System"
      value={value}
      action="manage_authorisations"
      exclude={exclude}
      debounceMs={0}
      onChange={(next) => {
        setValue(next);
        onChange(next);
      }}
    />
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("SystemPicker", () => {
  it("offers only the systems that allow the action and are not excluded", async () => {
    stubSystems([
      system(1, "Berlin", ["manage_authorisations"]),
      system(2, "Hamburg", ["view_system"]),
      system(3, "Munich", ["manage_authorisations"]),
    ]);
    renderWithProviders(<Harness onChange={vi.fn()} exclude={new Set([3])} />);
    await userEvent.setup().click(screen.getByRole("combobox", { name: "System" }));
    await screen.findByRole("option", { name: /Berlin/ });
    expect(screen.getAllByRole("option")).toHaveLength(1);
  });

  it("searches by the typed text and reports the chosen system", async () => {
    const searches = stubSystems([system(1, "Berlin", ["manage_authorisations"])]);
    const onChange = vi.fn();
    renderWithProviders(<Harness onChange={onChange} />);
    const user = userEvent.setup();
    const input = screen.getByRole("combobox", { name: "System" });
    await user.type(input, "Ber");
    await waitFor(() => expect(searches).toContain("Ber"));
    await user.click(await screen.findByRole("option", { name: /Berlin/ }));
    expect(onChange).toHaveBeenLastCalledWith({ id: 1, name: "Berlin", serial: "SER-1" });
    expect(input).toHaveValue(systemText({ name: "Berlin", serial: "SER-1" }));
  });

  it("says when systems match but none allows the action", async () => {
    stubSystems([system(2, "Hamburg", ["view_system"])]);
    renderWithProviders(<Harness onChange={vi.fn()} />);
    await userEvent.setup().click(screen.getByRole("combobox", { name: "System" }));
    expect(await screen.findByText(/you may not do this on any of them/)).toBeInTheDocument();
  });
});
