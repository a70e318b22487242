import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { NewsItem, Page } from "./types";

// News from the operator (GET /news, newest first, readable by every user). Keys start with
// "news", so the live event of that name refreshes them. The full list uses useListQuery.
export function useLatestNews(count: number) {
  return useQuery({
    queryKey: ["news", "latest", count],
    queryFn: ({ signal }) => api<Page<NewsItem>>("/news", { query: { limit: count, offset: 0 }, signal }),
  });
}
