#!/usr/bin/env node
// The portal benchmark (tests/bench/README.md, "Portal"): drives Debian's Chromium through
// playwright-core against a running relay that already holds the seeded fleet, and prints
// one JSON line of figures on stdout (progress on stderr; details and a screenshot in --out).
//
//   node tests/bench/portal/portal_bench.mjs --base-url http://127.0.0.1:PORT \
//     --email E --password P --web-root DIR --out DIR [--runs 20] [--keystrokes 24]
//
// Figures (times in ms, sizes in KiB = 1024 bytes):
//   portal_first_load_js_kb_gz          larger of the two below
//   portal_first_load_js_kb_gz_login    JS bytes on the wire for a cold load of /login
//   portal_first_load_js_kb_gz_systems  the same for a cold load of /systems, signed in
//   portal_systems_first_rows_ms / _p95_ms  navigation start -> first data row painted
//   portal_filter_update_ms / _p95_ms       filter keystroke -> updated rows painted
//   portal_systems_api_ms (peer)            the page's first list request with plain HTTP
//   portal_filter_api_ms (peer)             the timed keystrokes' list requests, plain HTTP
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { constants, gzipSync } from "node:zlib";

const HERE = dirname(fileURLToPath(import.meta.url));
const WEB_DIR = resolve(HERE, "../../../relay/web");
// playwright-core is a dependency of the portal's @playwright/test: resolve it from there.
const { chromium } = createRequire(join(WEB_DIR, "package.json"))("playwright-core");

const CHROMIUM = process.env.BENCH_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const VIEWPORT = { width: 1280, height: 800 };
const TABLE = '[data-testid="systems-table"]';
const PAGE_ROOT = '[data-testid="page-systems"]';
const QUIET_MS = 1000; // no new script request for this long = the page has loaded its JS

// Varied filter text ("Place City N" names, "PBX-000123" serials): cities, places with a
// city, a city with a number, a serial prefix, mostly with distinct first letters so that
// few prefixes repeat. Each is typed a key at a time, then the box is cleared.
const WORDS = [
  "hamb", "kiel", "dres", "ware", "stut", "clinic b", "mun", "leip", "pbx-0077", "frei",
  "ros", "erf", "aach", "bonn 4", "nur", "ess", "work", "mainz", "call", "plant h", "yard",
  "brem", "sales office d", "head office k",
];

function parseArgs(argv) {
  const opts = { runs: 20, keystrokes: 24 };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (argv[i + 1] === undefined) throw new Error(`missing value for ${argv[i]}`);
    opts[key] = argv[i + 1];
  }
  for (const k of ["baseUrl", "email", "password", "webRoot", "out"]) {
    if (!opts[k]) throw new Error(`--${k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())} is required`);
  }
  opts.runs = Number(opts.runs);
  opts.keystrokes = Number(opts.keystrokes);
  return opts;
}

const log = (...a) => console.error("[portal]", ...a);
const round = (v, d = 1) => (v === null || v === undefined ? null : Number(v.toFixed(d)));
const kib = (bytes) => bytes / 1024;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Nearest rank: the smallest value with at least 95 % of the samples at or below it.
function p95(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(0.95 * s.length) - 1)];
}

// ---- plain HTTP (the peer figures and the filter plan) -------------------------------------

// One GET over a fresh connection, like the browser's first request on a new context.
function httpGet(url, cookie) {
  return new Promise((resolveGet, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { agent: false, headers: { Cookie: cookie, Accept: "application/json" } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const ms = performance.now() - t0;
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`GET ${url}: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
        else resolveGet({ ms, body: JSON.parse(text) });
      });
    });
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${url}: timeout`)));
  });
}

