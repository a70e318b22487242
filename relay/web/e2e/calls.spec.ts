import { expect, test, type Download, type Locator, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import type { CallRecord } from "../src/api/pbxdata";
import type { Page as ListPage, System } from "../src/api/types";
import { Api } from "./helpers/api";
import { neutralised, readCsv } from "./helpers/csv";
import { fixture } from "./helpers/fixture";
import { snap } from "./helpers/screens";
import { signedInPage } from "./helpers/session";

// Issue 5, call data (FEATURES H1-H4): on a paired system with maintenance whose agent
// delivers call history (prepared by the launcher), the holder of the Call data role
// filters the calls, checks the table against the API, accepts the legal notice and
// downloads the CSV (English, then German); a user with only the Monitoring role finds no
// way to call data: no menu entry, a refusal instead of data, 403 from the API.
test.describe.configure({ mode: "serial" });

const { admin, calls: holder, watcher } = fixture.users;
const system = fixture.calls_system;
const DAY_MS = 86_400_000;

// The period: the whole day before yesterday (the browser runs in UTC, so its "whole days"
// are UTC days). The agent's history covers it, and calls made while the test runs do not
// fall into it, so the table, the API and the file can be compared row by row.
const todayStart = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const periodStart = new Date(todayStart - 2 * DAY_MS);
const periodEnd = new Date(todayStart - DAY_MS);
const PERIOD_DAY = periodStart.toISOString().slice(0, 10);

const CSV_HEADER_EN = [
  "Call ID",
  "Start (UTC)",
  "Duration (s)",
  "Direction",
  "Result",
  "External number",
  "External name",
  "Billing number",
  "Billing name",
  "Real name",
  "Own number",
  "Call type",
];
const CSV_HEADER_DE = [
  "Datensatz-Nr.",
  "Beginn (UTC)",
  "Dauer (s)",
  "Richtung",
  "Ergebnis",
  "Externe Rufnummer",
  "Externer Name",
  "Abrechnungsnummer",
  "Abrechnungsname",
  "Tatsächlicher Name",
  "Eigene Rufnummer",
  "Gesprächsart",
];

interface Filters {
  q: string;
  result: "successful" | "unsuccessful";
  direction: "incoming" | "outgoing" | "internal";
}

// What the page asks the API for with the period and `filters` (sorted like the table).
function callsQuery(filters: Partial<Filters>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    from: periodStart.toISOString(),
    to: periodEnd.toISOString(),
    sort: "time",
    order: "desc",
    ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
    ...extra,
  });
  return params.toString();
}

async function callsPage(api: Api, path: string, query: string): Promise<ListPage<CallRecord> & { total_capped?: boolean }> {
  const { status, body } = await api.get<ListPage<CallRecord> & { total_capped?: boolean }>(`${path}?${query}`);
  if (status !== 200) throw new Error(`GET ${path}?${query}: ${status} ${JSON.stringify(body)}`);
  return body;
}

// The columns the number/name filter searches.
function searchable(call: CallRecord): string[] {
  return [call.external_number, call.external_name, call.billing_number, call.billing_name, call.real_name, call.own_number];
}

function matches(call: CallRecord, filters: Filters): boolean {
  const needle = filters.q.toLowerCase();
  return (
    call.result === filters.result &&
    call.direction === filters.direction &&
    searchable(call).some((text) => text.toLowerCase().includes(needle))
  );
}

function nav(page: Page): Locator {
  return page.getByRole("navigation", { name: "Main navigation" });
}

function callsTable(page: Page): Locator {
  return page.getByTestId("calls-table");
}

// The rows on screen as (start, external number): the time cell carries the exact start.
async function tableRows(page: Page): Promise<string[]> {
  return callsTable(page)
    .locator("tbody tr")
    .evaluateAll((rows) =>
      rows.map((row) => {
        const time = row.querySelector("td time")?.getAttribute("datetime") ?? "?";
        return `${time} ${row.querySelectorAll("td")[3]?.textContent?.trim() ?? "?"}`;
      }),
    );
}

