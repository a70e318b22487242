import { request, type APIRequestContext } from "@playwright/test";
import type { Authorisation, Group, GroupMember, Page, Role, System } from "../../src/api/types";
import { fixture, type User } from "./fixture";

// The relay API as one user sees it, beside the browser: to check outcomes on the server
// (not only on screen) and to look up ids. Cookie session + CSRF header like the portal.
export class Api {
  private constructor(
    private readonly context: APIRequestContext,
    private readonly csrf: string,
  ) {}

  static async as(user: User): Promise<Api> {
    const context = await request.newContext({ baseURL: fixture.portal_url });
    const response = await context.post("/api/v1/session", {
      data: { email: user.email, password: user.password },
    });
    if (response.status() !== 200) throw new Error(`login of ${user.email}: ${response.status()} ${await response.text()}`);
    const body = (await response.json()) as { csrf_token: string };
    return new Api(context, body.csrf_token);
  }

  async get<T>(path: string): Promise<{ status: number; body: T }> {
    const response = await this.context.get(`/api/v1${path}`);
    const text = await response.text();
    return { status: response.status(), body: (text ? JSON.parse(text) : null) as T };
  }

  async send<T>(method: "POST" | "PATCH" | "PUT" | "DELETE", path: string, data?: unknown): Promise<{ status: number; body: T }> {
    const response = await this.context.fetch(`/api/v1${path}`, {
      method,
      data,
      headers: { "X-CSRF-Token": this.csrf },
    });
    const text = await response.text();
    return { status: response.status(), body: (text ? JSON.parse(text) : null) as T };
  }

  async systems(q = ""): Promise<System[]> {
    const { status, body } = await this.get<Page<System>>(`/systems?limit=100&q=${encodeURIComponent(q)}`);
    if (status !== 200) throw new Error(`GET /systems: ${status}`);
    return body.items;
  }

  async systemBySerial(serial: string): Promise<System | undefined> {
    return (await this.systems(serial)).find((s) => s.serial === serial);
  }

  async system(id: number): Promise<{ status: number; body: System }> {
    return this.get<System>(`/systems/${id}`);
  }

  async authorisations(): Promise<Authorisation[]> {
    return (await this.get<Page<Authorisation>>("/authorisations?limit=100")).body.items;
  }

  async groups(owned: boolean): Promise<Group[]> {
    return (await this.get<Page<Group>>(`/groups?limit=100&owned=${owned}`)).body.items;
  }

  async groupMembers(id: number): Promise<GroupMember[]> {
    return (await this.get<Page<GroupMember>>(`/groups/${id}/members?limit=100`)).body.items;
  }

  // A response as bytes (CSV exports), with its headers.
  async raw(path: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const response = await this.context.get(`/api/v1${path}`);
    return { status: response.status(), headers: response.headers(), body: await response.body() };
  }

  async userId(email: string): Promise<number> {
    const { status, body } = await this.get<Page<{ id: number; email: string }>>(`/users?limit=100&q=${encodeURIComponent(email)}`);
    const user = body.items?.find((u) => u.email === email);
    if (status !== 200 || !user) throw new Error(`GET /users?q=${email}: ${status}, not found`);
    return user.id;
  }

  // Grants `roles` on a system to the user with that e-mail (the caller must be allowed to).
  async grant(email: string, systemId: number, roles: Role[]): Promise<Authorisation> {
    const userId = await this.userId(email);
    const { status, body } = await this.send<Authorisation>("POST", "/authorisations", { user_id: userId, system_id: systemId, roles });
    if (status !== 201) throw new Error(`POST /authorisations for ${email}: ${status} ${JSON.stringify(body)}`);
    return body;
  }

  async setLanguage(language: "en" | "de"): Promise<void> {
    const { status, body } = await this.send("PATCH", "/session", { language });
    if (status !== 200) throw new Error(`PATCH /session language=${language}: ${status} ${JSON.stringify(body)}`);
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
  }
}
