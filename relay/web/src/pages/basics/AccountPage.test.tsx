import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ApiToken } from "../../api/types";
import AccountPage from "./AccountPage";
import { renderSignedIn } from "./renderSignedIn";
import { apiError, mockApi, type Handler, type Reply } from "./testApi";

afterEach(() => vi.unstubAllGlobals());

const SECRET = "ccc_tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0";

function relay(password: Handler | Reply = { status: 204 }, tokens: ApiToken[] = []) {
  const stored = [...tokens];
  return mockApi({
    "POST /session/password": password,
    "GET /api-tokens": () => ({ body: { items: stored, total: stored.length } }),
    "POST /api-tokens": (request) => {
      const body = request.body as { name: string; expires_in_days?: number };
      const token = {
        id: 40 + stored.length,
        name: body.name,
        created_at: "2026-11-24T10:00:00Z",
        last_used_at: null,
        expires_at: body.expires_in_days ? "2026-12-24T10:00:00Z" : null,
      };
      stored.push(token);
      return { status: 201, body: { ...token, token: SECRET } };
    },
    "DELETE /api-tokens/41": () => {
      stored.splice(
        stored.findIndex((token) => token.id === 41),
        1,
      );
      return { status: 204 };
    },
  });
}

async function fillPasswords(current: string, next: string, repeat: string) {
  const user = userEvent.setup();
  const form = screen.getByTestId("password-form");
  if (current) await user.type(within(form).getByLabelText("Current password"), current);
  if (next) await user.type(within(form).getByLabelText("New password"), next);
  if (repeat) await user.type(within(form).getByLabelText("Confirm password"), repeat);
  await user.click(within(form).getByRole("button", { name: "Change password" }));
  return user;
}

describe("AccountPage profile", () => {
  it("shows e-mail, name, company and the administrator flag", () => {
    relay();
    renderSignedIn(<AccountPage />);
    const profile = screen.getByTestId("account-profile");
    expect(profile).toHaveTextContent("ada@example.com");
    expect(profile).toHaveTextContent("Ada Lovelace");
    expect(profile).toHaveTextContent("Example GmbH");
    expect(screen.getByTestId("company-admin")).toHaveTextContent("No");
  });
});

describe("AccountPage password", () => {
  it("sends current and new password and empties the form", async () => {
    const { requests } = relay();
    renderSignedIn(<AccountPage />);
    await fillPasswords("old secret", "a much better one", "a much better one");
    expect(await screen.findByText("Your password has been changed.")).toBeInTheDocument();
    const sent = requests.find((request) => request.path === "/session/password");
    expect(sent?.body).toEqual({ current_password: "old secret", new_password: "a much better one" });
    expect(screen.getByLabelText("New password")).toHaveValue("");
  });

  it("checks length and repetition before sending", async () => {
    const { requests } = relay();
    renderSignedIn(<AccountPage />);
    await fillPasswords("old secret", "short", "shorter");
    expect(await screen.findByText("The new password needs at least 10 characters.")).toBeInTheDocument();
    expect(screen.getByText("The repeated password is not the same as the new one.")).toBeInTheDocument();
    expect(requests.some((request) => request.path === "/session/password")).toBe(false);
  });

  it("marks a wrong current password at its field", async () => {
    relay(apiError(400, "wrong_password"));
    renderSignedIn(<AccountPage />);
    await fillPasswords("not it at all", "a much better one", "a much better one");
    expect(await screen.findByText("The current password is not correct.")).toBeInTheDocument();
    expect(screen.getByLabelText("Current password")).toHaveAttribute("aria-invalid", "true");
  });

  it("explains that a single sign-on account has no password", async () => {
    relay(apiError(400, "no_password"));
    renderSignedIn(<AccountPage />);
    await fillPasswords("anything", "a much better one", "a much better one");
    expect(await screen.findByRole("alert")).toHaveTextContent("signs in through single sign-on");
  });
});

describe("AccountPage API tokens", () => {
  it("shows a new token once, with a warning, and never again", async () => {
    const { requests } = relay();
    const user = userEvent.setup();
    renderSignedIn(<AccountPage />);
    expect(await screen.findByText("You have no API tokens.")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Create token" }));
    let dialog = screen.getByRole("dialog", { name: "Create API token" });
    await user.type(within(dialog).getByLabelText("Name"), "nightly export");
    await user.type(within(dialog).getByLabelText("Valid for (days)"), "30");
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));

    dialog = await screen.findByRole("dialog", { name: "Token created" });
    expect(within(dialog).getByLabelText("Token")).toHaveValue(SECRET);
    expect(within(dialog).getByRole("alert")).toHaveTextContent("It is shown only this once");
    expect(requests.find((request) => request.method === "POST")?.body).toEqual({
      name: "nightly export",
      expires_in_days: 30,
    });

    await user.click(within(dialog).getByRole("button", { name: "Copy token" }));
    expect(await navigator.clipboard.readText()).toBe(SECRET);

    await user.click(within(dialog).getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(await screen.findByRole("cell", { name: "nightly export" })).toBeInTheDocument();
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Create token" }));
    dialog = screen.getByRole("dialog", { name: "Create API token" });
    expect(within(dialog).getByLabelText("Name")).toHaveValue("");
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
  });

  it("refuses an expiry outside 1 to 3650 days", async () => {
    const { requests } = relay();
    const user = userEvent.setup();
    renderSignedIn(<AccountPage />);
    await user.click(await screen.findByRole("button", { name: "Create token" }));
    const dialog = screen.getByRole("dialog", { name: "Create API token" });
    await user.type(within(dialog).getByLabelText("Name"), "ci");
    await user.type(within(dialog).getByLabelText("Valid for (days)"), "4000");
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));
    expect(await within(dialog).findByText(/whole number of days from 1 to 3650/)).toBeInTheDocument();
    expect(requests.some((request) => request.method === "POST")).toBe(false);
  });

  it("deletes a token after asking", async () => {
    const { requests } = relay(undefined, [
      { id: 41, name: "old script", created_at: "2026-01-01T00:00:00Z", last_used_at: null, expires_at: null },
    ]);
    const user = userEvent.setup();
    renderSignedIn(<AccountPage />);
    await user.click(await screen.findByRole("button", { name: "Delete token old script" }));
    const confirm = screen.getByRole("alertdialog", { name: "Delete API token" });
    expect(confirm).toHaveTextContent("Delete the token “old script”?");
    await user.click(within(confirm).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText("Token deleted.")).toBeInTheDocument();
    expect(requests.some((request) => request.method === "DELETE" && request.path === "/api-tokens/41")).toBe(true);
    expect(await screen.findByText("You have no API tokens.")).toBeInTheDocument();
  });
});
