import { Construction } from "lucide-react";
import { useTranslation } from "react-i18next";

// Pages of features that later versions bring: present in the navigation so the structure
// is complete, but plainly empty; they never show invented data.
export default function NotAvailablePage({ titleKey }: { titleKey: string }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t(`nav.${titleKey}`)}</h1>
      <div className="notice info" data-testid="feature-not-available">
        <p>
          <Construction aria-hidden size={18} /> <strong>{t("notAvailable.title")}</strong>
        </p>
        <p>{t("notAvailable.text")}</p>
      </div>
    </section>
  );
}