async function login(base, email, password) {
  const res = await fetch(`${base}/api/v1/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("ccc_session="));
  if (!cookie) throw new Error("login: no ccc_session cookie");
  return cookie.split(";", 1)[0];
}

// ---- in-page instrumentation ---------------------------------------------------------------

// Installed before any script of the page runs. Records when the first data row of the
// systems table is in the DOM and when the frame showing it has been produced, the time of
// each keydown, and offers waitRows(): resolves once the table's data rows match.
function pageInstrumentation({ table }) {
  const b = (window.__cccBench = { keydowns: [], longtasks: [] });
  performance.setResourceTimingBufferSize(100_000);
  // Main-thread tasks over 50 ms: where the time between a keystroke and its rows goes.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longtasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
  // How a keystroke's time splits: the list request for `q` made after `at`, and the
  // main thread's long tasks between `at` and `end` (ms after `at`).
  b.breakdown = (q, at, end) => {
    const req = performance.getEntriesByType("resource").find((e) => {
      const u = new URL(e.name);
      return u.pathname === "/api/v1/systems" && (u.searchParams.get("q") ?? "") === q && e.startTime >= at;
    });
    const busy = b.longtasks.reduce((sum, [s, d]) => sum + Math.max(0, Math.min(s + d, end) - Math.max(s, at)), 0);
    return {
      request_start_ms: req ? req.startTime - at : null,
      response_end_ms: req ? req.responseEnd - at : null,
      long_tasks_ms: busy,
    };
  };
  // Data rows: a loading, empty or error row spans the table in a single cell.
  const dataRows = () => {
    const t = document.querySelector(table);
    if (!t) return [];
    return [...t.querySelectorAll("tbody tr")].filter((tr) => tr.querySelectorAll("td").length >= 2);
  };
  const shown = (tr) => {
    const r = tr.getBoundingClientRect();
    const visible = typeof tr.checkVisibility === "function"
      ? tr.checkVisibility({ opacityProperty: true, visibilityProperty: true }) : true;
    return visible && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight && tr.textContent.trim() !== "";
  };
  // Runs `then(t, raf)` with the time after the next frame was produced, and the time its
  // rAF callback ran: the rAF callback runs before that frame's style, layout and paint, a
  // task queued from it runs after them. The task is queued with the highest priority
  // (scheduler.postTask, where there is one), so that it runs before work the page queued.
  const postTask = (fn) => (globalThis.scheduler?.postTask
    ? globalThis.scheduler.postTask(fn, { priority: "user-blocking" })
    : setTimeout(fn, 0));
  const afterFrame = (then) => requestAnimationFrame(() => {
    const raf = performance.now();
    postTask(() => then(performance.now(), raf));
  });
  b.signature = () => dataRows().map((tr) => tr.textContent.replace(/\s+/g, " ").trim()).join("\n");
  b.rowTexts = () => dataRows().map((tr) => tr.textContent.replace(/\s+/g, " ").trim());

  const first = new MutationObserver(() => {
    const tr = dataRows().find(shown);
    if (!tr) return;
    first.disconnect();
    b.firstRowInDom = performance.now();
    b.firstRowText = tr.textContent.replace(/\s+/g, " ").trim();
    afterFrame((t, raf) => {
      b.firstRowFrame = raf;
      b.firstRowPainted = t;
    });
  });
  first.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });

  window.addEventListener("keydown", (e) => b.keydowns.push({ key: e.key, at: performance.now(), ts: e.timeStamp }), true);

  // expected: for each data row in order, a string it must contain (the serials of the
  // API's page); null = any row set that differs from `before`.
  b.waitRows = (expected, before, timeoutMs) =>
    new Promise((done) => {
      const matches = () => {
        const rows = dataRows();
        if (expected) {
          return rows.length === expected.length &&
            rows.every((tr, i) => tr.textContent.includes(expected[i])) && rows.every((tr) => tr.isConnected);
        }
        const sig = b.signature();
        return sig !== before && rows.length > 0;
      };
      let finished = false;
      const finish = (result) => {
        if (finished) return;
        finished = true;
        mo.disconnect();
        clearTimeout(timer);
        done(result);
      };
      const mo = new MutationObserver(() => {
        if (!matches()) return;
        const inDom = performance.now();
        mo.disconnect();
        afterFrame((painted, raf) => finish({ inDom, painted, raf }));
      });
      const timer = setTimeout(() => finish({ timeout: true, rows: b.rowTexts().slice(0, 3) }), timeoutMs);
      if (matches()) {
        const inDom = performance.now();
        afterFrame((painted, raf) => finish({ inDom, painted, raf, already: true }));
        return;
      }
      mo.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
    });
}

// ---- network accounting ---------------------------------------------------------------------

// Collects every finished response of the page with its encoded (wire) body size.
function trackNetwork(page) {
  const entries = [];
  const pending = new Set();
  page.on("request", (req) => pending.add(req));
  const settle = async (req, failed) => {
    pending.delete(req);
    const res = failed ? null : await req.response().catch(() => null);
    const sizes = failed ? null : await req.sizes().catch(() => null);
    const headers = res ? await res.allHeaders().catch(() => ({})) : {};
    entries.push({
      url: req.url(),
      type: req.resourceType(),
      status: res ? res.status() : null,
      contentType: headers["content-type"] ?? "",
      encoding: headers["content-encoding"] ?? "",
      bytes: sizes ? sizes.responseBodySize : null,
      failed,
    });
  };
  page.on("requestfinished", (req) => settle(req, false));
  page.on("requestfailed", (req) => settle(req, true));
  return { entries, pending };
}

const isJs = (e) => /javascript|ecmascript/i.test(e.contentType) || /\.m?js(\?|$)/.test(new URL(e.url).pathname);
const jsPending = (pending) => [...pending].filter((r) => /\.m?js$/.test(new URL(r.url()).pathname) || r.resourceType() === "script").length;

// Waits until the page requested no new script for QUIET_MS and none is in flight.
async function waitScriptsQuiet(page, net, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let count = -1;
  while (Date.now() < deadline) {
    const now = net.entries.filter(isJs).length;
    if (now === count && jsPending(net.pending) === 0) return;
    count = now;
    await page.waitForTimeout(QUIET_MS);
  }
  throw new Error("the page kept loading scripts for 30 s");
}

function jsSummary(entries, webRoot) {
  const js = entries.filter((e) => isJs(e) && !e.failed);
  const files = js.map((e) => {
    const path = new URL(e.url).pathname;
    const file = join(webRoot, decodeURIComponent(path));
    let raw = null;
    let gzSibling = null;
    let gzip9 = null;
    if (existsSync(file)) {
      const body = readFileSync(file);
      raw = body.length;
      gzip9 = gzipSync(body, { level: constants.Z_BEST_COMPRESSION }).length;
      gzSibling = existsSync(file + ".gz") ? statSync(file + ".gz").size : null;
    }
    return { path, status: e.status, encoding: e.encoding, wire: e.bytes, raw, gz_sibling: gzSibling, gzip9 };
  });
  const sum = (k) => files.reduce((s, f) => s + (f[k] ?? 0), 0);
  // What the relay should send: the .gz sibling where precompress wrote one, else the file.
  const expected = files.reduce((s, f) => s + (f.gz_sibling ?? f.raw ?? 0), 0);
  return {
    files: files.sort((a, b) => (b.wire ?? 0) - (a.wire ?? 0)),
    count: files.length,
    wire_bytes: sum("wire"),
    raw_bytes: sum("raw"),
    disk_served_bytes: expected,
    disk_gzip9_bytes: sum("gzip9"),
    not_gzip: files.filter((f) => f.encoding !== "gzip").map((f) => `${f.path} (${f.raw ?? "?"} B, ${f.encoding || "identity"})`),
    missing_on_disk: files.filter((f) => f.raw === null).map((f) => f.path),
  };
}

// ---- the benchmark ---------------------------------------------------------------------------

async function newContext(browser, base, cookie) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: "en-GB", serviceWorkers: "block" });
  if (cookie) {
    const [name, value] = cookie.split("=");
    await context.addCookies([{ name, value, url: base, httpOnly: true, sameSite: "Lax" }]);
  }
  await context.addInitScript(pageInstrumentation, { table: TABLE });
  return context;
}

async function firstLoadLogin(browser, opts) {
  const context = await newContext(browser, opts.baseUrl, null);
  try {
    const page = await context.newPage();
    const net = trackNetwork(page);
    await page.goto(`${opts.baseUrl}/login`, { waitUntil: "load" });
    await page.locator('input[type="password"]').first().waitFor({ state: "visible", timeout: 20_000 })
      .catch(() => log("no password field on /login (page not written yet?): measuring what loaded"));
    await waitScriptsQuiet(page, net);
    await page.screenshot({ path: join(opts.out, "login.png") });
    return jsSummary(net.entries, opts.webRoot);
  } finally {
    await context.close();
  }
}

// One cold load of /systems (new context: empty cache) with the session cookie.
async function systemsRun(browser, opts, cookie, { screenshot = false, js = false } = {}) {
  const context = await newContext(browser, opts.baseUrl, cookie);
  try {
    const page = await context.newPage();
    const net = trackNetwork(page);
    const listRequests = [];
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (u.pathname === "/api/v1/systems") listRequests.push(u.pathname + u.search);
    });
    await page.goto(`${opts.baseUrl}/systems`, { waitUntil: "commit" });
    const ok = await page.waitForFunction(() => window.__cccBench?.firstRowPainted !== undefined, null,
      { timeout: 30_000, polling: 50 }).then(() => true, () => false);
    if (!ok) {
      await page.screenshot({ path: join(opts.out, "systems-timeout.png") }).catch(() => {});
      throw new Error(`no data row in ${TABLE} within 30 s at ${page.url()} ` +
        `(screenshot systems-timeout.png; table present: ${await page.locator(TABLE).count()})`);
    }
    const t = await page.evaluate(() => {
      const b = window.__cccBench;
      const nav = performance.getEntriesByType("navigation")[0];
      const res = performance.getEntriesByType("resource");
      const before = (e) => e.responseEnd <= b.firstRowInDom;
      const scripts = res.filter((e) => /\.m?js$/.test(new URL(e.name).pathname)).filter(before);
      const api = (p) => res.filter((e) => new URL(e.name).pathname === p).filter(before);
      const list = api("/api/v1/systems");
      const session = api("/api/v1/session");
      return {
        first_row_in_dom_ms: b.firstRowInDom,
        first_row_frame_ms: b.firstRowFrame,
        first_row_painted_ms: b.firstRowPainted,
        first_row_text: b.firstRowText,
        document_response_end_ms: nav ? nav.responseEnd : null,
        dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
        scripts_before_row: scripts.length,
        scripts_end_ms: scripts.length ? Math.max(...scripts.map((e) => e.responseEnd)) : null,
        session_request_start_ms: session.length ? session[0].startTime : null,
        session_response_end_ms: session.length ? session[0].responseEnd : null,
        list_request_start_ms: list.length ? list[0].startTime : null,
        list_response_end_ms: list.length ? list[list.length - 1].responseEnd : null,
        list_requests_before_row: list.length,
        long_tasks_ms: b.longtasks.reduce((sum, [s, d]) => sum + Math.max(0, Math.min(s + d, b.firstRowPainted) - s), 0),
      };
    });
    let jsInfo = null;
    if (js) {
      await waitScriptsQuiet(page, net);
      jsInfo = jsSummary(net.entries, opts.webRoot);
    }
    if (screenshot) await page.screenshot({ path: join(opts.out, "systems.png") });
    return { timing: t, listRequests, js: jsInfo, page, context };
  } catch (e) {
    await context.close();
    throw e;
  }
}

// The list request the page makes for a filter text, as plain HTTP (same parameters).
function listUrl(base, firstListPath, q) {
  const u = new URL(base + firstListPath);
  u.searchParams.delete("q");
  u.searchParams.delete("offset");
  const qs = new URLSearchParams();
  if (q.trim()) qs.set("q", q.trim());
  for (const [k, v] of u.searchParams) qs.set(k, v);
  return `${base}/api/v1/systems?${qs}`;
}

// Keystrokes to send: every word typed a key at a time, then cleared (Ctrl+A, Backspace).
// A keystroke is timed when its filter text was never shown before in this page (no cached
// answer), the API's first page for it differs from the one before, and it is not empty.
async function filterPlan(base, cookie, firstListPath, initialSerials, want) {
  const steps = [];
  const seen = new Set([""]);
  let prevIds = initialSerials.join(",");
  let timed = 0;
  const cache = new Map();
  const pageFor = async (q) => {
    const key = q.trim();
    if (!cache.has(key)) cache.set(key, (await httpGet(listUrl(base, firstListPath, q), cookie)).body);
    return cache.get(key);
  };
  for (const word of WORDS) {
    if (timed >= want) break;
    let q = "";
    const keys = [...word].map((c) => ({ key: c, q: (q += c) })).concat([{ key: "clear", q: "" }]);
    for (const k of keys) {
      const body = await pageFor(k.q);
      const serials = body.items.map((s) => s.serial);
      const ids = serials.join(",");
      const fresh = !seen.has(k.q);
      const changed = ids !== prevIds;
      const time = k.key !== "clear" && fresh && changed && serials.length > 0 && timed < want;
      steps.push({ ...k, expected: serials, total: body.total, changed, fresh, time });
      if (time) timed += 1;
      seen.add(k.q);
      prevIds = ids;
    }
  }
  if (timed < want) throw new Error(`the filter plan yields only ${timed} timed keystrokes (want ${want})`);
  return steps;
}

async function filterBench(browser, opts, cookie) {
  const run = await systemsRun(browser, opts, cookie);
  const { page, context } = run;
  try {
    const firstListPath = run.listRequests[0];
    if (!firstListPath) throw new Error("the systems page made no GET /api/v1/systems request");
    const initial = (await httpGet(listUrl(opts.baseUrl, firstListPath, ""), cookie)).body;
    const initialSerials = initial.items.map((s) => s.serial);
    // Match rows by serial when the table shows them; else by "the row set changed".
    const rowTexts = await page.evaluate(() => window.__cccBench.rowTexts());
    const bySerial = rowTexts.length === initialSerials.length && rowTexts.every((t, i) => t.includes(initialSerials[i]));
    if (!bySerial) log(`rows do not show the API's serials in order (${rowTexts.length} rows): detecting a change of the row set instead`);
    const steps = await filterPlan(opts.baseUrl, cookie, firstListPath, initialSerials, opts.keystrokes);
    const box = page.locator(PAGE_ROOT).getByRole("searchbox").or(page.locator(PAGE_ROOT).getByLabel(/filter/i)).first();
    await box.waitFor({ state: "visible", timeout: 10_000 });
    await box.click();
    // Requests of the list in flight, and the filter texts whose answer arrived.
    let inFlight = 0;
    const answered = new Set();
    const isList = (r) => new URL(r.url()).pathname === "/api/v1/systems";
    page.on("request", (r) => isList(r) && (inFlight += 1));
    const done = (r) => {
      if (!isList(r)) return;
      inFlight -= 1;
      answered.add(new URL(r.url()).searchParams.get("q") ?? "");
    };
    page.on("requestfinished", done);
    page.on("requestfailed", done);
    const samples = [];
    for (const s of steps) {
      const before = await page.evaluate(() => window.__cccBench.signature());
      const n0 = await page.evaluate(() => window.__cccBench.keydowns.length);
      answered.delete(s.q.trim());
      // Untimed steps that leave the rows as they were wait for their request below instead.
      const watch = bySerial || s.changed;
      const waiting = watch
        ? page.evaluate(([expected, sig]) => window.__cccBench.waitRows(expected, sig, 15_000),
          [bySerial ? s.expected : null, before])
        : null;
      if (s.key === "clear") {
        await page.keyboard.press("Control+A");
        await page.keyboard.press("Backspace");
      } else {
        await page.keyboard.type(s.key);
      }
      const r = watch ? await waiting : { skipped: true };
      if (r.timeout) {
        await page.screenshot({ path: join(opts.out, "filter-timeout.png") }).catch(() => {});
        throw new Error(`the rows did not update within 15 s after typing ${JSON.stringify(s.key)} (filter "${s.q}"); ` +
          `first rows: ${JSON.stringify(r.rows)}`);
      }
      const keydown = await page.evaluate((n) => window.__cccBench.keydowns[n], n0);
      if (s.time) {
        if (!keydown) throw new Error("no keydown event reached the page");
        // From the event's own time stamp (when the browser received the key, as the Event
        // Timing API counts it), so a busy main thread delaying the keydown counts too.
        const start = keydown.ts > 0 && keydown.ts <= keydown.at && keydown.at - keydown.ts < 1000 ? keydown.ts : keydown.at;
        const split = await page.evaluate(([q, at, end]) => window.__cccBench.breakdown(q, at, end),
          [s.q.trim(), start, r.painted]);
        samples.push({ q: s.q, key: s.key, ms: r.painted - start, dom_ms: r.inDom - start, frame_ms: r.raf - start,
          input_delay_ms: keydown.at - start, ...split, total: s.total });
      }
      // The next keystroke only once this one's request (a new filter text makes one after
      // the debounce) and any refetch have finished: samples must not overlap.
      const deadline = Date.now() + 15_000;
      while ((s.fresh && !answered.has(s.q.trim())) || inFlight > 0) {
        if (Date.now() > deadline) throw new Error(`the list request for "${s.q}" did not finish within 15 s`);
        await page.waitForTimeout(20);
      }
      await page.waitForTimeout(30);
    }
    const value = await box.inputValue();
    if (value !== "") log(`filter box ends with "${value}" (expected empty)`);
    await page.screenshot({ path: join(opts.out, "systems-filtered.png") });
    return { samples, steps: steps.map(({ expected, ...rest }) => rest), bySerial, firstListPath };
  } finally {
    await context.close();
  }
}

