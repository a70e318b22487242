import { CircleCheck, CircleDot, CircleHelp, CircleOff, Pencil, SearchX, Trash2, TriangleAlert, Unlink } from "lucide-react";
import { SystemRuntimeCard } from "../pbxdata/SystemRuntimeCard";
import { lazy, Suspense, useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { isApiError } from "../../api/client";
import { errorText } from "../../api/errors";
import { useDeleteSystem, useSystem, useSystemInformation, useUnpairSystem } from "../../api/systems";
import type { System, SystemInformation } from "../../api/types";
import ConfirmDialog from "../../components/ConfirmDialog";
import ErrorState from "../../components/ErrorState";
import { Fact, Facts } from "../../components/Facts";
import { useNotify } from "../../components/Notifications";
import Spinner from "../../components/Spinner";
import { forgetSelectedSystem, rememberSelectedSystem } from "../../layout/selectedSystem";
import CodePanel from "./CodePanel";
import StateBadge from "./StateBadge";
import { formatDateTime, formatRelative } from "../../components/format";
import { OptInState, rolesText } from "./systemColumns";
import { can, preconditions } from "./systemLogic";
import { useSystemTexts } from "./texts";
import { useCodeActions } from "./useCodeActions";
import "./systems.css";

const RenameSystemDialog = lazy(() => import("./RenameSystemDialog"));

// "/systems/12" -> 12; anything else -> 0 (never a valid id).
export function parseSystemId(value: string | undefined): number {
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) return 0;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : 0;
}

