import { useTranslation } from "react-i18next";
import SystemsTable from "./SystemsTable";

// Administration > Systems: the same systems seen for managing them: owner, creation date
// and the confirmation codes with copy, renew and cancel (A1, A2, D2).
export default function SystemsAdminPage() {
  const { t } = useTranslation("systems");
  return (
    <section className="systems-page" data-testid="page-systems-admin" aria-labelledby="systems-admin-title">
      <header className="page-header">
        <h1 id="systems-admin-title">{t("admin.title")}</h1>
      </header>
      <p className="page-intro">{t("admin.intro")}</p>
      <SystemsTable variant="admin" />
    </section>
  );
}