async function main() {
  const opts = parseArgs(process.argv);
  mkdirSync(opts.out, { recursive: true });
  if (!existsSync(join(opts.webRoot, "index.html"))) throw new Error(`no index.html in ${opts.webRoot}`);
  const cookie = await login(opts.baseUrl, opts.email, opts.password);
  const visible = (await httpGet(`${opts.baseUrl}/api/v1/systems?limit=1`, cookie)).body.total;
  log(`signed in; ${visible} systems visible`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const details = { visible_systems: visible, browser: browser.version(), runs: opts.runs };
  const figures = {};
  try {
    // 1. JavaScript of the first page, cold: the login page, and /systems signed in.
    const loginJs = await firstLoadLogin(browser, opts);
    // A first navigation of the fresh browser pays for starting a renderer: not measured.
    await (await systemsRun(browser, opts, cookie)).context.close();
    const sys = await systemsRun(browser, opts, cookie, { js: true, screenshot: true });
    await sys.context.close();
    const systemsJs = sys.js;
    details.first_load = { login: loginJs, systems: systemsJs };
    for (const [name, s] of Object.entries(details.first_load)) {
      log(`first load ${name}: ${s.count} scripts, ${kib(s.wire_bytes).toFixed(1)} KiB on the wire ` +
        `(${kib(s.raw_bytes).toFixed(1)} KiB raw; on disk: ${kib(s.disk_served_bytes).toFixed(1)} KiB as served, ` +
        `${kib(s.disk_gzip9_bytes).toFixed(1)} KiB gzip -9)`);
      for (const f of s.files.slice(0, 6)) log(`  ${f.path}: ${kib(f.wire ?? 0).toFixed(1)} KiB wire, ${kib(f.raw ?? 0).toFixed(1)} KiB raw`);
      if (s.not_gzip.length) log(`  sent uncompressed: ${s.not_gzip.join(", ")}`);
    }
    const larger = loginJs.wire_bytes >= systemsJs.wire_bytes ? "login" : "systems";
    figures.portal_first_load_js_kb_gz_login = round(kib(loginJs.wire_bytes));
    figures.portal_first_load_js_kb_gz_systems = round(kib(systemsJs.wire_bytes));
    figures.portal_first_load_js_kb_gz = round(kib(Math.max(loginJs.wire_bytes, systemsJs.wire_bytes)));
    details.first_load_larger = larger;
    const check = [];
    for (const [name, s] of Object.entries(details.first_load)) {
      if (s.missing_on_disk.length) check.push(`${name}: not in ${opts.webRoot}: ${s.missing_on_disk.join(", ")}`);
      else if (Math.abs(s.wire_bytes - s.disk_served_bytes) > 16 * s.count) {
        check.push(`${name}: ${s.wire_bytes} B on the wire but ${s.disk_served_bytes} B on disk`);
      }
    }
    details.first_load_check = check.length ? check : "wire bytes = .gz siblings (or small files) on disk";

    // 2. Navigation to the first rows, cold cache per run.
    const runs = [];
    for (let i = 0; i < opts.runs; i++) {
      const r = await systemsRun(browser, opts, cookie);
      await r.context.close();
      runs.push(r.timing);
      log(`first rows run ${i + 1}/${opts.runs}: ${r.timing.first_row_painted_ms.toFixed(0)} ms ` +
        `(list request sent at ${r.timing.list_request_start_ms?.toFixed(0)} ms, answered at ` +
        `${r.timing.list_response_end_ms?.toFixed(0)} ms)`);
    }
    const painted = runs.map((r) => r.first_row_painted_ms);
    figures.portal_systems_first_rows_ms = round(median(painted));
    figures.portal_systems_first_rows_p95_ms = round(p95(painted));
    const breakdown = {};
    for (const k of Object.keys(runs[0])) {
      const xs = runs.map((r) => r[k]).filter((v) => typeof v === "number");
      if (xs.length) breakdown[k] = round(median(xs));
    }
    details.first_rows = { median_breakdown: breakdown, runs, first_row_text: runs[0].first_row_text };
    log(`first rows, medians after navigation start: document ${breakdown.document_response_end_ms} ms, ` +
      `DOMContentLoaded ${breakdown.dom_content_loaded_ms} ms, session answered ${breakdown.session_response_end_ms} ms, ` +
      `last script ${breakdown.scripts_end_ms} ms, list request sent ${breakdown.list_request_start_ms} ms, answered ` +
      `${breakdown.list_response_end_ms} ms, row in the DOM ${breakdown.first_row_in_dom_ms} ms, next frame began ` +
      `${breakdown.first_row_frame_ms} ms, painted ` +
      `${breakdown.first_row_painted_ms} ms; long tasks ${breakdown.long_tasks_ms} ms of it`);

    // 3. Filter keystrokes.
    const f = await filterBench(browser, opts, cookie);
    const fms = f.samples.map((s) => s.ms);
    figures.portal_filter_update_ms = round(median(fms));
    figures.portal_filter_update_p95_ms = round(p95(fms));
    const split = {};
    for (const k of ["input_delay_ms", "request_start_ms", "response_end_ms", "dom_ms", "frame_ms", "ms", "long_tasks_ms"]) {
      const xs = f.samples.map((x) => x[k]).filter((v) => typeof v === "number");
      if (xs.length) split[k] = round(median(xs));
    }
    details.filter = { ...f, median_breakdown: split };
    log(`filter, medians after the keydown: handler ran ${split.input_delay_ms} ms, list request sent ${split.request_start_ms} ms, answered ` +
      `${split.response_end_ms} ms, rows in the DOM ${split.dom_ms} ms, next frame began ${split.frame_ms} ms, ` +
      `painted ${split.ms} ms; ` +
      `long tasks ${split.long_tasks_ms} ms of it`);
    log(`filter: ${f.samples.length} keystrokes, median ${figures.portal_filter_update_ms} ms, ` +
      `p95 ${figures.portal_filter_update_p95_ms} ms (rows matched by ${f.bySerial ? "serial" : "change"})`);

    // 4. Peers: the same list requests with plain HTTP on a fresh connection each.
    const firstList = `${opts.baseUrl}${f.firstListPath}`;
    const apiMs = [];
    for (let i = 0; i < opts.runs; i++) apiMs.push((await httpGet(firstList, cookie)).ms);
    figures.portal_systems_api_ms = round(median(apiMs));
    const filterApiMs = [];
    for (const s of f.samples) filterApiMs.push((await httpGet(listUrl(opts.baseUrl, f.firstListPath, s.q), cookie)).ms);
    figures.portal_filter_api_ms = round(median(filterApiMs));
    details.peers = { first_list_url: f.firstListPath, api_ms: apiMs.map((v) => round(v)), filter_api_ms: filterApiMs.map((v) => round(v)) };
  } finally {
    await browser.close();
  }
  writeFileSync(join(opts.out, "details.json"), JSON.stringify({ figures, ...details }, null, 2) + "\n");
  console.log(JSON.stringify({ ...figures, portal_systems_visible: visible, first_load_larger: details.first_load_larger,
    first_load_check: details.first_load_check }));
}

main().catch((e) => {
  console.error(`[portal] FAILED: ${e.stack ?? e}`);
  process.exit(1);
});
