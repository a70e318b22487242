import { Lock, SearchX, ShieldAlert } from "lucide-react";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { isApiError } from "../../api/client";
import { errorText } from "../../api/errors";
import type { SystemRef } from "../../api/pbxdata";
import { useSystem } from "../../api/systems";
import type { SystemAction } from "../../api/types";
import { forgetSelectedSystem, rememberSelectedSystem } from "../../layout/selectedSystem";
import { SystemPicker } from "../../components/pickers/SystemPicker";
import { formatDateTime, formatRelative } from "../../components/format";
import { parseId } from "./filters";
import "./pbxdata.css";

// The frame every PBX data page shares: title with the system (or "All systems") above it,
// an introduction, and the answers to refusals in words.

export interface PbxPageProps {
  testId: string;
  title: string;
  intro: string;
  kicker: ReactNode;
  children: ReactNode;
}

export function PbxPage({ testId, title, intro, kicker, children }: PbxPageProps) {
  const titleId = useId();
  return (
    <section className="pbx-page" data-testid={testId} aria-labelledby={titleId}>
      <header className="page-header">
        <div>
          {kicker && <p className="pbx-kicker">{kicker}</p>}
          <h1 id={titleId}>{title}</h1>
        </div>
      </header>
      <p className="pbx-intro">{intro}</p>
      {children}
    </section>
  );
}

// The system of a per-system page: its id from the address (0 when the address holds no
// valid id) and, once loaded, its name for the title. The navigation remembers it.
export function useSystemFrame() {
  const params = useParams();
  const systemId = parseId(params.systemId) ?? 0;
  const query = useSystem(systemId);
  const system = query.data;
  const shownId = system?.id;
  const shownName = system?.name;
  useEffect(() => {
    if (shownId !== undefined && shownName !== undefined) rememberSelectedSystem({ id: shownId, name: shownName });
  }, [shownId, shownName]);
  const kicker = system ? <Link to={`/systems/${system.id}`}>{system.name}</Link> : null;
  return { systemId, system, kicker };
}

export function FleetKicker() {
  const { t } = useTranslation("pbxdata");
  return <>{t("page.allSystems")}</>;
}

// What the page is about, for messages that depend on it.
export type Area = "registrations" | "licences" | "calls";

// A refusal the page answers in words instead of a table: the system is gone or invisible
// (404), the user lacks the role (403), or a precondition is missing (422). null for
// anything else (network, server trouble), which the list shows with "Try again".
export function refusalOf(error: unknown): "not_found" | "forbidden" | "precondition" | null {
  if (isApiError(error, "not_found")) return "not_found";
  if (!isApiError(error)) return null;
  if (error.status === 403 && error.code !== "csrf_failed") return "forbidden";
  if (error.status === 422) return "precondition";
  return null;
}

export function NotFoundNotice({ systemId }: { systemId: number }) {
  const { t } = useTranslation("pbxdata");
  useEffect(() => {
    if (systemId > 0) forgetSelectedSystem(systemId);
  }, [systemId]);
  return (
    <div className="notice warning" data-testid="system-not-found">
      <p className="pbx-icon-text">
        <SearchX aria-hidden size={18} />
        <strong>{t("problem.notFoundTitle")}</strong>
      </p>
      <p>{t("problem.notFoundText")}</p>
      <p>
        <Link to="/systems">{t("problem.backToOverview")}</Link>
      </p>
    </div>
  );
}

// A refusal in words: which role is needed, or which precondition is missing.
export function RefusalNotice({ error, area, systemId }: { error: unknown; area: Area; systemId: number | null }) {
  const { t } = useTranslation("pbxdata");
  const refusal = refusalOf(error);
  if (refusal === "not_found" && systemId !== null) return <NotFoundNotice systemId={systemId} />;
  let text: string;
  if (refusal === "forbidden") {
    text =
      area === "calls"
        ? t("problem.forbiddenCalls")
        : area === "licences"
          ? t("problem.forbiddenLicences")
          : t("problem.forbiddenRegistration");
  } else if (refusal === "precondition" && area === "calls" && isApiError(error, "maintenance_inactive")) {
    text = t("problem.maintenanceCalls");
  } else if (refusal === "precondition" && area === "calls" && isApiError(error, "firmware_too_old")) {
    text = t("problem.firmwareCalls");
  } else {
    text = errorText(t, error);
  }
  const Icon = refusal === "forbidden" ? Lock : ShieldAlert;
  return (
    <div className="notice warning" role="alert" data-testid="pbx-refusal">
      <p className="pbx-icon-text">
        <Icon aria-hidden size={18} />
        {text}
      </p>
    </div>
  );
}

