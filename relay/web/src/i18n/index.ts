import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";
import enAccess from "./en/access";
import enBasics from "./en/basics";
import enCommon from "./en/common";
import enErrors from "./en/errors";
import enList from "./en/list";
import enPbxdata from "./en/pbxdata";
import enSystems from "./en/systems";
import deAccess from "./de/access";
import deBasics from "./de/basics";
import deCommon from "./de/common";
import deErrors from "./de/errors";
import deList from "./de/list";
import dePbxdata from "./de/pbxdata";
import deSystems from "./de/systems";

export const LANGUAGES = ["en", "de"] as const;
export type Language = (typeof LANGUAGES)[number];

// Texts are small, so both languages ship in the bundle: switching is instant and works
// offline. One namespace per area of the portal.
export const resources = {
  en: {
    common: enCommon,
    errors: enErrors,
    list: enList,
    systems: enSystems,
    access: enAccess,
    basics: enBasics,
    pbxdata: enPbxdata,
  },
  de: {
    common: deCommon,
    errors: deErrors,
    list: deList,
    systems: deSystems,
    access: deAccess,
    basics: deBasics,
    pbxdata: dePbxdata,
  },
} as const;

const STORAGE_KEY = "ccc.language";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

// Before login the portal follows the last choice on this browser, then the browser's
// preference; after login the user's stored language wins (see SessionProvider).
export function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage may be disabled; fall through.
  }
  const preferred = typeof navigator === "undefined" ? [] : navigator.languages ?? [];
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base)) return base;
  }
  return "en";
}

export function rememberLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered on this browser; the server keeps it per user anyway.
  }
}

export function createI18n(language: Language = "en"): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: "en",
    ns: Object.keys(resources.en),
    defaultNS: "common",
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    initAsync: false,
    showSupportNotice: false,
  });
  // The document's language follows the chosen one (screen readers, hyphenation).
  const applyLang = (lng: string) => {
    if (typeof document !== "undefined") document.documentElement.lang = lng;
  };
  applyLang(instance.language);
  instance.on("languageChanged", applyLang);
  return instance;
}
