import { defineConfig } from "@playwright/test";
import path from "node:path";

// Browser tests of the portal against a real relay, broker and agents. They are started by
// tests/e2e/run_portal_e2e.py (ctest integration.portal_e2e, so `make test`), which sets
// PORTAL_URL, SCREENSHOT_DIR, E2E_FIXTURE and E2E_OUTPUT_DIR; run it with --serve to keep a
// site up and call `npx playwright test` here by hand. Debian's chromium, never a download.
const portalUrl = process.env.PORTAL_URL;
if (!portalUrl) {
  throw new Error(
    "PORTAL_URL is not set: run the browser tests through tests/e2e/run_portal_e2e.py " +
      "(or start a site with its --serve option and use the environment it prints)",
  );
}

export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.spec.ts",
  // 2 cores: one browser at a time; the specs of one file build on each other.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  globalTimeout: 240_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: process.env.E2E_OUTPUT_DIR ?? path.resolve("../../build/e2e-portal/playwright"),
  use: {
    baseURL: portalUrl,
    browserName: "chromium",
    headless: true,
    locale: "en-GB",
    timezoneId: "UTC",
    viewport: { width: 1280, height: 800 },
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    trace: "off",
    video: "off",
    // Screenshots are taken on purpose, one per page visited (e2e/helpers/screens.ts).
    screenshot: "off",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-proxy-server",
      ],
    },
  },
});
