import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import NewsPage from "./NewsPage";
import { renderSignedIn } from "./renderSignedIn";
import { mockApi, type RecordedRequest } from "./testApi";

afterEach(() => vi.unstubAllGlobals());

const ALL = Array.from({ length: 60 }, (_, index) => ({
  id: 60 - index,
  title: index % 2 === 0 ? `Firmware note ${60 - index}` : `Maintenance ${60 - index}`,
  body: "First line\nSecond line",
  published_at: "2026-11-20T09:30:00Z",
}));

// Filters and pages like the relay: q on title and body, limit/offset.
function relay(items = ALL) {
  return mockApi({
    "GET /news": (request: RecordedRequest) => {
      const q = (request.query.get("q") ?? "").toLowerCase();
      const limit = Number(request.query.get("limit") ?? 50);
      const offset = Number(request.query.get("offset") ?? 0);
      const matching = items.filter((item) => `${item.title} ${item.body}`.toLowerCase().includes(q));
      return { body: { items: matching.slice(offset, offset + limit), total: matching.length } };
    },
  });
}

describe("NewsPage", () => {
  it("shows the first page, newest first, without a sort parameter", async () => {
    const { requests } = relay();
    renderSignedIn(<NewsPage />, { route: "/news" });
    const list = await screen.findByTestId("news-list");
    const articles = within(list).getAllByRole("article");
    expect(articles).toHaveLength(50);
    expect(within(articles[0]!).getByRole("heading")).toHaveTextContent("Firmware note 60");
    expect(screen.getByRole("status")).toHaveTextContent("1–50 of 60");
    const first = requests[0]!;
    expect(first.query.has("sort")).toBe(false);
    expect(first.query.has("order")).toBe(false);
  });

  it("filters on the server and pages on", async () => {
    const { requests } = relay();
    const user = userEvent.setup();
    const view = renderSignedIn(<NewsPage />, { route: "/news" });
    await screen.findByTestId("news-list");
    await user.click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("51–60 of 60"));
    expect(requests.at(-1)?.query.get("offset")).toBe("50");

    await user.type(screen.getByLabelText("Filter news"), "maint");
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("1–30 of 30"));
    expect(requests.at(-1)?.query.get("q")).toBe("maint");
    expect(requests.at(-1)?.query.get("offset")).toBe("0");
    expect(view.location().search).toBe("?q=maint");
  });

  it("says when there is no news at all", async () => {
    relay([]);
    renderSignedIn(<NewsPage />, { route: "/news" });
    expect(await screen.findByTestId("news-empty")).toHaveTextContent("No news yet.");
  });

  it("offers to clear a filter that matches nothing", async () => {
    relay();
    const user = userEvent.setup();
    renderSignedIn(<NewsPage />, { route: "/news?q=nothing-like-this" });
    expect(await screen.findByText("No news matches this filter.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Clear filter" }));
    expect(await screen.findByTestId("news-list")).toBeInTheDocument();
    expect(screen.getByLabelText("Filter news")).toHaveValue("");
  });
});
