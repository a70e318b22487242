import type { QueryClient } from "@tanstack/react-query";

// Live updates: the relay's server-sent events name what changed ("systems", "groups",
// "authorisations", "users", "news", "registrations"); the portal refetches the queries of
// that resource.
// Query keys start with the resource name, so one prefix invalidates lists and details.

export const EVENT_TYPES = ["systems", "groups", "authorisations", "users", "news", "registrations"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

// The query key prefixes an event makes stale. "registrations" is the prefix of the
// telephones and accounts lists, per system and fleet-wide (src/api/pbxdata.ts). Those lists
// also change with a "systems" event: they show only systems the user may read (the relay
// sends "systems" for every grant, group change, unpairing or deletion too) and carry the
// system's name. Call data has no events: it is looked at on demand.
export const INVALIDATES: Record<EventType, readonly string[]> = {
  systems: ["systems", "registrations"],
  groups: ["groups"],
  authorisations: ["authorisations"],
  users: ["users"],
  news: ["news"],
  registrations: ["registrations"],
};

// Marks every query of the events' resources stale; the shown ones refetch at once.
export async function invalidateFor(client: QueryClient, types: Iterable<EventType>): Promise<void> {
  const prefixes = new Set<string>();
  for (const type of types) for (const prefix of INVALIDATES[type]) prefixes.add(prefix);
  await Promise.all([...prefixes].map((prefix) => client.invalidateQueries({ queryKey: [prefix] })));
}

// Several events of one type within `delayMs` cause one refetch, not a storm.
export function createCoalescer(
  flush: (types: Set<EventType>) => void,
  delayMs: number,
  schedule: (fn: () => void, ms: number) => unknown = setTimeout,
): (type: EventType) => void {
  let pending = new Set<EventType>();
  let scheduled = false;
  return (type) => {
    pending.add(type);
    if (scheduled) return;
    scheduled = true;
    schedule(() => {
      const types = pending;
      pending = new Set();
      scheduled = false;
      flush(types);
    }, delayMs);
  };
}
