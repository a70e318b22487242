import { describe, expect, it } from "vitest";
import { createCoalescer, type EventType } from "./serverEvents";

describe("createCoalescer", () => {
  it("merges events that arrive before the flush into one call", () => {
    const flushed: Set<EventType>[] = [];
    const timers: (() => void)[] = [];
    const push = createCoalescer((types) => flushed.push(types), 100, (fn) => timers.push(fn));
    push("systems");
    push("systems");
    push("groups");
    expect(timers).toHaveLength(1);
    timers[0]!();
    expect(flushed).toEqual([new Set(["systems", "groups"])]);
  });

  it("schedules a new flush for events after the previous one", () => {
    const flushed: Set<EventType>[] = [];
    const timers: (() => void)[] = [];
    const push = createCoalescer((types) => flushed.push(types), 100, (fn) => timers.push(fn));
    push("news");
    timers[0]!();
    push("users");
    expect(timers).toHaveLength(2);
    timers[1]!();
    expect(flushed).toEqual([new Set(["news"]), new Set(["users"])]);
  });
});