// The same from the API, written as the table writes a number the PBX left empty ("withheld"
// for an incoming call, else a dash with "not given" for screen readers).
function apiRows(items: CallRecord[]): string[] {
  const number = (call: CallRecord) =>
    call.external_number || (call.direction === "incoming" ? "withheld" : "—not given");
  return items.map((call) => `${call.start} ${number(call)}`);
}

async function download(page: Page, buttonName: string, dialogName: string): Promise<Download> {
  await page.getByRole("button", { name: buttonName, exact: true }).click();
  const dialog = page.getByRole("alertdialog", { name: dialogName });
  await expect(dialog).toBeVisible();
  const [file] = await Promise.all([page.waitForEvent("download"), dialog.getByTestId("calls-download").click()]);
  await expect(dialog).toBeHidden();
  return file;
}

async function readDownload(file: Download, separator: string) {
  const bytes = readFileSync(await file.path());
  return { bytes, csv: readCsv(bytes, separator) };
}

let adminApi: Api;
let holderApi: Api;
let watcherApi: Api;
let holderPage: Page;
let chosen: Filters;
let expected: CallRecord[];

test.beforeAll(async () => {
  adminApi = await Api.as(admin);
});

test.afterAll(async () => {
  await holderApi?.setLanguage("en").catch(() => undefined);
  await holderPage?.context().close();
  for (const api of [adminApi, holderApi, watcherApi]) await api?.dispose();
});

test("the admin grants Call data to one colleague and Monitoring to another", async () => {
  await adminApi.grant(holder.email, system.id, ["call_data"]);
  await adminApi.grant(watcher.email, system.id, ["monitoring"]);

  holderApi = await Api.as(holder);
  watcherApi = await Api.as(watcher);
  const seenByHolder = (await holderApi.system(system.id)).body;
  expect(seenByHolder.roles).toEqual(["call_data"]);
  expect(seenByHolder.state).toBe("paired");
  expect(seenByHolder.allowed_actions).toContain("call_data");
  const seenByWatcher = (await watcherApi.system(system.id)).body;
  expect(seenByWatcher.roles).toEqual(["monitoring"]);
  expect(seenByWatcher.allowed_actions).not.toContain("call_data");
});

