import { expect, type Browser, type Page } from "@playwright/test";
import type { User } from "./fixture";

// Signs in through the login page like a person: e-mail, password, the button; ends on the
// dashboard (or on `next` when the login page was reached from a deep link).
export async function signIn(page: Page, user: User, path = "/login"): Promise<void> {
  await page.goto(path);
  await page.getByLabel("E-mail", { exact: false }).fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByRole("link", { name: new RegExp(escape(user.email)) })).toBeVisible();
}

// A fresh browser context (own cookies and storage) signed in as `user`.
export async function signedInPage(browser: Browser, user: User): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user);
  return page;
}

export function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
