import type { TFunction } from "i18next";
import {
  ArrowLeftRight,
  Cable,
  CircleAlert,
  CircleCheck,
  CircleDashed,
  CircleHelp,
  CircleX,
  FileCheck,
  FileClock,
  FileX,
  Globe,
  KeyRound,
  Lock,
  LockOpen,
  MessageSquareReply,
  Phone,
  PhoneIncoming,
  PhoneOff,
  PhoneOutgoing,
  Plug,
  RadioTower,
  ServerCrash,
  Smartphone,
  Unplug,
  type LucideIcon,
} from "lucide-react";
import { memo, useMemo } from "react";
import { useTranslation } from "react-i18next";
import {
  ACCOUNT_STATUSES,
  CALL_DIRECTIONS,
  CALL_RESULTS,
  KNOWN_CALL_TYPES,
  TELEPHONE_KINDS,
  TELEPHONE_STATUSES,
  isOneOf,
  type AccountStatus,
  type CallDirection,
  type CallResult,
  type KnownCallType,
  type TelephoneKind,
  type TelephoneStatus,
} from "../../api/pbxdata";
import "./pbxdata.css";

// Every reported value in words with an icon (never colour alone, never the raw wire name
// for a value the portal knows). Values a newer relay may add show as "Other state (x)".

export type Tone = "success" | "warning" | "danger" | "info" | "neutral";

export interface Look {
  icon: LucideIcon;
  tone: Tone;
}

export const TELEPHONE_STATUS_LOOK: Record<TelephoneStatus, Look> = {
  no_provisioning_file: { icon: FileX, tone: "warning" },
  provisioning_pending: { icon: FileClock, tone: "info" },
  provisioning_done: { icon: FileCheck, tone: "success" },
  registered_encrypted: { icon: Lock, tone: "success" },
  registered_unencrypted: { icon: LockOpen, tone: "success" },
  registration_incomplete: { icon: PhoneOff, tone: "danger" },
  unknown: { icon: CircleHelp, tone: "neutral" },
  connected_analogue: { icon: Plug, tone: "success" },
};

export const ACCOUNT_STATUS_LOOK: Record<AccountStatus, Look> = {
  stun_not_connected: { icon: CircleDashed, tone: "neutral" },
  stun_connected: { icon: Globe, tone: "info" },
  stun_failed: { icon: ServerCrash, tone: "danger" },
  stun_query_failed: { icon: CircleAlert, tone: "warning" },
  invite_answered: { icon: MessageSquareReply, tone: "info" },
  configuration_faulty: { icon: KeyRound, tone: "danger" },
  not_registered: { icon: Unplug, tone: "warning" },
  registered_unencrypted: { icon: LockOpen, tone: "success" },
  registered_encrypted: { icon: Lock, tone: "success" },
};

export const TELEPHONE_KIND_ICON: Record<TelephoneKind, LucideIcon> = {
  sip_desk: Phone,
  dect_base: RadioTower,
  dect: Smartphone,
  analogue: Cable,
};

export const DIRECTION_ICON: Record<CallDirection, LucideIcon> = {
  incoming: PhoneIncoming,
  outgoing: PhoneOutgoing,
  internal: ArrowLeftRight,
};

export const RESULT_LOOK: Record<CallResult, Look> = {
  successful: { icon: CircleCheck, tone: "success" },
  unsuccessful: { icon: CircleX, tone: "danger" },
};

const OTHER_LOOK: Look = { icon: CircleHelp, tone: "neutral" };

export function telephoneStatusLook(status: string): Look {
  return isOneOf(TELEPHONE_STATUSES, status) ? TELEPHONE_STATUS_LOOK[status] : OTHER_LOOK;
}

export function accountStatusLook(status: string): Look {
  return isOneOf(ACCOUNT_STATUSES, status) ? ACCOUNT_STATUS_LOOK[status] : OTHER_LOOK;
}

export function telephoneKindIcon(kind: string): LucideIcon {
  return isOneOf(TELEPHONE_KINDS, kind) ? TELEPHONE_KIND_ICON[kind] : CircleHelp;
}

export function directionIcon(direction: string): LucideIcon {
  return isOneOf(CALL_DIRECTIONS, direction) ? DIRECTION_ICON[direction] : CircleHelp;
}

export function resultLook(result: string): Look {
  return isOneOf(CALL_RESULTS, result) ? RESULT_LOOK[result] : OTHER_LOOK;
}

function record<K extends string>(keys: readonly K[], text: (key: K) => string): Record<K, string> {
  return Object.fromEntries(keys.map((key) => [key, text(key)])) as Record<K, string>;
}

