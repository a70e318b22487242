import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { agentFolder, fixture, seeded } from "./helpers/fixture";
import { Api } from "./helpers/api";
import { pairAgent, setMaintenance, startAgent, stopAgents } from "./helpers/agents";
import { snap } from "./helpers/screens";
import { signIn, signedInPage } from "./helpers/session";

// The story, in order, against the real relay, broker and agents: the company
// admin creates a system, an installer pairs it with the code from the screen and the
// state turns to paired live; a colleague gets the Monitoring role and sees exactly that;
// a public group is created and joined; German and back; filter and sort; delete.
test.describe.configure({ mode: "serial" });

const { admin, monitor, member } = fixture.users;
const agent = agentFolder(0);
const HEAD_OFFICE = "Head office";
const GROUP = "Night shift";
// What the Monitoring role allows on a paired system with maintenance and the monitoring
// opt-in (relay/policy/access_policy.cc), as the row menu names the pages.
const MONITORING_PAGES = [
  "System information",
  "Licences",
  "Telephone status",
  "Providers and accounts",
  "Monitoring",
  "Alerts",
];

let adminPage: Page;
let monitorPage: Page;
let adminApi: Api;
const headOffice = { id: 0, code: "" };
const extraPages: Page[] = [];

function nav(page: Page): Locator {
  return page.getByRole("navigation", { name: "Main navigation" });
}

function table(page: Page): Locator {
  return page.getByTestId("systems-table");
}

function row(page: Page, name: string): Locator {
  return table(page).getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
}

async function names(page: Page): Promise<string[]> {
  return table(page).locator("tbody tr td:first-child a").allTextContents();
}

async function userPage(browser: Browser, user: typeof admin): Promise<Page> {
  const page = await signedInPage(browser, user);
  extraPages.push(page);
  return page;
}

test.beforeAll(async ({ browser }) => {
  adminPage = await (await browser.newContext()).newPage();
  adminApi = await Api.as(admin);
});

test.afterAll(async () => {
  await stopAgents();
  for (const page of [adminPage, ...extraPages]) await page?.context().close();
  await adminApi?.dispose();
});

test("the company admin signs in", async () => {
  await adminPage.goto("/");
  await expect(adminPage).toHaveURL(/\/login/);
  await expect(adminPage.getByTestId("page-login")).toBeVisible();
  await snap(adminPage, "login");
  await signIn(adminPage, admin, adminPage.url());
  await expect(adminPage.getByTestId("page-dashboard")).toBeVisible();
  await expect(adminPage.getByText(`Welcome, ${admin.name}.`)).toBeVisible();
  await snap(adminPage, "admin-dashboard");
});