// A time as "5 minutes ago" with the exact date and time on hover and for machines.
export function RelativeTime({ iso }: { iso: string | null | undefined }) {
  const { i18n } = useTranslation();
  if (!iso) return null;
  return (
    <time dateTime={iso} title={formatDateTime(iso, i18n.language)}>
      {formatRelative(iso, i18n.language)}
    </time>
  );
}

// "Last report: 5 minutes ago" / "No report yet" (a polite live region: it changes when
// the system reports).
export function LastReport({ iso, loaded }: { iso: string | null; loaded: boolean }) {
  const { t } = useTranslation("pbxdata");
  if (!loaded) return null;
  return (
    <p className="pbx-report" role="status" data-testid="last-report">
      {iso ? (
        <>
          {t("page.lastReport")} <RelativeTime iso={iso} />
        </>
      ) : (
        t("page.noReportYet")
      )}
    </p>
  );
}

// The System column of the fleet views: its name linking to the system, the serial below.
export function SystemCell({ system }: { system: SystemRef }) {
  return (
    <span className="pbx-two-lines pbx-system-cell">
      <Link to={`/systems/${system.id}`}>{system.name}</Link>
      <span className="pbx-muted mono">{system.serial}</span>
    </span>
  );
}

// A value or, when the PBX gave none, a dash that screen readers read as "not given".
export function OrNone({ value, none, className }: { value: string; none: string; className?: string }) {
  if (value) return className ? <span className={className}>{value}</span> : <>{value}</>;
  return (
    <span className="pbx-muted">
      <span aria-hidden>—</span>
      <span className="visually-hidden">{none}</span>
    </span>
  );
}

export interface FilterSelectProps {
  label: string;
  value: string | null;
  options: readonly { value: string; label: string }[];
  onChange: (value: string | null) => void;
  allLabel: string;
  testId?: string;
}

// A labelled select whose first option means "no filter".
export function FilterSelect({ label, value, options, onChange, allLabel, testId }: FilterSelectProps) {
  const id = useId();
  return (
    <div className="pbx-filter">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        className="input"
        value={value ?? ""}
        onChange={(event) => onChange(event.target.value || null)}
        data-testid={testId}
      >
        <option value="">{allLabel}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

// The system filter of the fleet views: search a system by name or serial among those on
// which the user may do `action`; empty means all systems.
export function SystemFilter({
  systemId,
  onChange,
  action,
}: {
  systemId: number | null;
  onChange: (id: number | null) => void;
  action: SystemAction;
}) {
  const { t } = useTranslation("pbxdata");
  const [picked, setPicked] = useState<SystemRef | null>(null);
  // The chosen system's name for the field when the address named it (reload, bookmark).
  const detail = useSystem(picked?.id === systemId ? 0 : (systemId ?? 0));
  let known: SystemRef | null = null;
  if (systemId !== null && picked?.id === systemId) known = picked;
  else if (systemId !== null && detail.data) known = { id: detail.data.id, name: detail.data.name, serial: detail.data.serial };
  const ready = systemId === null || known !== null || detail.isError;
  // The picker keeps its own text; it starts again only when the address changes the
  // system from outside (Back, a link), not after the user picked one in it.
  const emitted = useRef<number | null>(systemId);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (systemId !== emitted.current) {
      emitted.current = systemId;
      setVersion((value) => value + 1);
    }
  }, [systemId]);
  if (!ready) {
    return (
      <div className="pbx-filter pbx-system-filter">
        <label htmlFor="pbx-system-filter-pending">{t("page.system")}</label>
        <input id="pbx-system-filter-pending" className="input" disabled value="" readOnly />
      </div>
    );
  }
  return (
    <div className="pbx-filter pbx-system-filter">
      <SystemPicker
        key={version}
        value={known}
        onChange={(next) => {
          const id = next?.id ?? null;
          setPicked(next);
          if (id === emitted.current) return;
          emitted.current = id;
          onChange(id);
        }}
        label={t("page.system")}
        hint={t("page.systemHint")}
        action={action}
        testId="system-filter"
      />
    </div>
  );
}