// Systems > Selected system > System information (FEATURES D3, A5-A8): what the PBX and
// its agent report, the state of device with its reasons, the management preconditions,
// the site's opt-ins, the user's roles, the confirmation code, and rename / unpair /
// delete as far as the user may.
export default function SystemInformationPage() {
  const { t } = useTranslation("systems");
  const params = useParams();
  const id = parseSystemId(params.systemId);
  const query = useSystem(id);
  const system = query.data;
  const notFound = id === 0 || isApiError(query.error, "not_found");

  // The navigation offers the pages of the system shown last.
  const shownId = system?.id;
  const shownName = system?.name;
  useEffect(() => {
    if (shownId !== undefined && shownName !== undefined) rememberSelectedSystem({ id: shownId, name: shownName });
  }, [shownId, shownName]);

  useEffect(() => {
    if (notFound && id > 0) forgetSelectedSystem(id);
  }, [notFound, id]);

  let content: ReactNode;
  if (notFound) {
    content = (
      <>
        <h1 id="system-title">{t("info.notFoundTitle")}</h1>
        <div className="notice warning" data-testid="system-not-found">
          <p className="sys-icon-line">
            <SearchX aria-hidden size={18} />
            {t("info.notFoundText")}
          </p>
          <p>
            <Link to="/systems">{t("info.backToOverview")}</Link>
          </p>
        </div>
      </>
    );
  } else if (system) {
    content = <SystemDetails system={system} />;
  } else if (query.error) {
    content = (
      <>
        <h1 id="system-title">{t("info.title")}</h1>
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  } else {
    content = (
      <>
        <h1 id="system-title">{t("info.title")}</h1>
        <Spinner label={t("info.loading")} />
      </>
    );
  }

  return (
    <section className="systems-page" data-testid="page-system-information" aria-labelledby="system-title">
      {content}
    </section>
  );
}

function SystemDetails({ system }: { system: System }) {
  const { t, i18n } = useTranslation("systems");
  const texts = useSystemTexts();
  const language = i18n.language;
  const navigate = useNavigate();
  const notify = useNotify();
  const readable = can(system, "read_system_information");
  const information = useSystemInformation(system.id, readable);
  const code = useCodeActions();
  const unpair = useUnpairSystem();
  const remove = useDeleteSystem();
  const [renaming, setRenaming] = useState(false);
  const [confirm, setConfirm] = useState<"unpair" | "delete" | null>(null);

  const mayEdit = can(system, "edit_system_name");
  const mayDelete = can(system, "delete_system");

  const doUnpair = () =>
    unpair.mutate(system.id, {
      onSuccess: () => notify.success(t("unpair.done", { name: system.name })),
      onError: (error) => notify.error(errorText(t, error)),
      onSettled: () => setConfirm(null),
    });

  const doDelete = () =>
    remove.mutate(system.id, {
      onSuccess: () => {
        forgetSelectedSystem(system.id);
        notify.success(t("delete.done", { name: system.name }));
        void navigate("/systems");
      },
      onError: (error) => {
        notify.error(errorText(t, error));
        setConfirm(null);
      },
    });

  return (
    <>
      <header className="page-header">
        <div>
          <p className="sys-page-kicker">{t("info.title")}</p>
          <h1 id="system-title">{system.name}</h1>
        </div>
        {(mayEdit || mayDelete) && (
          <div className="sys-page-actions" role="group" aria-label={t("info.actionsSection")}>
            {mayEdit && (
              <button type="button" className="button" onClick={() => setRenaming(true)}>
                <Pencil aria-hidden size={16} />
                {t("actions.rename")}
              </button>
            )}
            {mayEdit && system.paired && (
              <button type="button" className="button" onClick={() => setConfirm("unpair")}>
                <Unlink aria-hidden size={16} />
                {t("actions.unpair")}
              </button>
            )}
            {mayDelete && (
              <button type="button" className="button danger" onClick={() => setConfirm("delete")}>
                <Trash2 aria-hidden size={16} />
                {t("actions.delete")}
              </button>
            )}
          </div>
        )}
      </header>

      <div className="card-grid">
        <StateSection system={system} minimumFirmware={information.data?.minimum_firmware ?? null} />
        {mayEdit && (
          <section className="card" aria-labelledby="code-section">
            <h2 id="code-section">{t("info.codeSection")}</h2>
            <CodePanel system={system} handlers={code.handlers} />
          </section>
        )}
        <DeviceSection
          system={system}
          information={information.data}
          loading={readable && information.isPending}
          failed={information.isError}
        />
        <SystemRuntimeCard systemId={system.id} enabled={readable} />
        <section className="card" aria-labelledby="connection-section">
          <h2 id="connection-section">{t("info.connection")}</h2>
          <Facts>
            <Fact label={t("info.status")}>
              <span className={system.online ? "sys-connection-state online" : "sys-connection-state offline"}>
                {system.online ? <CircleDot aria-hidden size={16} /> : <CircleOff aria-hidden size={16} />}
                {system.online ? t("connection.online") : t("connection.offline")}
              </span>
            </Fact>
            <Fact label={t("info.lastSeen")}>
              {system.last_seen_at ? (
                <time dateTime={system.last_seen_at} title={formatDateTime(system.last_seen_at, language)}>
                  {formatRelative(system.last_seen_at, language)}
                </time>
              ) : (
                t("connection.never")
              )}
            </Fact>
            <Fact label={t("info.firstRegistration")}>
              {formatDateTime(system.first_registration_at, language) || t("notYet")}
            </Fact>
            <Fact label={t("info.created")}>{formatDateTime(system.created_at, language)}</Fact>
            <Fact label={t("info.owner")}>{system.owner.email}</Fact>
          </Facts>
        </section>
        <section className="card" aria-labelledby="site-section">
          <h2 id="site-section">{t("info.siteSection")}</h2>
          <p className="sys-muted">{t("info.siteIntro")}</p>
          <Facts>
            <Fact label={t("info.monitoringOptIn")}>
              <OptInState allowed={system.opt_in.monitoring} texts={texts} />
            </Fact>
            <Fact label={t("info.remoteOptIn")}>
              <OptInState allowed={system.opt_in.remote_configuration} texts={texts} />
            </Fact>
          </Facts>
        </section>
        <section className="card" aria-labelledby="roles-section">
          <h2 id="roles-section">{t("info.rolesSection")}</h2>
          <p>{system.roles.length > 0 ? rolesText(system, texts) : t("info.noRoles")}</p>
        </section>
      </div>

      {code.dialog}
      <ConfirmDialog
        open={confirm === "unpair"}
        title={t("unpair.title")}
        text={t("unpair.text", { name: system.name })}
        confirmLabel={t("unpair.confirm")}
        danger
        busy={unpair.isPending}
        onConfirm={doUnpair}
        onCancel={() => setConfirm(null)}
      />
      <ConfirmDialog
        open={confirm === "delete"}
        title={t("delete.title")}
        text={t("delete.text", { name: system.name, serial: system.serial })}
        confirmLabel={t("delete.confirm")}
        danger
        busy={remove.isPending}
        onConfirm={doDelete}
        onCancel={() => setConfirm(null)}
      />
      {renaming && (
        <Suspense fallback={null}>
          <RenameSystemDialog system={system} onClose={() => setRenaming(false)} />
        </Suspense>
      )}
    </>
  );
}

// minimumFirmware: the operator's required version, named when the firmware is too old.
function StateSection({ system, minimumFirmware }: { system: System; minimumFirmware: string | null }) {
  const { t, i18n } = useTranslation("systems");
  const texts = useSystemTexts();
  const language = i18n.language;
  const checks = preconditions(system);
  const until = formatDateTime(system.maintenance.until, language);
  let maintenance: string;
  if (checks.maintenanceActive) maintenance = until ? t("info.maintenanceActiveUntil", { date: until }) : t("info.maintenanceActive");
  else maintenance = until ? t("info.maintenanceEnded", { date: until }) : t("info.maintenanceInactive");
  let firmware: string;
  if (checks.firmwareOk === null) firmware = t("info.firmwareUnknown");
  else if (checks.firmwareOk) firmware = t("info.firmwareOk");
  else if (minimumFirmware) firmware = t("info.firmwareTooOldNeeds", { version: minimumFirmware });
  else firmware = t("info.firmwareTooOld");

  return (
    <section className="card" aria-labelledby="state-section">
      <h2 id="state-section">{t("info.stateSection")}</h2>
      <Facts>
        <Fact label={t("info.state")}>
          <StateBadge system={system} texts={texts} />
        </Fact>
        <Fact label={t("info.maintenance")}>
          <Check ok={checks.maintenanceActive}>{maintenance}</Check>
        </Fact>
        <Fact label={t("info.firmwareCheck")}>
          <Check ok={checks.firmwareOk}>{firmware}</Check>
        </Fact>
      </Facts>
    </section>
  );
}

function DeviceSection({
  system,
  information,
  loading,
  failed,
}: {
  system: System;
  information: SystemInformation | undefined;
  loading: boolean;
  failed: boolean;
}) {
  const { t } = useTranslation("systems");
  const { t: tCommon } = useTranslation();
  const pending = <span className="sys-muted">{tCommon("state.loading")}</span>;
  const reported = (value: string | undefined) => value || <span className="sys-muted">{t("notReported")}</span>;
  return (
    <section className="card" aria-labelledby="device-section">
      <h2 id="device-section">{t("info.device")}</h2>
      {failed && <p className="notice warning">{t("info.informationUnavailable")}</p>}
      <Facts>
        <Fact label={t("info.model")}>{reported(information?.model ?? system.model)}</Fact>
        <Fact label={t("info.serial")}>
          <span className="mono">{system.serial}</span>
        </Fact>
        <Fact label={t("info.firmware")}>{reported(information?.firmware ?? system.firmware)}</Fact>
        <Fact label={t("info.agentVersion")}>{loading ? pending : reported(information?.agent_version)}</Fact>
        <Fact label={t("info.hostname")}>{loading ? pending : reported(information?.hostname)}</Fact>
      </Facts>
    </section>
  );
}

// A precondition in words with an icon: met, missing, or not judged yet.
function Check({ ok, children }: { ok: boolean | null; children: ReactNode }) {
  const Icon = ok === null ? CircleHelp : ok ? CircleCheck : TriangleAlert;
  const tone = ok === null ? "neutral" : ok ? "success" : "warning";
  return (
    <span className={`sys-check sys-tone-text-${tone}`}>
      <Icon aria-hidden size={16} />
      <span>{children}</span>
    </span>
  );
}
