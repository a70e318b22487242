import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PUBLIC_DOMAIN, THIRD_PARTY_COMPONENTS } from "./openSource";
import { ssoErrorKey } from "./ssoErrors";
import { toNewApiToken, tokenSchema } from "./tokenForm";
import { formatWait } from "./waitTime";
import en from "../../i18n/en/basics";

describe("formatWait", () => {
  it("names short waits in seconds", () => {
    expect(formatWait(45, "en")).toBe("45 seconds");
    expect(formatWait(1, "de")).toBe("1 Sekunde");
  });

  it("rounds longer waits up to whole minutes and hours", () => {
    expect(formatWait(90, "en")).toBe("2 minutes");
    expect(formatWait(900, "de")).toBe("15 Minuten");
    expect(formatWait(7201, "en")).toBe("3 hours");
  });

  it("never asks for less than one second", () => {
    expect(formatWait(0.2, "en")).toBe("1 second");
  });
});

describe("ssoErrorKey", () => {
  it("maps every code of the relay to a sentence", () => {
    for (const code of [
      "state_invalid",
      "provider_error",
      "provider_unavailable",
      "token_exchange_failed",
      "id_token_invalid",
      "id_token_signature_invalid",
      "id_token_issuer_mismatch",
      "id_token_audience_mismatch",
      "id_token_expired",
      "id_token_not_yet_valid",
      "id_token_nonce_mismatch",
      "email_missing",
      "company_unknown",
      "account_conflict",
      "account_disabled",
      "account_not_found",
      "internal",
    ]) {
      const key = ssoErrorKey(code);
      expect(key, code).not.toBe("generic");
      expect(en.login.ssoErrors, code).toHaveProperty(key);
    }
  });

  it("falls back to the generic sentence for unknown codes", () => {
    expect(ssoErrorKey("something_new")).toBe("generic");
    expect(ssoErrorKey("constructor")).toBe("generic");
  });
});

describe("tokenSchema", () => {
  const parse = (name: string, days: string) => tokenSchema.safeParse({ name, days });

  it("turns an empty expiry into a token that never expires", () => {
    const result = parse("  backup script ", "");
    expect(result.success && toNewApiToken(result.data)).toEqual({ name: "backup script" });
  });

  it("sends the expiry in days", () => {
    const result = parse("ci", "30");
    expect(result.success && toNewApiToken(result.data)).toEqual({ name: "ci", expires_in_days: 30 });
  });

  it.each(["0", "3651", "1.5", "-1", "ten"])("refuses %s days", (days) => {
    expect(parse("ci", days).success).toBe(false);
  });

  it("wants a name of at most 100 characters", () => {
    expect(parse("   ", "").success).toBe(false);
    expect(parse("x".repeat(100), "").success).toBe(true);
    expect(parse("x".repeat(101), "").success).toBe(false);
  });
});

describe("open-source list", () => {
  const lock = JSON.parse(readFileSync(resolve(__dirname, "../../../package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string; license?: string }>;
  };

  it("names the portal packages with the versions and licences of the lock file", () => {
    const portal = THIRD_PARTY_COMPONENTS.filter((component) => component.npm);
    expect(portal.length).toBeGreaterThan(5);
    for (const component of portal) {
      const locked = lock.packages[`node_modules/${component.npm}`];
      expect(locked, component.npm).toBeDefined();
      expect(component.version, component.npm).toBe(locked?.version);
      expect(component.licence, component.npm).toBe(locked?.license);
    }
  });

  it("lists every runtime dependency of the portal", () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, "../../../package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const listed = new Set(THIRD_PARTY_COMPONENTS.map((component) => component.npm));
    for (const name of Object.keys(pkg.dependencies)) expect(listed, name).toContain(name);
  });

  it("gives every component a licence", () => {
    for (const component of THIRD_PARTY_COMPONENTS) {
      const spdx = /^[A-Za-z0-9.+-]+( OR [A-Za-z0-9.+-]+)*$/.test(component.licence);
      expect(component.licence === PUBLIC_DOMAIN || spdx, component.name).toBe(true);
    }
  });
});
