import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../../test/renderWithProviders";
import LoginPage from "./LoginPage";
import { apiError, mockApi, TEST_SESSION, type Handler, type Reply } from "./testApi";

function renderLogin(route: string) {
  return renderWithProviders(
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="*" element={<p>signed-in area</p>} />
    </Routes>,
    { route },
  );
}

function signedOut(login: Handler | Reply, oidc: Reply = { body: { enabled: false, name: "" } }) {
  return mockApi({
    "GET /session": apiError(401, "not_authenticated"),
    "GET /auth/oidc": oidc,
    "POST /session": login,
  });
}

async function signIn(email = "ada@example.com", password = "correct horse") {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText("E-mail"), email);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

afterEach(() => vi.unstubAllGlobals());

describe("LoginPage", () => {
  it("signs in and goes on to the page asked for", async () => {
    const { requests } = signedOut({ body: TEST_SESSION });
    const view = renderLogin("/login?next=%2Fsystems%3Fq%3Dabc");
    await signIn();
    expect(await screen.findByText("signed-in area")).toBeInTheDocument();
    expect(view.location().pathname + view.location().search).toBe("/systems?q=abc");
    const login = requests.find((request) => request.method === "POST");
    expect(login?.body).toEqual({ email: "ada@example.com", password: "correct horse" });
  });

  it("goes to the dashboard instead of another site", async () => {
    signedOut({ body: TEST_SESSION });
    const view = renderLogin("/login?next=%2F%2Fevil.example%2Fphish");
    await signIn();
    await screen.findByText("signed-in area");
    expect(view.location().pathname).toBe("/");
  });

  it("skips the form when already signed in", async () => {
    mockApi({ "GET /session": { body: TEST_SESSION }, "GET /auth/oidc": { body: { enabled: false, name: "" } } });
    const view = renderLogin("/login?next=%2Fnews");
    await screen.findByText("signed-in area");
    expect(view.location().pathname).toBe("/news");
  });

  it("says when e-mail or password are wrong", async () => {
    signedOut(apiError(401, "invalid_credentials"));
    renderLogin("/login");
    await signIn();
    expect(await screen.findByRole("alert")).toHaveTextContent("The e-mail address or password is not correct.");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("tells how long to wait after too many attempts", async () => {
    signedOut(apiError(429, "too_many_attempts", { "Retry-After": "120" }));
    renderLogin("/login");
    await signIn();
    expect(await screen.findByRole("alert")).toHaveTextContent("Too many failed sign-ins. Try again in 2 minutes.");
  });

  it("reports an unreachable server", async () => {
    signedOut(() => {
      throw new TypeError("Failed to fetch");
    });
    // A throwing handler rejects fetch itself, as a network failure does.
    renderLogin("/login");
    await signIn();
    expect(await screen.findByRole("alert")).toHaveTextContent("The server cannot be reached.");
  });

  it("checks the fields before sending anything", async () => {
    const { requests } = signedOut({ body: TEST_SESSION });
    renderLogin("/login");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Enter your e-mail address.")).toBeInTheDocument();
    expect(screen.getByText("Enter your password.")).toBeInTheDocument();
    expect(screen.getByLabelText("E-mail")).toHaveAttribute("aria-invalid", "true");
    expect(requests.some((request) => request.method === "POST")).toBe(false);
  });

  it("offers single sign-on that comes back to the same page", async () => {
    signedOut({ body: TEST_SESSION }, { body: { enabled: true, name: "Example ID" } });
    renderLogin("/login?next=%2Fgroups%2Fown");
    const link = await screen.findByRole("link", { name: "Sign in with Example ID" });
    expect(link).toHaveAttribute("href", "/api/v1/auth/oidc/login?return_to=%2Fgroups%2Fown");
  });

  it("has no single sign-on button when the relay has none", async () => {
    signedOut({ body: TEST_SESSION });
    renderLogin("/login");
    await screen.findByLabelText("E-mail");
    await waitFor(() => expect(screen.queryByRole("link", { name: /Sign in with/ })).not.toBeInTheDocument());
  });

  it("explains a failed single sign-on in the chosen language", async () => {
    signedOut({ body: TEST_SESSION });
    renderWithProviders(
      <Routes>
        <Route path="/login" element={<LoginPage />} />
      </Routes>,
      { route: "/login?sso_error=account_disabled", language: "de" },
    );
    expect(await screen.findByTestId("sso-error")).toHaveTextContent("Ihr Konto ist gesperrt.");
    expect(await screen.findByLabelText("E-Mail")).toHaveAttribute("autocomplete", "username");
    expect(screen.getByLabelText("Passwort")).toHaveAttribute("autocomplete", "current-password");
  });
});