// The words of the PBX data pages, looked up once per language rather than once per cell.
export function pbxTexts(t: TFunction<"pbxdata">) {
  const fill = (key: string) => (value: string) => t(key, { value });
  return {
    telephoneStatus: record(TELEPHONE_STATUSES, (key) => t(`telephoneStatus.${key}`)),
    telephoneStatusHelp: record(TELEPHONE_STATUSES, (key) => t(`telephoneStatusHelp.${key}`)),
    otherTelephoneStatus: fill("telephoneStatus.other"),
    telephoneKind: record(TELEPHONE_KINDS, (key) => t(`telephoneKind.${key}`)),
    otherTelephoneKind: fill("telephoneKind.other"),
    accountStatus: record(ACCOUNT_STATUSES, (key) => t(`accountStatus.${key}`)),
    accountStatusHelp: record(ACCOUNT_STATUSES, (key) => t(`accountStatusHelp.${key}`)),
    otherAccountStatus: fill("accountStatus.other"),
    direction: record(CALL_DIRECTIONS, (key) => t(`calls.direction.${key}`)),
    result: record(CALL_RESULTS, (key) => t(`calls.result.${key}`)),
    callType: record(KNOWN_CALL_TYPES, (key) => t(`calls.callType.${key}`)),
    notGiven: t("page.notGiven"),
    withheld: t("calls.withheld"),
  };
}

export type PbxTexts = ReturnType<typeof pbxTexts>;

export function usePbxTexts(): PbxTexts {
  const { t, i18n } = useTranslation("pbxdata");
  // The language keys the memo too, in case `t` kept its identity across a switch.
  return useMemo(() => pbxTexts(t), [t, i18n.language]);
}

export function telephoneStatusText(texts: PbxTexts, status: string): string {
  return isOneOf(TELEPHONE_STATUSES, status) ? texts.telephoneStatus[status] : texts.otherTelephoneStatus(status);
}

export function accountStatusText(texts: PbxTexts, status: string): string {
  return isOneOf(ACCOUNT_STATUSES, status) ? texts.accountStatus[status] : texts.otherAccountStatus(status);
}

export function telephoneKindText(texts: PbxTexts, kind: string): string {
  return isOneOf(TELEPHONE_KINDS, kind) ? texts.telephoneKind[kind] : texts.otherTelephoneKind(kind);
}

export function directionText(texts: PbxTexts, direction: string): string {
  return isOneOf(CALL_DIRECTIONS, direction) ? texts.direction[direction] : direction;
}

export function resultText(texts: PbxTexts, result: string): string {
  return isOneOf(CALL_RESULTS, result) ? texts.result[result] : result;
}

// Known call types translated; the PBX's own texts as they come.
export function callTypeText(texts: PbxTexts, callType: string): string {
  return isOneOf<KnownCallType>(KNOWN_CALL_TYPES, callType) ? texts.callType[callType] : callType;
}

// A state as a badge: icon + words, tinted by its tone.
export const Badge = memo(function Badge({ look, text, testId }: { look: Look; text: string; testId?: string }) {
  const Icon = look.icon;
  return (
    <span className={`badge pbx-badge tone-${look.tone}`} data-testid={testId}>
      <Icon aria-hidden size={14} />
      {text}
    </span>
  );
});

// Icon + words without a frame (device type, direction).
export function IconText({ icon: Icon, text }: { icon: LucideIcon; text: string }) {
  return (
    <span className="pbx-icon-text">
      <Icon aria-hidden size={16} />
      {text}
    </span>
  );
}

// The legend in words: what each state means.
export function StatusLegend({ of }: { of: "telephones" | "accounts" }) {
  const { t } = useTranslation("pbxdata");
  const texts = usePbxTexts();
  const entries =
    of === "telephones"
      ? TELEPHONE_STATUSES.map((status) => ({
          status,
          look: TELEPHONE_STATUS_LOOK[status],
          text: texts.telephoneStatus[status],
          help: texts.telephoneStatusHelp[status],
        }))
      : ACCOUNT_STATUSES.map((status) => ({
          status,
          look: ACCOUNT_STATUS_LOOK[status],
          text: texts.accountStatus[status],
          help: texts.accountStatusHelp[status],
        }));
  return (
    <details className="pbx-legend" data-testid={`${of}-legend`}>
      <summary>{t("page.legend")}</summary>
      <dl>
        {entries.map((entry) => (
          <div key={entry.status} className="pbx-legend-entry">
            <dt>
              <Badge look={entry.look} text={entry.text} />
            </dt>
            <dd>{entry.help}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