test("the period's call history has reached the relay", async () => {
  // Records reach the relay in the order the PBX wrote them (by end time), and a call ends
  // at most two hours after it started: once a call that started three hours after the
  // period is in, every call of the period is.
  const later = new URLSearchParams({ from: new Date(periodEnd.getTime() + 3 * 3_600_000).toISOString(), limit: "1" });
  await expect
    .poll(async () => (await callsPage(holderApi, `/systems/${system.id}/calls`, later.toString())).total, {
      message: "calls after the period at the relay",
      timeout: 60_000,
    })
    .toBeGreaterThan(0);

  // Filters for which the period holds a handful of calls: successful outgoing calls, and
  // a name or number that some of them have and others have not (counted here on the
  // first page of the period's calls, then asked of the server).
  const base = { result: "successful", direction: "outgoing" } as const;
  const all = await callsPage(holderApi, `/systems/${system.id}/calls`, callsQuery(base, { limit: "500" }));
  expect(all.total, "successful outgoing calls in the period").toBeGreaterThan(2);
  const counts = new Map<string, number>();
  for (const call of all.items) {
    for (const text of new Set(searchable(call))) if (text) counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  const candidates = [...counts.entries()]
    .filter(([, count]) => count >= 2 && count <= 40 && count < all.total)
    .sort((a, b) => b[1] - a[1])
    .map(([text]) => text);
  for (const q of candidates.slice(0, 10)) {
    const page = await callsPage(holderApi, `/systems/${system.id}/calls`, callsQuery({ ...base, q }, { limit: "500" }));
    if (page.total >= 2 && page.total <= 40) {
      chosen = { ...base, q };
      expected = page.items;
      break;
    }
  }
  expect(chosen, `a name or number shared by 2..40 of ${all.total} calls`).toBeDefined();
  // The server filtered as asked: every call matches, no call is missing.
  for (const call of expected) expect(matches(call, chosen), JSON.stringify(call)).toBe(true);
  expect(expected.length).toBe(all.items.filter((call) => matches(call, chosen)).length);
});

test("the Call data holder finds call data in the menus and opens it", async ({ browser }) => {
  holderPage = await signedInPage(browser, holder);
  const page = holderPage;
  await nav(page).getByRole("link", { name: "Overview", exact: true }).click();
  await expect(page.getByTestId("page-systems")).toBeVisible();
  await page.getByTestId(`menu-${system.id}`).click();
  const menu = page.locator(".row-menu-panel");
  await expect(menu.getByRole("link", { name: "Call data", exact: true })).toBeVisible();
  await menu.getByRole("link", { name: "Call data", exact: true }).click();

  await expect(page).toHaveURL(new RegExp(`/systems/${system.id}/calls`));
  const calls = page.getByTestId("page-calls");
  await expect(calls.getByRole("heading", { level: 1 })).toHaveText("Call data");
  await expect(calls.getByRole("link", { name: system.name, exact: true })).toBeVisible();
  await expect(callsTable(page).locator("tbody tr").first()).toBeVisible();
  const selected = nav(page).getByRole("list", { name: /Selected system/ });
  await expect(selected.getByRole("link", { name: "Call data", exact: true })).toBeVisible();
  await snap(page, "calls-holder-unfiltered");
});

test("filters narrow the table to exactly the calls the API names", async () => {
  const page = holderPage;
  // The period: a custom one, the whole day before yesterday.
  await page.getByLabel("Period", { exact: true }).selectOption("custom");
  const range = page.getByRole("form", { name: "Custom period" });
  await range.getByLabel("From", { exact: true }).fill(PERIOD_DAY);
  await range.getByLabel("To", { exact: true }).fill(PERIOD_DAY);
  await range.getByRole("button", { name: "Apply period" }).click();
  await expect(page).toHaveURL(new RegExp(`range=custom.*from=${PERIOD_DAY}.*to=${PERIOD_DAY}`));

  await page.getByLabel("Result", { exact: true }).selectOption("successful");
  await page.getByLabel("Direction", { exact: true }).selectOption("outgoing");
  await page.getByRole("searchbox", { name: "Number or name" }).fill(chosen.q);
  await expect(page).toHaveURL(/result=successful/);
  await expect(page).toHaveURL(/direction=outgoing/);
  await expect.poll(() => new URL(page.url()).searchParams.get("q")).toBe(chosen.q);

  await expect(callsTable(page).locator("tbody tr")).toHaveCount(expected.length);
  await expect.poll(() => tableRows(page)).toEqual(apiRows(expected));
  // Each row says what the filters asked for, in words.
  for (const row of await callsTable(page).locator("tbody tr").all()) {
    await expect(row).toContainText("Outgoing");
    await expect(row).toContainText("Successful");
  }
  await snap(page, "calls-holder-filtered");
});

test("the CSV export behind the legal notice holds the same calls", async () => {
  const page = holderPage;
  await page.getByRole("button", { name: "Export CSV", exact: true }).click();
  const dialog = page.getByRole("alertdialog", { name: "Call data is personal data" });
  await expect(dialog.getByTestId("calls-legal-notice")).toContainText("personal data");
  await expect(dialog.getByTestId("calls-legal-notice")).toContainText(`all ${expected.length} calls`);
  await snap(page, "calls-holder-export-notice");
  // Cancel leaves without a file ...
  await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(dialog).toBeHidden();

  // ... Download confirms the notice and the browser saves the file.
  const file = await download(page, "Export CSV", "Call data is personal data");
  expect(file.suggestedFilename()).toBe("gespr_dat.csv");
  const { bytes, csv } = await readDownload(file, ",");
  expect(bytes.subarray(0, 3).toString("hex"), "UTF-8 byte order mark").toBe("efbbbf");
  expect(csv.bom).toBe(true);
  expect(csv.header).toEqual(CSV_HEADER_EN);
  expect(csv.rows).toHaveLength(expected.length);
  expect(csv.rows.map((row) => row[0])).toEqual(expected.map((call) => String(call.id)));
  for (const [i, row] of csv.rows.entries()) {
    const call = expected[i]!;
    expect(row).toHaveLength(CSV_HEADER_EN.length);
    expect(row.slice(2, 5)).toEqual([String(call.duration_s), "Outgoing", "Successful"]);
    expect(row[1]).toBe(call.start.replace("T", " ").replace(/(\.\d+)?Z$/, ""));
    expect(row.slice(5, 11)).toEqual(
      [call.external_number, call.external_name, call.billing_number, call.billing_name, call.real_name, call.own_number].map(
        neutralised,
      ),
    );
  }

  // The relay serves the same file to a script with the same filters.
  const direct = await holderApi.raw(`/systems/${system.id}/calls.csv?${callsQuery(chosen)}`);
  expect(direct.status).toBe(200);
  expect(direct.headers["content-type"]).toMatch(/^text\/csv;\s*charset=utf-8$/i);
  expect(direct.headers["content-disposition"]).toContain('filename="gespr_dat.csv"');
  expect(direct.body.equals(bytes)).toBe(true);
});

test("in German the file has German headings and semicolons", async () => {
  const page = holderPage;
  await holderApi.setLanguage("de");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(callsTable(page).locator("tbody tr")).toHaveCount(expected.length);

  const file = await download(page, "CSV exportieren", "Gesprächsdaten sind personenbezogene Daten");
  expect(file.suggestedFilename()).toBe("gespr_dat.csv");
  const { csv } = await readDownload(file, ";");
  expect(csv.bom).toBe(true);
  expect(csv.header).toEqual(CSV_HEADER_DE);
  expect(csv.rows.map((row) => row[0])).toEqual(expected.map((call) => String(call.id)));
  for (const row of csv.rows) expect(row.slice(3, 5)).toEqual(["Gehend", "Erfolgreich"]);

  await holderApi.setLanguage("en");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
});

test("the fleet call data page shows the same calls with their system", async () => {
  const page = holderPage;
  const query = new URLSearchParams({
    range: "custom",
    from: PERIOD_DAY,
    to: PERIOD_DAY,
    result: chosen.result,
    direction: chosen.direction,
    q: chosen.q,
  });
  await page.goto(`/fleet/calls?${query.toString()}`);
  await expect(page.getByTestId("page-fleet-calls").getByRole("heading", { level: 1 })).toHaveText("Call data");
  const fleet = await callsPage(holderApi, "/fleet/calls", callsQuery(chosen, { limit: "500" }));
  // The holder may see call data of this one system only.
  expect(fleet.items.map((call) => call.system?.id)).toEqual(expected.map(() => system.id));
  expect(fleet.items.map((call) => call.id)).toEqual(expected.map((call) => call.id));
  await expect(callsTable(page).locator("tbody tr")).toHaveCount(expected.length);
  for (const row of await callsTable(page).locator("tbody tr").all()) {
    await expect(row.getByRole("link", { name: system.name, exact: true })).toBeVisible();
  }
  await snap(page, "calls-holder-fleet");
});

test("each export is in the company's audit log with its filters", async () => {
  interface AuditEntry {
    actor: string;
    action: string;
    target_type: string;
    target_id: string;
    details: unknown;
  }
  const { status, body } = await adminApi.get<ListPage<AuditEntry>>("/audit?q=calls.export&sort=time&order=desc&limit=100");
  expect(status).toBe(200);
  const exports = body.items.filter((entry) => entry.action === "calls.export" && entry.target_id === String(system.id));
  // English and German download in the browser, and the script's fetch.
  expect(exports).toHaveLength(3);
  for (const entry of exports) {
    expect(entry.target_type).toBe("system");
    expect(JSON.stringify(entry.details)).toContain(chosen.q);
  }
});

test("a Monitoring-only user finds no call data entry in the menus", async ({ browser }) => {
  const page = await signedInPage(browser, watcher);
  try {
    await nav(page).getByRole("link", { name: "Overview", exact: true }).click();
    await expect(page.getByTestId("page-systems")).toBeVisible();
    await page.getByTestId(`menu-${system.id}`).click();
    const menu = page.locator(".row-menu-panel");
    await expect(menu.getByRole("link", { name: "System information", exact: true })).toBeVisible();
    await expect(menu.getByRole("link", { name: "Monitoring", exact: true })).toBeVisible();
    await expect(menu.getByRole("link", { name: "Call data", exact: true })).toHaveCount(0);
    await snap(page, "calls-watcher-menu");

    await page.goto(`/systems/${system.id}`);
    await expect(page.getByTestId("page-system-information")).toBeVisible();
    const selected = nav(page).getByRole("list", { name: /Selected system/ });
    await expect(selected.getByRole("link", { name: "System information", exact: true })).toBeVisible();
    await expect(selected.getByRole("link", { name: "Call data", exact: true })).toHaveCount(0);

    // The address typed by hand: a refusal in words, no table, no export.
    await page.goto(`/systems/${system.id}/calls`);
    const calls = page.getByTestId("page-calls");
    await expect(calls.getByRole("heading", { level: 1 })).toHaveText("Call data");
    await expect(calls.getByTestId("pbx-refusal")).toContainText("Call data needs the Call data or Administrator role");
    await expect(callsTable(page)).toHaveCount(0);
    await expect(page.locator("main table")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Export CSV" })).toHaveCount(0);
    await snap(page, "calls-watcher-refused");

    // The fleet page has no system of theirs to show calls of.
    await page.goto(`/fleet/calls?range=custom&from=${PERIOD_DAY}&to=${PERIOD_DAY}`);
    await expect(page.getByTestId("page-fleet-calls")).toBeVisible();
    await expect(page.locator("main tbody tr")).toHaveCount(0);
    await snap(page, "calls-watcher-fleet");
  } finally {
    await page.context().close();
  }
});

test("the API refuses call data to the Monitoring-only user", async () => {
  const query = callsQuery(chosen);
  for (const path of [`/systems/${system.id}/calls`, `/systems/${system.id}/calls.csv`]) {
    for (const q of ["", `?${query}`]) {
      const answer = await watcherApi.raw(`${path}${q}`);
      expect(answer.status, `${path}${q}`).toBe(403);
      expect(JSON.parse(answer.body.toString("utf8")).error.code).toBe("forbidden");
      expect(answer.body.toString("utf8")).not.toContain(expected[0]!.external_number || "\u0000");
    }
  }
  const fleet = await callsPage(watcherApi, "/fleet/calls", callsQuery({}, { limit: "500" }));
  expect(fleet.total).toBe(0);
  const fleetCsv = await watcherApi.raw(`/fleet/calls.csv?${callsQuery({})}`);
  if (fleetCsv.status === 200) expect(readCsv(fleetCsv.body, ",").rows).toHaveLength(0);
  else expect(fleetCsv.status).toBe(403);

  // The system itself stays visible to them, with Monitoring only.
  const seen = await watcherApi.get<System>(`/systems/${system.id}`);
  expect(seen.status).toBe(200);
  expect(seen.body.roles).toEqual(["monitoring"]);
});
