import { useTranslation } from "react-i18next";
import { AccountsView } from "./AccountsView";
import { NotFoundNotice, PbxPage, useSystemFrame } from "./frame";

// Systems > Selected system > Providers and accounts (FEATURES E2).
export default function AccountsPage() {
  const { t } = useTranslation("pbxdata");
  const frame = useSystemFrame();
  return (
    <PbxPage testId="page-accounts" title={t("accounts.title")} intro={t("accounts.intro")} kicker={frame.kicker}>
      {frame.systemId === 0 ? <NotFoundNotice systemId={0} /> : <AccountsView systemId={frame.systemId} />}
    </PbxPage>
  );
}
