// Where to go after signing in: the `?next=` parameter, but only when it is a path on this
// site. Anything else ("//evil.example", "https://…", "/\\evil.example", control
// characters that browsers strip) becomes "/", so the login page cannot be used to send
// someone to another site.

const BASE = "http://portal.invalid";

export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//")) return "/";
  // Browsers read "\" as "/" and drop tabs and line breaks, so "/\evil" and "/\t/evil"
  // would become "//evil": refuse them outright.
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return "/";
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  // Back to the login page would only show the form again.
  if (url.pathname === "/login") return "/";
  return url.pathname + url.search + url.hash;
}