test("creating a system shows its confirmation code", async () => {
  await nav(adminPage).getByRole("link", { name: "Overview", exact: true }).click();
  await expect(adminPage.getByTestId("page-systems")).toBeVisible();
  await expect(row(adminPage, "Berlin branch")).toBeVisible();

  await adminPage.getByTestId("create-system").click();
  const dialog = adminPage.getByRole("dialog", { name: "Create system" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Name", { exact: true }).fill(HEAD_OFFICE);
  await dialog.getByLabel("Serial number", { exact: true }).fill(agent.serial);
  await dialog.getByRole("button", { name: "Create", exact: true }).click();

  const created = adminPage.getByRole("dialog", { name: "System created" });
  const code = created.getByTestId("created-code");
  await expect(code).toHaveText(/\S{6,}/);
  headOffice.code = (await code.textContent())!.trim();
  await snap(adminPage, "admin-system-created");

  // The code on screen is the one the relay issued for this serial.
  const system = await adminApi.systemBySerial(agent.serial);
  expect(system?.name).toBe(HEAD_OFFICE);
  expect(system?.confirmation_code?.code).toBe(headOffice.code);
  headOffice.id = system!.id;

  await created.getByRole("button", { name: "Done", exact: true }).click();
  await expect(created).toBeHidden();
  await expect(adminPage.getByTestId(`state-${headOffice.id}`)).toHaveText("Waiting for pairing");
  await expect(adminPage.getByTestId(`code-${headOffice.id}`)).toHaveText(headOffice.code);
  await snap(adminPage, "admin-systems-overview");
});

test("pairing the agent with that code turns the state to paired without a reload", async () => {
  await expect(adminPage.getByTestId(`state-${headOffice.id}`)).toHaveText("Waiting for pairing");
  // Live updates are on (the relay's event stream is open) ...
  await expect(adminPage.getByRole("status").filter({ hasText: "Live updates on" })).toHaveCount(1);
  // ... and this document stays the same: a reload would drop the mark.
  await adminPage.evaluate(() => {
    (window as unknown as { e2eMark: string }).e2eMark = "no-reload";
  });

  await setMaintenance(agent.serial);
  const paired = await pairAgent(agent, headOffice.code);
  expect(paired).toContain("Paired");
  startAgent(agent);

  await expect(adminPage.getByTestId(`state-${headOffice.id}`)).toHaveText("Paired", { timeout: 30_000 });
  await expect(row(adminPage, HEAD_OFFICE)).toContainText("Online");
  await expect(adminPage.getByTestId(`code-${headOffice.id}`)).toHaveCount(0);
  expect(await adminPage.evaluate(() => (window as unknown as { e2eMark?: string }).e2eMark)).toBe("no-reload");

  const { body } = await adminApi.system(headOffice.id);
  expect(body.paired).toBe(true);
  expect(body.online).toBe(true);
  expect(body.state).toBe("paired");
  await snap(adminPage, "admin-systems-overview-paired");
});

test("the system information page shows the paired system", async () => {
  await row(adminPage, HEAD_OFFICE).getByRole("link", { name: HEAD_OFFICE, exact: true }).click();
  const page = adminPage.getByTestId("page-system-information");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(HEAD_OFFICE);
  await expect(page.getByTestId(`state-${headOffice.id}`)).toHaveText("Paired");
  await expect(page.getByText(agent.serial).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete", exact: true })).toBeVisible();
  await snap(adminPage, "admin-system-information");

  // The selected system's pages of later features exist and say so plainly.
  await nav(adminPage).getByRole("link", { name: "Backup", exact: true }).last().click();
  await expect(adminPage.getByTestId("feature-not-available")).toContainText("Not available yet");
  await snap(adminPage, "admin-system-backup-not-available");
});

test("the admin grants the monitor user the Monitoring role", async () => {
  await nav(adminPage).getByRole("link", { name: "Authorisations", exact: true }).click();
  await expect(adminPage.getByTestId("page-authorisations")).toBeVisible();
  await adminPage.getByRole("button", { name: "Grant authorisation" }).click();
  const dialog = adminPage.getByRole("dialog", { name: "Grant an authorisation" });

  await dialog.getByRole("combobox", { name: "User" }).fill("monitor@");
  await dialog.getByRole("option", { name: new RegExp(monitor.email) }).click();
  await dialog.getByRole("combobox", { name: "System" }).fill(HEAD_OFFICE);
  await dialog.getByRole("option", { name: new RegExp(HEAD_OFFICE) }).click();
  await dialog.getByRole("checkbox", { name: /^Monitoring/ }).check();
  await dialog.getByRole("button", { name: "Grant", exact: true }).click();
  await expect(dialog).toBeHidden();

  const granted = adminPage.getByTestId("authorisations-table").getByRole("row").filter({ hasText: monitor.email });
  await expect(granted).toHaveCount(1);
  await expect(granted).toContainText(HEAD_OFFICE);
  await expect(granted).toContainText("Monitoring");
  await snap(adminPage, "admin-authorisations");

  const monitorApi = await Api.as(monitor);
  const { status, body } = await monitorApi.system(headOffice.id);
  await monitorApi.dispose();
  expect(status).toBe(200);
  expect(body.roles).toEqual(["monitoring"]);
});

test("the monitor user sees exactly what Monitoring allows", async ({ browser }) => {
  const page = await userPage(browser, monitor);
  monitorPage = page;
  await nav(page).getByRole("link", { name: "Overview", exact: true }).click();
  await expect(page.getByTestId("page-systems")).toBeVisible();
  await expect(row(page, HEAD_OFFICE)).toBeVisible();
  await expect(row(page, seeded("Monitor desk PBX").name)).toBeVisible();
  await expect(table(page).getByRole("link", { name: "Berlin branch" })).toHaveCount(0);

  const shared = row(page, HEAD_OFFICE);
  await expect(shared.getByTestId(`state-${headOffice.id}`)).toHaveText("Paired");
  await expect(shared).toContainText("Monitoring");
  await expect(page.getByTestId(`code-${headOffice.id}`)).toHaveCount(0);

  await page.getByTestId(`menu-${headOffice.id}`).click();
  const menu = shared.locator(".row-menu-panel");
  await expect(menu.getByRole("link")).toHaveText(MONITORING_PAGES);
  await expect(menu.getByRole("button", { name: "Rename" })).toHaveCount(0);
  await snap(page, "monitor-systems-overview-menu");

  await menu.getByRole("link", { name: "System information" }).click();
  const info = page.getByTestId("page-system-information");
  await expect(info.getByRole("heading", { level: 1 })).toHaveText(HEAD_OFFICE);
  await expect(info.getByRole("region", { name: "Your roles" })).toContainText("Monitoring");
  for (const action of ["Rename", "Unpair", "Delete"]) {
    await expect(info.getByRole("button", { name: action, exact: true })).toHaveCount(0);
  }
  await expect(info.getByRole("heading", { name: "Confirmation code" })).toHaveCount(0);
  await snap(page, "monitor-system-information");

  // Administration > Systems: no rename, delete or code for someone else's system; in edit
  // mode only the user's own system can be selected.
  await nav(page).getByRole("link", { name: "Systems", exact: true }).click();
  await expect(page.getByTestId("page-systems-admin")).toBeVisible();
  await expect(row(page, HEAD_OFFICE)).toBeVisible();
  await expect(page.getByTestId(`rename-${headOffice.id}`)).toHaveCount(0);
  await expect(page.getByTestId(`delete-${headOffice.id}`)).toHaveCount(0);
  await expect(page.getByTestId(`code-${headOffice.id}`)).toHaveCount(0);
  const own = seeded("Monitor desk PBX");
  await expect(page.getByTestId(`delete-${own.id}`)).toBeVisible();
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  await expect(page.getByRole("checkbox", { name: `Select ${HEAD_OFFICE}` })).toBeDisabled();
  await expect(page.getByRole("checkbox", { name: `Select ${own.name}` })).toBeEnabled();
  await snap(page, "monitor-administration-systems");

  // The server agrees: the monitor may not delete it.
  const monitorApi = await Api.as(monitor);
  const refused = await monitorApi.send("DELETE", `/systems/${headOffice.id}`);
  await monitorApi.dispose();
  expect(refused.status).toBe(403);
});

// The navigation's "Selected system" part names the system on the first visit and offers
// only the pages its allowed_actions permit.
test("the selected system's navigation offers only the pages Monitoring allows", async () => {
  await monitorPage.goto(`/systems/${headOffice.id}`);
  await expect(monitorPage.getByTestId("page-system-information")).toBeVisible();
  const selected = nav(monitorPage).getByRole("list", { name: /Selected system/ });
  await expect(nav(monitorPage).getByText(HEAD_OFFICE)).toBeVisible();
  await expect(selected.getByRole("link")).toHaveText(MONITORING_PAGES);
});

test("the admin creates a public group and the member joins it", async ({ browser }) => {
  await nav(adminPage).getByRole("link", { name: "Own groups", exact: true }).click();
  await expect(adminPage.getByTestId("page-own-groups")).toBeVisible();
  await adminPage.getByRole("button", { name: "Create group" }).click();
  const dialog = adminPage.getByRole("dialog", { name: "Create a group" });
  await dialog.getByLabel("Name", { exact: true }).fill(GROUP);
  await dialog.getByLabel("Description", { exact: true }).fill("Everyone on call at night");
  await dialog.getByRole("checkbox", { name: /^Public group/ }).check();
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await expect(dialog).toBeHidden();
  const owned = adminPage.getByTestId("own-groups-table").getByRole("row").filter({ hasText: GROUP });
  await expect(owned).toContainText("Public");
  await snap(adminPage, "admin-own-groups");

  const group = (await adminApi.groups(true)).find((g) => g.name === GROUP);
  expect(group?.public).toBe(true);
  await owned.getByRole("link", { name: GROUP }).click();
  await expect(adminPage.getByTestId("page-group-settings")).toBeVisible();
  await snap(adminPage, "admin-group-settings");

  const page = await userPage(browser, member);
  await nav(page).getByRole("link", { name: "Groups", exact: true }).click();
  await expect(page.getByTestId("page-groups")).toBeVisible();
  const listed = page.getByTestId("groups-table").getByRole("row").filter({ hasText: GROUP });
  await expect(listed).toContainText("Not a member");
  await page.getByTestId(`group-actions-${group!.id}`).getByRole("button", { name: "Join" }).click();
  await expect(listed).not.toContainText("Not a member");
  await expect(listed).toContainText("Member");
  await expect(page.getByTestId(`group-actions-${group!.id}`).getByRole("button", { name: "Leave" })).toBeVisible();
  await snap(page, "member-groups");

  const members = await adminApi.groupMembers(group!.id);
  expect(members.map((m) => m.email)).toContain(member.email);
});

test("the language switches to German and back", async () => {
  await nav(adminPage).getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(adminPage.getByTestId("page-dashboard")).toBeVisible();
  await expect(adminPage.locator("html")).toHaveAttribute("lang", "en");

  await adminPage.getByTestId("language-switch").selectOption("de");
  await expect(adminPage.locator("html")).toHaveAttribute("lang", "de");
  await expect(nav(adminPage)).toHaveCount(0); // the navigation's own name is German now
  const navDe = adminPage.getByRole("navigation").first();
  await expect(navDe.getByRole("link", { name: "Neuigkeiten", exact: true })).toBeVisible();
  await expect(navDe.getByRole("link", { name: "Berechtigungen", exact: true })).toBeVisible();
  await snap(adminPage, "admin-dashboard-de");
  // Remembered for the user on the server.
  await expect.poll(async () => (await adminApi.get<{ user: { language: string } }>("/session")).body.user.language).toBe("de");

  await adminPage.getByTestId("language-switch").selectOption("en");
  await expect(adminPage.locator("html")).toHaveAttribute("lang", "en");
  await expect(nav(adminPage).getByRole("link", { name: "News", exact: true })).toBeVisible();
  await expect.poll(async () => (await adminApi.get<{ user: { language: string } }>("/session")).body.user.language).toBe("en");
});

test("the systems list filters and sorts on the server", async () => {
  await nav(adminPage).getByRole("link", { name: "Overview", exact: true }).click();
  await expect(adminPage.getByTestId("page-systems")).toBeVisible();
  await expect(row(adminPage, HEAD_OFFICE)).toBeVisible();
  const all = await names(adminPage);
  expect(all).toEqual([...all].sort((a, b) => a.localeCompare(b)));
  expect(all.length).toBeGreaterThanOrEqual(4);

  const filter = adminPage.getByRole("searchbox", { name: "Filter systems" });
  await filter.fill("hamb");
  await expect(table(adminPage).locator("tbody tr")).toHaveCount(1);
  await expect(row(adminPage, "Hamburg depot")).toBeVisible();
  await expect(adminPage).toHaveURL(/q=hamb/);
  await snap(adminPage, "admin-systems-filtered");
  await filter.fill("");
  await expect(table(adminPage).locator("tbody tr")).toHaveCount(all.length);

  const nameHeader = table(adminPage).getByRole("columnheader", { name: "Name" });
  await expect(nameHeader).toHaveAttribute("aria-sort", "ascending");
  await nameHeader.getByRole("button").click();
  await expect(nameHeader).toHaveAttribute("aria-sort", "descending");
  await expect.poll(() => names(adminPage)).toEqual([...all].reverse());

  const serialHeader = table(adminPage).getByRole("columnheader", { name: "Serial number" });
  await serialHeader.getByRole("button").click();
  await expect(serialHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(nameHeader).not.toHaveAttribute("aria-sort", /.+/);
  const bySerial = [...(await adminApi.systems())].sort((a, b) => (a.serial < b.serial ? -1 : 1)).map((s) => s.name);
  await expect.poll(() => names(adminPage)).toEqual(bySerial);
  await snap(adminPage, "admin-systems-sorted");
});

test("a system is deleted from the administration list in edit mode", async () => {
  const doomed = seeded("Munich lab");
  await nav(adminPage).getByRole("link", { name: "Systems", exact: true }).click();
  await expect(adminPage.getByTestId("page-systems-admin")).toBeVisible();
  await expect(row(adminPage, doomed.name)).toBeVisible();
  await snap(adminPage, "admin-administration-systems");

  await adminPage.getByRole("button", { name: "Edit", exact: true }).click();
  await adminPage.getByRole("checkbox", { name: `Select ${doomed.name}` }).check();
  await adminPage.getByRole("button", { name: "Delete selected (1)" }).click();
  const confirm = adminPage.getByRole("alertdialog", { name: "Delete entries" });
  await expect(confirm).toContainText("Delete 1 system?");
  await snap(adminPage, "admin-delete-confirm");
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(confirm).toBeHidden();

  await expect(row(adminPage, doomed.name)).toHaveCount(0);
  await expect(row(adminPage, HEAD_OFFICE)).toBeVisible();
  expect((await adminApi.system(doomed.id)).status).toBe(404);
});
