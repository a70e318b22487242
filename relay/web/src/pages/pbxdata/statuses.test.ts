import { describe, expect, it } from "vitest";
import {
  ACCOUNT_STATUSES,
  CALL_DIRECTIONS,
  CALL_RESULTS,
  KNOWN_CALL_TYPES,
  TELEPHONE_KINDS,
  TELEPHONE_STATUSES,
} from "../../api/pbxdata";
import { createI18n, LANGUAGES } from "../../i18n";
import {
  ACCOUNT_STATUS_LOOK,
  TELEPHONE_KIND_ICON,
  TELEPHONE_STATUS_LOOK,
  accountStatusLook,
  accountStatusText,
  callTypeText,
  pbxTexts,
  telephoneKindText,
  telephoneStatusLook,
  telephoneStatusText,
} from "./statuses";

function textsIn(language: (typeof LANGUAGES)[number]) {
  return pbxTexts(createI18n(language).getFixedT(language, "pbxdata"));
}

// Every status the PBX reports has words, a legend text and an icon in every language.
describe.each(LANGUAGES)("status words in %s", (language) => {
  const texts = textsIn(language);

  it("names every telephone status (E1) with words, a legend and an icon", () => {
    for (const status of TELEPHONE_STATUSES) {
      const words = telephoneStatusText(texts, status);
      expect(words, status).toBeTruthy();
      expect(words, status).not.toContain(status);
      expect(words, status).not.toContain("telephoneStatus.");
      expect(texts.telephoneStatusHelp[status].length, status).toBeGreaterThan(20);
      expect(TELEPHONE_STATUS_LOOK[status].icon, status).toBeTruthy();
    }
    const all = TELEPHONE_STATUSES.map((status) => telephoneStatusText(texts, status));
    expect(new Set(all).size).toBe(TELEPHONE_STATUSES.length);
  });

  it("names every account status (E2) with words, a legend and an icon", () => {
    for (const status of ACCOUNT_STATUSES) {
      const words = accountStatusText(texts, status);
      expect(words, status).toBeTruthy();
      expect(words, status).not.toContain(status);
      expect(words, status).not.toContain("accountStatus.");
      expect(texts.accountStatusHelp[status].length, status).toBeGreaterThan(20);
      expect(ACCOUNT_STATUS_LOOK[status].icon, status).toBeTruthy();
    }
    const all = ACCOUNT_STATUSES.map((status) => accountStatusText(texts, status));
    expect(new Set(all).size).toBe(ACCOUNT_STATUSES.length);
  });

  it("names every device type, direction, result and known call type", () => {
    for (const kind of TELEPHONE_KINDS) {
      expect(telephoneKindText(texts, kind), kind).not.toContain(kind);
      expect(TELEPHONE_KIND_ICON[kind], kind).toBeTruthy();
    }
    for (const direction of CALL_DIRECTIONS) expect(texts.direction[direction]).not.toContain("calls.");
    for (const result of CALL_RESULTS) expect(texts.result[result]).not.toContain("calls.");
    for (const callType of KNOWN_CALL_TYPES) {
      expect(callTypeText(texts, callType), callType).not.toContain("calls.");
      expect(callTypeText(texts, callType), callType).not.toBe(callType);
    }
  });

  it("shows values it does not know as they come, marked as another state", () => {
    expect(telephoneStatusText(texts, "melted")).toContain("melted");
    expect(accountStatusText(texts, "on_fire")).toContain("on_fire");
    expect(telephoneKindText(texts, "fax")).toContain("fax");
    expect(callTypeText(texts, "Projekt 7")).toBe("Projekt 7");
    expect(telephoneStatusLook("melted").tone).toBe("neutral");
    expect(accountStatusLook("on_fire").tone).toBe("neutral");
  });
});

describe("status words", () => {
  it("differ between English and German", () => {
    const en = textsIn("en");
    const de = textsIn("de");
    expect(en.telephoneStatus.registered_encrypted).toBe("Registered, encrypted");
    expect(de.telephoneStatus.registered_encrypted).toBe("Registriert, verschlüsselt");
    for (const status of TELEPHONE_STATUSES) {
      if (status === "unknown") continue;
      expect(de.telephoneStatus[status], status).not.toBe(en.telephoneStatus[status]);
    }
    for (const status of ACCOUNT_STATUSES) expect(de.accountStatus[status], status).not.toBe(en.accountStatus[status]);
  });

  it("give problems a different tone from working states", () => {
    expect(telephoneStatusLook("registered_encrypted").tone).toBe("success");
    expect(telephoneStatusLook("registration_incomplete").tone).toBe("danger");
    expect(accountStatusLook("configuration_faulty").tone).toBe("danger");
    expect(accountStatusLook("registered_encrypted").icon).not.toBe(accountStatusLook("registered_unencrypted").icon);
  });
});
