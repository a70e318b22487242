import { vi } from "vitest";
import type { System } from "../../api/types";

// Test helpers of the systems pages: a system as the API returns it and a fetch stand-in.

export function makeSystem(overrides: Partial<System> = {}): System {
  return {
    id: 1,
    name: "Headquarters",
    serial: "SER-0001",
    owner: { id: 7, email: "owner@example.com" },
    created_at: "2025-03-01T10:00:00Z",
    first_registration_at: null,
    paired: false,
    online: false,
    last_seen_at: null,
    model: "",
    firmware: "",
    opt_in: { monitoring: false, remote_configuration: false },
    maintenance: { active: false, until: null },
    state: "waiting_for_pairing",
    state_reasons: [],
    confirmation_code: { code: "ABCD-EFGH-JKLM", expires_at: "2099-03-02T10:00:00Z", expired: false },
    roles: ["owner"],
    allowed_actions: [
      "view_system",
      "read_system_information",
      "read_licences",
      "read_registration_status",
      "edit_system_name",
      "delete_system",
      "manage_authorisations",
      "add_system_to_group",
    ],
    ...overrides,
  };
}

export interface Call {
  method: string;
  path: string; // without /api/v1, with the query string
  body: unknown;
}

export type Route = (call: Call) => { status: number; body?: unknown } | undefined;

// Replaces fetch: `route` answers each call (undefined -> 404 not_found); `calls` records them.
export function mockFetch(route: Route): { calls: Call[] } {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: string, init: RequestInit = {}) => {
      const call: Call = {
        method: init.method ?? "GET",
        path: String(input).replace(/^\/api\/v1/, ""),
        body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      };
      calls.push(call);
      const answer = route(call) ?? { status: 404, body: { error: { code: "not_found", message: "no" } } };
      return new Response(answer.status === 204 ? null : JSON.stringify(answer.body ?? {}), {
        status: answer.status,
        headers: { "Content-Type": "application/json" },
      });
    }),
  );
  return { calls };
}
