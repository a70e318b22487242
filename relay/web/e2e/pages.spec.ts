import { expect, test, type Page } from "@playwright/test";
import { Api } from "./helpers/api";
import { fixture, seeded } from "./helpers/fixture";
import { snap } from "./helpers/screens";
import { signIn } from "./helpers/session";

// Every other page once, with a screenshot each: the basics (news, account, help, legal),
// the pages of later features, an unknown address, and a user of another company who must
// not see the first company's systems.
test.describe.configure({ mode: "serial" });

const { admin, other } = fixture.users;
let page: Page;

function nav(p: Page) {
  return p.getByRole("navigation", { name: "Main navigation" });
}

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  await signIn(page, admin);
});

test.afterAll(async () => {
  await page?.context().close();
});

test("news, account, help and legal pages", async () => {
  await nav(page).getByRole("link", { name: "News", exact: true }).click();
  await expect(page.getByTestId("page-news")).toBeVisible();
  await expect(page.getByTestId("news-list")).toContainText("Maintenance window on Sunday");
  await snap(page, "admin-news");

  await page.getByRole("link", { name: `Account menu for ${admin.email}` }).click();
  await expect(page.getByTestId("page-account")).toBeVisible();
  await expect(page.getByTestId("account-profile")).toContainText(admin.email);
  await expect(page.getByTestId("account-profile")).toContainText(fixture.company);
  await snap(page, "admin-account");

  await nav(page).getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page.getByTestId("server-version")).toHaveText(/\d+\.\d+/);
  await page.getByRole("link", { name: "Online help" }).click();
  await expect(page.getByTestId("page-help")).toBeVisible();
  await snap(page, "admin-help");

  for (const [link, file] of [
    ["Privacy policy", "privacy"],
    ["Licence agreement", "licence"],
    ["Open-source licences", "open-source"],
  ] as const) {
    await page.goto("/");
    await page.getByRole("link", { name: link, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/legal/${file}$`));
    await expect(page.getByTestId("page-legal")).toBeVisible();
    await expect(page.getByTestId("legal-not-found")).toHaveCount(0);
    await snap(page, `admin-legal-${file}`);
  }
  await expect(page.getByTestId("open-source-table")).toContainText("React");
});

test("pages of later features say plainly that they are not available yet", async () => {
  const fleet: [string, string][] = [
    ["/administration/smtp", "Mail servers (SMTP)"],
    ["/fleet/backup", "Backup"],
  ];
  const system = seeded("Berlin branch");
  const perSystem: [string, string][] = [
    ["monitoring", "Monitoring"],
    ["alerts", "Alerts"],
    ["backup", "Backup"],
    ["smtp", "Mail servers (SMTP)"],
    ["remote-configuration", "Remote configuration"],
  ];
  const all = [...fleet, ...perSystem.map(([path, title]): [string, string] => [`/systems/${system.id}/${path}`, title])];
  for (const [path, title] of all) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(page.getByTestId("feature-not-available")).toContainText("Not available yet");
    // No invented data: no tables, no figures.
    await expect(page.locator("main table")).toHaveCount(0);
    await snap(page, `not-available${path.replace(/\//g, "-").replace(`-${system.id}-`, "-")}`);
  }
});

test("the PBX data pages open for a system and for the fleet", async () => {
  const system = seeded("Berlin branch");
  const pages: [string, string, string][] = [
    ["/fleet/telephones", "Telephone status", "page-fleet-telephones"],
    ["/fleet/accounts", "Providers and accounts", "page-fleet-accounts"],
    ["/fleet/calls", "Call data", "page-fleet-calls"],
    [`/systems/${system.id}/telephones`, "Telephone status", "page-telephones"],
    [`/systems/${system.id}/accounts`, "Providers and accounts", "page-accounts"],
    [`/systems/${system.id}/calls`, "Call data", "page-calls"],
    [`/systems/${system.id}/licences`, "Licences", "page-licences"],
  ];
  for (const [path, title, testId] of pages) {
    await page.goto(path);
    await expect(page.getByTestId(testId)).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(page.getByTestId("feature-not-available")).toHaveCount(0);
    await snap(page, `pbx-data${path.replace(/\//g, "-").replace(`-${system.id}-`, "-")}`);
  }
});

test("an unknown address shows the not-found page inside the portal", async () => {
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await expect(nav(page)).toBeVisible();
  await snap(page, "not-found");
  await page.getByRole("link", { name: "Go to the dashboard" }).click();
  await expect(page.getByTestId("page-dashboard")).toBeVisible();
});

test("a user of another company sees only that company's systems", async ({ browser }) => {
  const context = await browser.newContext();
  const p = await context.newPage();
  try {
    await signIn(p, other);
    await expect(p.getByText(`Company: ${fixture.other_company}`, { exact: true })).toBeVisible();
    await nav(p).getByRole("link", { name: "Overview", exact: true }).click();
    const rows = p.getByTestId("systems-table").locator("tbody tr");
    await expect(rows).toHaveCount(fixture.other_company_systems.length);
    for (const own of fixture.other_company_systems) await expect(rows.filter({ hasText: own.name })).toHaveCount(1);
    for (const foreign of fixture.seeded_systems) {
      await expect(p.getByTestId("systems-table")).not.toContainText(foreign.name);
    }
    await snap(p, "other-company-systems-overview");

    const foreign = seeded("Berlin branch");
    await p.goto(`/systems/${foreign.id}`);
    await expect(p.getByTestId("system-not-found")).toBeVisible();
    await expect(p.getByText("Berlin branch")).toHaveCount(0);
    await snap(p, "other-company-foreign-system");

    const api = await Api.as(other);
    expect((await api.system(foreign.id)).status).toBe(404);
    expect((await api.systems()).map((s) => s.serial)).toEqual(fixture.other_company_systems.map((s) => s.serial));
    await api.dispose();
  } finally {
    await context.close();
  }
});
