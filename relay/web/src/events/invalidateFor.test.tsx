import { act, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useAccounts, useCalls, useTelephones, type Scope } from "../api/pbxdata";
import { defaultListState } from "../components/list/listState";
import { renderHookWithProviders } from "../test/renderWithProviders";
import { invalidateFor, type EventType } from "./serverEvents";

// The queries the PBX data pages keep, built by the real hooks so that their query keys are
// the ones the pages use: telephones and accounts of one system and of the fleet, and call
// data of one system.
const system: Scope = { systemId: 7 };
const fleet: Scope = { systemId: null, filterSystemId: null };
const noTelephoneFilters = { status: null, kind: null };
const noCallFilters = { from: null, to: null, result: null, direction: null, callType: null };

const REGISTRATION_PATHS = [
  "/api/v1/systems/7/telephones",
  "/api/v1/fleet/telephones",
  "/api/v1/systems/7/accounts",
  "/api/v1/fleet/accounts",
];
const CALLS_PATH = "/api/v1/systems/7/calls";

// Answers every GET with an empty page and records the paths asked for.
function stubApi(): string[] {
  const fetched: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL) => {
      fetched.push(new URL(String(input), "http://portal.test").pathname);
      return new Response(JSON.stringify({ items: [], total: 0 }), {
        status: 200,
        headers: { "Content-Type": "application/json" },
      });
    }),
  );
  return fetched;
}

async function renderPbxQueries() {
  const fetched = stubApi();
  const rendered = renderHookWithProviders(() => [
    useTelephones(system, defaultListState("name"), noTelephoneFilters),
    useTelephones(fleet, defaultListState("name"), noTelephoneFilters),
    useAccounts(system, defaultListState("name"), { status: null }),
    useAccounts(fleet, defaultListState("name"), { status: null }),
    useCalls(system, defaultListState("time", "desc"), noCallFilters),
  ]);
  await waitFor(() => expect(rendered.result.current.every((query) => query.isSuccess)).toBe(true));
  fetched.length = 0;
  return { fetched, client: rendered.queryClient };
}

async function afterEvents(types: EventType[]): Promise<string[]> {
  const { fetched, client } = await renderPbxQueries();
  await act(() => invalidateFor(client, types));
  return [...fetched].sort();
}

describe("invalidateFor", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("refetches telephones and accounts of the system and of the fleet on a registrations event", async () => {
    const refetched = await afterEvents(["registrations"]);
    expect(refetched).toEqual([...REGISTRATION_PATHS].sort());
    expect(refetched).not.toContain(CALLS_PATH);
  });

  it("refetches them on a systems event too: what the user may read or its names changed", async () => {
    expect(await afterEvents(["systems"])).toEqual([...REGISTRATION_PATHS].sort());
  });

  it("leaves them alone on events of other resources", async () => {
    expect(await afterEvents(["news", "users", "groups", "authorisations"])).toEqual([]);
  });
});
