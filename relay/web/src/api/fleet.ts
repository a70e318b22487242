import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { SystemAction } from "./types";

// What the user may do on at least one system (GET /fleet/actions): the navigation offers a
// fleet page ("all systems") only when some system would appear on it. The key starts with
// "systems": grants, group changes, new and deleted systems all send that live event.
export interface FleetActions {
  actions: SystemAction[];
  systems: number;
}

export const FLEET_ACTIONS_KEY = ["systems", "fleet-actions"] as const;

export function useFleetActions() {
  return useQuery({
    queryKey: FLEET_ACTIONS_KEY,
    queryFn: ({ signal }) => api<FleetActions>("/fleet/actions", { signal }),
  });
}
