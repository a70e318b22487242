import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import DashboardPage from "./DashboardPage";
import { renderSignedIn } from "./renderSignedIn";
import { apiError, mockApi } from "./testApi";

afterEach(() => vi.unstubAllGlobals());

const NEWS = [4, 3, 2].map((id) => ({
  id,
  title: `Maintenance window ${id}`,
  body: "Text",
  published_at: `2026-11-0${id}T08:00:00Z`,
}));

function relay(overrides: Record<string, Parameters<typeof mockApi>[0][string]> = {}) {
  let calls = 0;
  return mockApi({
    "GET /status": () => {
      calls += 1;
      return { body: { version: "1.4.2", server_time: `2026-11-24T10:00:0${calls}Z` } };
    },
    "GET /news": { body: { items: NEWS, total: 5 } },
    "GET /systems": { body: { items: [], total: 12 } },
    ...overrides,
  });
}

describe("DashboardPage", () => {
  it("shows the server version, the newest news and the number of systems", async () => {
    const { requests } = relay();
    renderSignedIn(<DashboardPage />);
    expect(await screen.findByTestId("server-version")).toHaveTextContent("1.4.2");
    expect(await screen.findByText("You have access to 12 systems.")).toBeInTheDocument();
    const news = await screen.findByTestId("latest-news");
    expect(within(news).getAllByRole("listitem")).toHaveLength(3);
    expect(within(news).getByText("Maintenance window 4")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "All news" })).toHaveAttribute("href", "/news");
    const systems = requests.find((request) => request.path === "/systems");
    expect(systems?.query.get("limit")).toBe("1");
    expect(requests.find((request) => request.path === "/news")?.query.get("limit")).toBe("3");
  });

  it("links to the help and the legal documents", async () => {
    relay();
    renderSignedIn(<DashboardPage />);
    expect(screen.getByRole("link", { name: "Online help" })).toHaveAttribute("href", "/help");
    expect(screen.getByRole("link", { name: "Privacy policy" })).toHaveAttribute("href", "/legal/privacy");
    expect(screen.getByRole("link", { name: "Licence agreement" })).toHaveAttribute("href", "/legal/licence");
    expect(screen.getByRole("link", { name: "Open-source licences" })).toHaveAttribute("href", "/legal/open-source");
  });

  it("copies the status information with the server time of the moment and shows it", async () => {
    relay();
    const user = userEvent.setup();
    renderSignedIn(<DashboardPage />);
    await screen.findByTestId("server-version");
    await user.click(screen.getByRole("button", { name: "Copy status information" }));
    expect(await screen.findByText("Status information copied to the clipboard.")).toBeInTheDocument();
    const copied = await navigator.clipboard.readText();
    expect(copied).toContain("Product: PBX Control Center");
    expect(copied).toContain("Server version: 1.4.2");
    expect(copied).toContain("Server time: 2026-11-24T10:00:02Z");
    expect(copied).toContain(`Portal address: ${window.location.origin}`);
    expect(copied).toContain(`Browser: ${navigator.userAgent}`);
    expect(copied).toContain("Language: en");
    expect(copied).toContain("User: ada@example.com");
    expect(copied).toContain("Company: Example GmbH (#3)");
    expect(screen.getByTestId("status-info").textContent).toBe(copied);
  });

  it("says so when there are no news and no systems", async () => {
    relay({ "GET /news": { body: { items: [], total: 0 } }, "GET /systems": { body: { items: [], total: 0 } } });
    renderSignedIn(<DashboardPage />);
    expect(await screen.findByText("No news yet.")).toBeInTheDocument();
    expect(await screen.findByText("You do not have access to any system yet.")).toBeInTheDocument();
  });

  it("still offers the copy when the status cannot be loaded", async () => {
    relay({ "GET /status": apiError(503, "store_unavailable") });
    renderSignedIn(<DashboardPage />);
    expect(await screen.findByText(/storage is not available/)).toBeInTheDocument();
    expect(screen.getByTestId("status-info")).toHaveTextContent("Server version: not available");
    expect(screen.getByRole("button", { name: "Copy status information" })).toBeEnabled();
  });
});
