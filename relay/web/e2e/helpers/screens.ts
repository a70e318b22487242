import { expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";

// One full-page PNG per page visited, for a reviewer: <SCREENSHOT_DIR>/<who>-<page>.png
// (the launcher empties the folder first, so it shows the last run only).
const dir = process.env.SCREENSHOT_DIR ?? path.resolve("../../build/portal-screenshots");
mkdirSync(dir, { recursive: true });

export async function snap(page: Page, name: string): Promise<void> {
  // A page is worth a look once its heading is there and nothing loads any more.
  await expect(page.locator("h1").first()).toBeVisible();
  await expect(page.locator(".spinner, [aria-busy='true']")).toHaveCount(0);
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, "-")}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: "disabled", caret: "hide" });
}
