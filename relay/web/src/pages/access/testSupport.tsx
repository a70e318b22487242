import type { ReactNode } from "react";
import { Route, Routes } from "react-router";
import { vi } from "vitest";
import type { Group, Session, System, UserMe } from "../../api/types";
import type { Language } from "../../i18n";
import { SessionContext } from "../../layout/SessionContext";
import { renderWithProviders } from "../../test/renderWithProviders";

// Test helpers of the access pages: a fake relay answering fetch() and a signed-in user.

export const ME: UserMe = {
  id: 1,
  email: "me@example.com",
  name: "Me Myself",
  language: "en",
  company: { id: 1, name: "Example Ltd" },
  company_admin: false,
};

export interface ApiCall {
  method: string;
  path: string; // without /api/v1 and without the query
  query: URLSearchParams;
  body: unknown;
}

export interface Reply {
  status?: number;
  body?: unknown;
}

// Routes by "METHOD /path"; a function answers by the call. Unknown routes answer 404.
export function mockApi(routes: Record<string, Reply | ((call: ApiCall) => Reply)>) {
  const calls: ApiCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://portal.test");
    const call: ApiCall = {
      method: init?.method ?? "GET",
      path: url.pathname.replace(/^\/api\/v1/, ""),
      query: url.searchParams,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const route = routes[`${call.method} ${call.path}`];
    const reply: Reply = route
      ? typeof route === "function"
        ? route(call)
        : route
      : { status: 404, body: { error: { code: "not_found", message: "no such route in the test" } } };
    const status = reply.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(reply.body ?? {}), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}

export function renderSignedIn(
  ui: ReactNode,
  options: { route?: string; path?: string; user?: UserMe; language?: Language } = {},
) {
  const session: Session = { user: options.user ?? ME, csrf_token: "csrf" };
  const content = options.path ? (
    <Routes>
      <Route path={options.path} element={ui} />
      {/* Static like in App.tsx, so it does not count as a group id. */}
      <Route path="/groups/own" element={<p>elsewhere</p>} />
      <Route path="*" element={<p>elsewhere</p>} />
    </Routes>
  ) : (
    ui
  );
  return renderWithProviders(<SessionContext.Provider value={session}>{content}</SessionContext.Provider>, {
    route: options.route,
    language: options.language,
  });
}

// Deferred reply: the test decides when the relay answers.
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function page<T>(items: T[]) {
  return { items, total: items.length };
}

export function makeGroup(overrides: Partial<Group> = {}): Group {
  return {
    id: 10,
    name: "Support",
    description: "Second-level support",
    default_role: "monitoring",
    owner: { id: 2, email: "boss@example.com" },
    members: 3,
    systems: 2,
    public: true,
    created_at: "2025-05-01T10:00:00Z",
    member: false,
    ...overrides,
  };
}

export function makeSystem(overrides: Partial<System> = {}): System {
  return {
    id: 100,
    name: "Headquarters",
    serial: "SER-0001",
    owner: { id: 1, email: ME.email },
    created_at: "2025-05-01T10:00:00Z",
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
    confirmation_code: null,
    roles: ["owner"],
    allowed_actions: ["view_system", "manage_authorisations", "add_system_to_group"],
    ...overrides,
  };
}
