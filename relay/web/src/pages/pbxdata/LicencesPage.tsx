import { FileQuestion } from "lucide-react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../api/client";
import { useLicences, type Licence, type LicenceInformation } from "../../api/pbxdata";
import ErrorState from "../../components/ErrorState";
import Spinner from "../../components/Spinner";
import { formatDateTime } from "../../components/format";
import { formatUptime } from "./format";
import { Fact, Facts } from "../../components/Facts";
import { NotFoundNotice, PbxPage, RefusalNotice, RelativeTime, refusalOf, useSystemFrame } from "./frame";

// Systems > Selected system > Licences (FEATURES D4, D3): the device as the PBX last
// reported it, its licences with their use, and the expansion modules fitted.
export default function LicencesPage() {
  const { t } = useTranslation("pbxdata");
  const frame = useSystemFrame();
  return (
    <PbxPage testId="page-licences" title={t("licences.title")} intro={t("licences.intro")} kicker={frame.kicker}>
      {frame.systemId === 0 ? <NotFoundNotice systemId={0} /> : <LicencesContent systemId={frame.systemId} />}
    </PbxPage>
  );
}

function LicencesContent({ systemId }: { systemId: number }) {
  const { t } = useTranslation("pbxdata");
  const query = useLicences(systemId);
  if (isApiError(query.error, "no_data")) {
    return (
      <div className="notice info" data-testid="licences-not-reported">
        <p className="pbx-icon-text">
          <FileQuestion aria-hidden size={18} />
          <strong>{t("licences.notReportedTitle")}</strong>
        </p>
        <p>{t("licences.notReportedText")}</p>
      </div>
    );
  }
  if (refusalOf(query.error)) {
    return <RefusalNotice error={query.error} area="licences" systemId={systemId} />;
  }
  if (query.data) return <LicenceDetails info={query.data} />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <Spinner label={t("common:state.loading")} />;
}

function LicenceDetails({ info }: { info: LicenceInformation }) {
  const { t, i18n } = useTranslation("pbxdata");
  const language = i18n.language;
  const notGiven = <span className="pbx-muted">{t("page.notGiven")}</span>;
  const text = (value: string | null | undefined, mono = false) =>
    value ? mono ? <span className="mono">{value}</span> : value : notGiven;
  const uptime = formatUptime(info.uptime_s, language);
  return (
    <div className="card-grid pbx-cards">
      <section className="card" aria-labelledby="licences-device">
        <h2 id="licences-device">{t("licences.device")}</h2>
        <Facts>
          <Fact label={t("licences.model")}>{text(info.model)}</Fact>
          <Fact label={t("licences.serial")}>{text(info.serial, true)}</Fact>
          <Fact label={t("licences.firmware")}>{text(info.firmware)}</Fact>
          <Fact label={t("licences.hardwareRevision")}>{text(info.hardware_revision)}</Fact>
          <Fact label={t("licences.mac")}>{text(info.mac, true)}</Fact>
          <Fact label={t("licences.bootedAt")}>
            {info.booted_at ? <time dateTime={info.booted_at}>{formatDateTime(info.booted_at, language)}</time> : notGiven}
          </Fact>
          <Fact label={t("licences.uptime")}>{uptime || notGiven}</Fact>
          <Fact label={t("licences.reportedAt")}>{info.reported_at ? <RelativeTime iso={info.reported_at} /> : notGiven}</Fact>
        </Facts>
      </section>

      <section className="card" aria-labelledby="licences-list">
        <h2 id="licences-list">{t("licences.licencesSection")}</h2>
        {info.licences.length === 0 ? (
          <p className="pbx-muted">{t("licences.noLicences")}</p>
        ) : (
          <div className="pbx-scroll">
            <table className="pbx-table" data-testid="licences-table">
              <caption className="visually-hidden">{t("licences.licencesCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("licences.name")}</th>
                  <th scope="col" className="pbx-align-end">
                    {t("licences.total")}
                  </th>
                  <th scope="col" className="pbx-align-end">
                    {t("licences.used")}
                  </th>
                  <th scope="col">{t("licences.usage")}</th>
                </tr>
              </thead>
              <tbody>
                {info.licences.map((licence, index) => (
                  <tr key={`${licence.name}-${index}`}>
                    <th scope="row">{licence.name}</th>
                    <td className="pbx-align-end pbx-number">{licence.total.toLocaleString(language)}</td>
                    <td className="pbx-align-end pbx-number">{licence.used.toLocaleString(language)}</td>
                    <td>
                      <Usage licence={licence} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="licences-modules">
        <h2 id="licences-modules">{t("licences.modulesSection")}</h2>
        {info.modules.length === 0 ? (
          <p className="pbx-muted">{t("licences.noModules")}</p>
        ) : (
          <div className="pbx-scroll">
            <table className="pbx-table" data-testid="modules-table">
              <caption className="visually-hidden">{t("licences.modulesCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col" className="pbx-align-end">
                    {t("licences.slot")}
                  </th>
                  <th scope="col">{t("licences.module")}</th>
                  <th scope="col" className="pbx-align-end">
                    {t("licences.ports")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...info.modules]
                  .sort((a, b) => a.slot - b.slot)
                  .map((module) => (
                    <tr key={`${module.slot}-${module.module}`}>
                      <td className="pbx-align-end pbx-number">{module.slot}</td>
                      <td>{module.module}</td>
                      <td className="pbx-align-end pbx-number">{module.ports}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

// How much of a licence is in use: a bar for the eye and the figures in words.
function Usage({ licence }: { licence: Licence }) {
  const { t } = useTranslation("pbxdata");
  if (licence.total <= 0) return <span className="pbx-muted">{t("licences.usageNone")}</span>;
  const used = Math.min(Math.max(licence.used, 0), licence.total);
  const percent = Math.round((used * 100) / licence.total);
  return (
    <span className="pbx-usage">
      <meter aria-hidden min={0} max={licence.total} value={used} high={licence.total * 0.9} optimum={0} />
      <span>{t("licences.usageText", { used: licence.used, total: licence.total, percent })}</span>
    </span>
  );
}
