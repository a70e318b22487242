import { expect, test } from "@playwright/test";

// How the relay serves the portal, over plain HTTP (no browser): strict CSP on the HTML,
// immutable hashed assets, and index.html for app routes so deep links work.
test.describe("the relay serves the portal", () => {
  test("index.html carries a strict Content-Security-Policy and is revalidated", async ({ request }) => {
    const response = await request.get("/", { headers: { "Accept-Encoding": "identity" } });
    expect(response.status()).toBe(200);
    const headers = response.headers();
    expect(headers["content-type"]).toMatch(/^text\/html/);
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["cache-control"]).toContain("no-cache");
    expect(headers["etag"]).toBeTruthy();
    expect(await response.text()).toContain('<div id="root">');
  });

  test("hashed assets are cached for a year as immutable", async ({ request }) => {
    const html = await (await request.get("/")).text();
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, "index.html names a hashed script under /assets/").toBeTruthy();
    const response = await request.get(script!);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/javascript/);
    const cache = response.headers()["cache-control"] ?? "";
    expect(cache).toContain("immutable");
    expect(cache).toMatch(/max-age=31536000/);
  });

  test("an app route such as /systems/123 answers with index.html", async ({ request }) => {
    const index = await (await request.get("/")).text();
    const response = await request.get("/systems/123");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/^text\/html/);
    expect(response.headers()["content-security-policy"]).toBeTruthy();
    expect(await response.text()).toBe(index);
  });

  test("a missing asset is a 404, not the app", async ({ request }) => {
    const response = await request.get("/assets/missing-0000.js");
    expect(response.status()).toBe(404);
  });
});
