import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { UserListItem } from "../../api/types";
import { UserPicker } from "./Pickers";
import type { PickedUser } from "./schemas";
import { ME, mockApi, page, renderSignedIn } from "./testSupport";

afterEach(() => vi.unstubAllGlobals());

describe("UserPicker", () => {
  const users: UserListItem[] = [
    { id: ME.id, email: ME.email, name: ME.name },
    { id: 2, email: "anna@example.com", name: "Anna" },
    { id: 3, email: "bert@example.com", name: "Bert" },
  ];

  function PickerHarness({ onChange }: { onChange: (user: PickedUser | null) => void }) {
    const [value, setValue] = useState<PickedUser | null>(null);
    return (
      <UserPicker
        label="User"
        value={value}
        debounceMs={0}
        exclude={new Set([3])}
        onChange={(next) => {
          setValue(next);
          onChange(next);
        }}
      />
    );
  }

  it("searches the company's users by the typed text", async () => {
    const { calls } = mockApi({ "GET /users": { body: page(users) } });
    renderSignedIn(<PickerHarness onChange={vi.fn()} />);
    await userEvent.setup().type(screen.getByRole("combobox", { name: "User" }), "an");
    await waitFor(() => expect(calls.some((c) => c.path === "/users" && c.query.get("q") === "an")).toBe(true));
  });

  it("never offers oneself nor excluded users", async () => {
    mockApi({ "GET /users": { body: page(users) } });
    renderSignedIn(<PickerHarness onChange={vi.fn()} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("combobox", { name: "User" }));
    await screen.findByRole("option", { name: /anna@example.com/ });
    expect(screen.getAllByRole("option")).toHaveLength(1);
  });

  it("reports the chosen user and forgets it when the text is edited", async () => {
    mockApi({ "GET /users": { body: page(users) } });
    const onChange = vi.fn();
    renderSignedIn(<PickerHarness onChange={onChange} />);
    const user = userEvent.setup();
    const input = screen.getByRole("combobox", { name: "User" });
    await user.click(input);
    await screen.findByRole("option", { name: /anna@example.com/ });
    await user.keyboard("{ArrowDown}{Enter}");
    expect(onChange).toHaveBeenLastCalledWith({ id: 2, email: "anna@example.com", name: "Anna" });
    await user.type(input, "x");
    expect(onChange).toHaveBeenLastCalledWith(null);
  });
});
