import type { TFunction } from "i18next";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { DeviceState, Role } from "../../api/types";
import { SYSTEM_LINKS } from "../../layout/navigation";

// The words of the systems lists, looked up once per language instead of once per cell:
// a page of 50 rows would otherwise ask i18next some 500 times on every render. Texts
// with a value ("Rename {{name}}") become small functions that fill in the value.

export type Fill = (value: string) => string;

const MARK = "\u0001";

// A template of `key` whose single interpolated value (whatever its name) is filled later.
function template(t: TFunction<"systems">, key: string): Fill {
  const parts = t(key, { name: MARK, when: MARK, date: MARK, command: MARK }).split(MARK);
  return (value) => parts.join(value);
}

export function systemTexts(t: TFunction<"systems">, tCommon: TFunction) {
  const states = ["waiting_for_pairing", "paired", "restricted", "error", "unknown"] as const;
  const reasons = ["code_expired", "no_code", "maintenance_inactive", "firmware_too_old", "never_seen", "other"] as const;
  const roles = ["owner", "administrator", "monitoring", "backup", "call_data", "none"] as const;
  return {
    state: Object.fromEntries(states.map((state) => [state, t(`state.${state}`)])) as Record<DeviceState, string>,
    reason: Object.fromEntries(reasons.map((reason) => [reason, t(`reasons.${reason}`)])) as Record<string, string>,
    role: Object.fromEntries(roles.map((role) => [role, tCommon(`roles.${role}`)])) as Record<Role | "none", string>,
    page: Object.fromEntries(SYSTEM_LINKS.map(({ key }) => [key, tCommon(`nav.${key}`)])) as Record<string, string>,
    online: t("connection.online"),
    offline: t("connection.offline"),
    lastSeen: template(t, "connection.lastSeen"),
    neverSeen: t("connection.never"),
    allowed: t("remote.allowed"),
    notAllowed: t("remote.notAllowed"),
    notYet: t("notYet"),
    notReported: t("notReported"),
    menuOpen: template(t, "menu.open"),
    menuRename: t("menu.rename"),
    rename: t("actions.rename"),
    renameNamed: template(t, "actions.renameNamed"),
    delete: t("actions.delete"),
    deleteNamed: template(t, "actions.deleteNamed"),
    codeExpired: t("code.expired"),
    codeNone: t("code.none"),
    expires: template(t, "code.expires"),
    copy: t("code.copy"),
    copyNamed: template(t, "code.copyNamed"),
    renew: t("code.renew"),
    renewNamed: template(t, "code.renewNamed"),
    issue: t("code.issue"),
    issueNamed: template(t, "code.issueNamed"),
    cancel: t("code.cancel"),
    cancelNamed: template(t, "code.cancelNamed"),
  };
}

export type SystemTexts = ReturnType<typeof systemTexts>;

export function useSystemTexts(): SystemTexts {
  const { t, i18n } = useTranslation("systems");
  const { t: tCommon } = useTranslation();
  // The language keys the memo too, in case `t` kept its identity across a switch.
  return useMemo(() => systemTexts(t, tCommon), [t, tCommon, i18n.language]);
}
