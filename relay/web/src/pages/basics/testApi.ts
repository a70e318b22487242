import { vi } from "vitest";

// A stand-in for the relay in component tests: answers fetch() by "METHOD /path" (path
// without /api/v1 and without the query) and records every request.

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string>;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export function mockApi(routes: Record<string, Handler | Reply>) {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://portal.test");
    const method = init?.method ?? "GET";
    const request: RecordedRequest = {
      method,
      path: url.pathname.replace(/^\/api\/v1/, ""),
      query: url.searchParams,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
      headers: (init?.headers ?? {}) as Record<string, string>,
    };
    requests.push(request);
    const route = routes[`${method} ${request.path}`];
    if (!route) {
      return json(404, { error: { code: "not_found", message: `no mock for ${method} ${request.path}` } });
    }
    const reply = typeof route === "function" ? await route(request) : route;
    const status = reply.status ?? 200;
    if (status === 204) return new Response(null, { status, headers: reply.headers });
    return json(status, reply.body ?? {}, reply.headers);
  });
  vi.stubGlobal("fetch", fetchMock);
  return { requests, fetchMock };
}

export function apiError(status: number, code: string, headers?: Record<string, string>): Reply {
  return { status, body: { error: { code, message: code } }, headers };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export const TEST_USER = {
  id: 7,
  email: "ada@example.com",
  name: "Ada Lovelace",
  language: "en",
  company: { id: 3, name: "Example GmbH" },
  company_admin: false,
};

export const TEST_SESSION = { user: TEST_USER, csrf_token: "csrf-1" };
