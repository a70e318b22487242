import { request, type APIRequestContext } from "@playwright/test";
import type { Authorisation, Group, GroupMember, Page, System } from "../../src/api/types";
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

  async dispose(): Promise<void> {
    await this.context.dispose();
  }
}
