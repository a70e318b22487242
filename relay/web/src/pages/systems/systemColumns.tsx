import { CircleDot, CircleOff, ShieldCheck, ShieldOff } from "lucide-react";
import { memo, type MouseEvent } from "react";
import type { System } from "../../api/types";
import type { Column } from "../../components/list";
import CodeCell, { type CodeHandlers } from "./CodeCell";
import StateBadge from "./StateBadge";
import { formatDate, formatRelative } from "../../components/format";
import type { SystemTexts } from "./texts";

// The columns of the systems lists. One builder for both pages, so the overview (D1) and
// the administration page show a system the same way.
//
// Rendering stays cheap for a full page of rows: the words come precomputed (SystemTexts),
// each cell is a memoised component of (system, context), so typing in the filter or
// a change of the URL re-renders no cell until new rows arrive, and names link through a
// plain <a> that hands same-tab clicks to the router (a router <Link> per row costs more).

export type SystemsVariant = "overview" | "admin";

export interface ColumnContext {
  texts: SystemTexts;
  headers: Record<string, string>; // column id -> header
  language: string;
  code: CodeHandlers;
  // Client-side navigation for a plain link's click; the link still works without it.
  onLinkClick: (event: MouseEvent<HTMLAnchorElement>) => void;
  // The time relative dates count from, in minutes; only the connection cells follow it.
  nowMs: number;
}

export function buildColumns(variant: SystemsVariant, ctx: ColumnContext): Column<System>[] {
  const { headers, texts, language, code, onLinkClick, nowMs } = ctx;
  const name: Column<System> = {
    id: "name",
    header: headers.name ?? "",
    sortable: true,
    cell: (system) => (
      <NameCell system={system} texts={texts} withDevice={variant === "overview"} onClick={onLinkClick} />
    ),
  };
  const serial: Column<System> = {
    id: "serial",
    header: headers.serial ?? "",
    sortable: true,
    cell: (system) => <span className="mono">{system.serial}</span>,
  };
  const state: Column<System> = {
    id: "state",
    header: headers.state ?? "",
    sortable: true,
    cell: (system) => (
      <StateCell
        system={system}
        texts={texts}
        language={language}
        nowMs={nowMs}
        code={code}
        withCode={variant === "overview"}
      />
    ),
  };

  if (variant === "admin") {
    return [
      name,
      serial,
      { id: "owner", header: headers.owner ?? "", hideBelow: 900, cell: (system) => <Email address={system.owner.email} /> },
      {
        id: "created",
        header: headers.created ?? "",
        sortable: true,
        hideBelow: 1200,
        cell: (system) => <DateCell iso={system.created_at} texts={texts} language={language} />,
      },
      state,
      {
        id: "code",
        header: headers.code ?? "",
        cell: (system) => (
          <CodeCell system={system} texts={texts} language={language} nowMs={nowMs} handlers={code} />
        ),
      },
    ];
  }

  return [
    name,
    serial,
    state,
    {
      id: "connection",
      header: headers.connection ?? "",
      sortable: true,
      sortKey: "last_seen",
      cell: (system) => <Connection system={system} texts={texts} language={language} nowMs={nowMs} />,
    },
    {
      id: "first_registration",
      header: headers.first_registration ?? "",
      sortable: true,
      hideBelow: 900,
      cell: (system) => <DateCell iso={system.first_registration_at} texts={texts} language={language} />,
    },
    {
      id: "roles",
      header: headers.roles ?? "",
      hideBelow: 900,
      cell: (system) => rolesText(system, texts),
    },
    {
      id: "remote_configuration",
      header: headers.remote_configuration ?? "",
      hideBelow: 1200,
      cell: (system) => <OptInState allowed={system.opt_in.remote_configuration} texts={texts} />,
    },
  ];
}

// The name links to the system; in the overview the model and firmware follow below it.
const NameCell = memo(function NameCell({
  system,
  texts,
  withDevice,
  onClick,
}: {
  system: System;
  texts: SystemTexts;
  withDevice: boolean;
  onClick: (event: MouseEvent<HTMLAnchorElement>) => void;
}) {
  const link = (
    <a href={`/systems/${system.id}`} className="sys-system-name" onClick={onClick}>
      {system.name}
    </a>
  );
  if (!withDevice) return link;
  const device = [system.model, system.firmware].filter(Boolean).join(" · ");
  return (
    <span className="sys-name-cell">
      {link}
      <span className="sys-device-text">{device || texts.notReported}</span>
    </span>
  );
});

const StateCell = memo(function StateCell({
  system,
  texts,
  language,
  nowMs,
  code,
  withCode,
}: {
  system: System;
  texts: SystemTexts;
  language: string;
  nowMs: number;
  code: CodeHandlers;
  withCode: boolean;
}) {
  const showCode = withCode && (system.state === "waiting_for_pairing" || system.state === "error");
  if (!showCode) return <StateBadge system={system} texts={texts} />;
  return (
    <div className="sys-state-cell">
      <StateBadge system={system} texts={texts} />
      <CodeCell system={system} texts={texts} language={language} nowMs={nowMs} handlers={code} withCancel={false} />
    </div>
  );
});

const DateCell = memo(function DateCell({
  iso,
  texts,
  language,
}: {
  iso: string | null;
  texts: SystemTexts;
  language: string;
}) {
  if (!iso) return <span className="sys-muted">{texts.notYet}</span>;
  return <>{formatDate(iso, language)}</>;
});

// An e-mail address that may break after its "@" in a narrow column.
function Email({ address }: { address: string }) {
  const at = address.indexOf("@");
  if (at < 0) return <>{address}</>;
  return (
    <>
      {address.slice(0, at + 1)}
      <wbr />
      {address.slice(at + 1)}
    </>
  );
}

export function rolesText(system: Pick<System, "roles">, texts: SystemTexts): string {
  if (system.roles.length === 0) return texts.role.none;
  return system.roles.map((role) => texts.role[role] ?? role).join(", ");
}

// Online/offline with an icon, and when offline since when ("last seen 5 minutes ago").
export const Connection = memo(function Connection({
  system,
  texts,
  language,
  nowMs,
}: {
  system: Pick<System, "online" | "last_seen_at">;
  texts: SystemTexts;
  language: string;
  nowMs: number;
}) {
  const Icon = system.online ? CircleDot : CircleOff;
  return (
    <span className="sys-connection">
      <span className={system.online ? "sys-connection-state online" : "sys-connection-state offline"}>
        <Icon aria-hidden size={14} />
        {system.online ? texts.online : texts.offline}
      </span>
      {!system.online && (
        <span className="sys-connection-seen">
          {system.last_seen_at ? texts.lastSeen(formatRelative(system.last_seen_at, language, nowMs)) : texts.neverSeen}
        </span>
      )}
    </span>
  );
});

// A site opt-in (A5) in words with an icon: allowed on site, or not.
export function OptInState({ allowed, texts }: { allowed: boolean; texts: SystemTexts }) {
  const Icon = allowed ? ShieldCheck : ShieldOff;
  return (
    <span className={allowed ? "sys-opt-in allowed" : "sys-opt-in"}>
      <Icon aria-hidden size={14} />
      {allowed ? texts.allowed : texts.notAllowed}
    </span>
  );
}
