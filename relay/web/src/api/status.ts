import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { ServerStatus } from "./types";

// Server version and time (GET /status). The version changes only with a relay update,
// so one load per visit is enough; the time is read again when the user copies it.
export function useServerStatus() {
  return useQuery({
    queryKey: ["status"],
    queryFn: ({ signal }) => api<ServerStatus>("/status", { signal }),
    staleTime: 5 * 60_000,
  });
}
