import { useTranslation } from "react-i18next";
import SystemsTable from "./SystemsTable";

// Systems > All > Overview (FEATURES D1, D2): every system the user can reach, its state
// of device, connection, roles and pages.
export default function SystemsOverviewPage() {
  const { t } = useTranslation("systems");
  return (
    <section className="systems-page" data-testid="page-systems" aria-labelledby="systems-title">
      <header className="page-header">
        <h1 id="systems-title">{t("overview.title")}</h1>
      </header>
      <p className="page-intro">{t("overview.intro")}</p>
      <SystemsTable variant="overview" />
    </section>
  );
}
