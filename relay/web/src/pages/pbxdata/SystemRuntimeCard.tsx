import { useTranslation } from "react-i18next";
import { useSystemInformation } from "../../api/systems";
import type { SystemInformation } from "../../api/types";
import { formatDateTime } from "../../components/format";
import { formatUptime } from "./format";
import { Fact, Facts } from "../../components/Facts";
import "./pbxdata.css";

// What /systems/{id}/information adds since issue 5 (hardware revision, last start, uptime).
export interface RuntimeFacts {
  hardware_revision: string | null;
  booted_at: string | null;
  uptime_s: number | null;
}

export function runtimeFactsOf(information: SystemInformation | undefined): RuntimeFacts | null {
  if (!information) return null;
  const hardware = "hardware_revision" in information && typeof information.hardware_revision === "string" ? information.hardware_revision : null;
  const booted = "booted_at" in information && typeof information.booted_at === "string" ? information.booted_at : null;
  const uptime = "uptime_s" in information && typeof information.uptime_s === "number" ? information.uptime_s : null;
  if (!hardware && !booted && uptime === null) return null;
  return { hardware_revision: hardware, booted_at: booted, uptime_s: uptime };
}

// A card for the system information page (FEATURES D3): hardware revision, when the PBX
// last started and how long it has been running. Shares the page's information query (no
// extra request); shows nothing until the system reported these facts.
export function SystemRuntimeCard({ systemId, enabled = true }: { systemId: number; enabled?: boolean }) {
  const { t, i18n } = useTranslation("pbxdata");
  const information = useSystemInformation(systemId, enabled);
  const facts = runtimeFactsOf(information.data);
  if (!facts) return null;
  const language = i18n.language;
  return (
    <section className="card" aria-labelledby="runtime-section" data-testid="system-runtime">
      <h2 id="runtime-section">{t("runtime.title")}</h2>
      <Facts>
        {facts.hardware_revision && <Fact label={t("runtime.hardwareRevision")}>{facts.hardware_revision}</Fact>}
        {facts.booted_at && (
          <Fact label={t("runtime.bootedAt")}>
            <time dateTime={facts.booted_at}>{formatDateTime(facts.booted_at, language)}</time>
          </Fact>
        )}
        {facts.uptime_s !== null && <Fact label={t("runtime.uptime")}>{formatUptime(facts.uptime_s, language)}</Fact>}
      </Facts>
    </section>
  );
}

export default SystemRuntimeCard;
