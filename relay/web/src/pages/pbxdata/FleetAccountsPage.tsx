import { useTranslation } from "react-i18next";
import { AccountsView } from "./AccountsView";
import { FleetKicker, PbxPage } from "./frame";

// All systems > Providers and accounts (FEATURES E3): the accounts of every system the user may see.
export default function FleetAccountsPage() {
  const { t } = useTranslation("pbxdata");
  return (
    <PbxPage testId="page-fleet-accounts" title={t("accounts.title")} intro={t("accounts.fleetIntro")} kicker={<FleetKicker />}>
      <AccountsView systemId={null} />
    </PbxPage>
  );
}
