import { LifeBuoy } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { DeviceState, Role } from "../../api/types";
import "./basics.css";

const SECTIONS = ["overview", "pairing", "roles", "access", "states"] as const;

const ROLES: { role: Role; text: string }[] = [
  { role: "owner", text: "ownerText" },
  { role: "administrator", text: "administratorText" },
  { role: "monitoring", text: "monitoringText" },
  { role: "backup", text: "backupText" },
  { role: "call_data", text: "callDataText" },
];

const STATES: { state: DeviceState; text: string }[] = [
  { state: "waiting_for_pairing", text: "waitingText" },
  { state: "paired", text: "pairedText" },
  { state: "restricted", text: "restrictedText" },
  { state: "error", text: "errorText" },
  { state: "unknown", text: "unknownText" },
];

// The online help (FEATURES I1): what the control center does, pairing step by step,
// roles, groups versus direct authorisations and the states of a device. Role and state
// names come from the namespaces that show them elsewhere, so the help uses the same words.
export default function HelpPage() {
  const { t } = useTranslation("basics");
  const heading = (section: (typeof SECTIONS)[number]) => (
    <h2 id={`help-${section}`}>{t(`help.${section}.title`)}</h2>
  );
  return (
    <article className="basics-page basics-prose" data-testid="page-help" aria-labelledby="page-title">
      <h1 id="page-title">
        <LifeBuoy aria-hidden size={24} /> {t("help.title")}
      </h1>
      <p className="basics-lead">{t("help.intro")}</p>

      <nav className="card basics-toc" aria-labelledby="help-contents">
        <h2 id="help-contents">{t("help.contents")}</h2>
        <ol>
          {SECTIONS.map((section) => (
            <li key={section}>
              <a href={`#help-${section}`}>{t(`help.${section}.title`)}</a>
            </li>
          ))}
        </ol>
      </nav>

      <section aria-labelledby="help-overview">
        {heading("overview")}
        <p>{t("help.overview.agent")}</p>
        <p>{t("help.overview.portal")}</p>
        <p>{t("help.overview.later")}</p>
      </section>

      <section aria-labelledby="help-pairing">
        {heading("pairing")}
        <p>{t("help.pairing.intro")}</p>
        <ol className="help-steps">
          <li>{t("help.pairing.step1")}</li>
          <li>{t("help.pairing.step2")}</li>
          <li>
            {t("help.pairing.step3")}
            <code className="help-command">{t("help.pairing.step3Command")}</code>
          </li>
          <li>{t("help.pairing.step4")}</li>
          <li>{t("help.pairing.step5", { state: t("systems:state.paired") })}</li>
        </ol>
        <p className="notice info">{t("help.pairing.note")}</p>
      </section>

      <section aria-labelledby="help-roles">
        {heading("roles")}
        <p>{t("help.roles.intro")}</p>
        <dl className="help-terms">
          {ROLES.map(({ role, text }) => (
            <div key={role}>
              <dt>{t(`common:roles.${role}`)}</dt>
              <dd>{t(`help.roles.${text}`)}</dd>
            </div>
          ))}
        </dl>
        <p>{t("help.roles.everyone")}</p>
        <p>{t("help.roles.conditions")}</p>
        <p>{t("help.roles.companyAdmin")}</p>
      </section>

      <section aria-labelledby="help-access">
        {heading("access")}
        <p>
          {t("help.access.direct")} <Link to="/authorisations">{t("common:nav.authorisations")}</Link>
        </p>
        <p>
          {t("help.access.groups")} <Link to="/groups">{t("common:nav.groups")}</Link>
        </p>
        <p>{t("help.access.public")}</p>
        <p>{t("help.access.combined")}</p>
      </section>

      <section aria-labelledby="help-states">
        {heading("states")}
        <dl className="help-terms">
          {STATES.map(({ state, text }) => (
            <div key={state}>
              <dt>{t(`systems:state.${state}`)}</dt>
              <dd>{t(`help.states.${text}`)}</dd>
            </div>
          ))}
        </dl>
      </section>
    </article>
  );
}
