import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { createCoalescer, EVENT_TYPES, invalidateFor } from "./serverEvents";

export type LiveStatus = "connecting" | "open" | "reconnecting";

// Opens /api/v1/events while a user is signed in. EventSource reconnects by itself (the
// relay sends `retry:`); after a reconnect everything is refetched once, since events may
// have been missed meanwhile.
export function useServerEvents(enabled: boolean): LiveStatus {
  const client = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>("connecting");

  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const source = new EventSource("/api/v1/events");
    let wasOpen = false;
    const invalidate = createCoalescer((types) => void invalidateFor(client, types), 150);
    for (const type of EVENT_TYPES) source.addEventListener(type, () => invalidate(type));
    source.onopen = () => {
      if (wasOpen) for (const type of EVENT_TYPES) invalidate(type);
      wasOpen = true;
      setStatus("open");
    };
    source.onerror = () => setStatus("reconnecting");
    return () => source.close();
  }, [enabled, client]);

  return status;
}
