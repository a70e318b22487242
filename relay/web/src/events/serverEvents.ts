// Live updates: the relay's server-sent events name what changed ("systems", "groups",
// "authorisations", "users", "news", "registrations"); the portal refetches the queries of
// that resource.
// Query keys start with the resource name, so one prefix invalidates lists and details.

export const EVENT_TYPES = ["systems", "groups", "authorisations", "users", "news", "registrations"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

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
