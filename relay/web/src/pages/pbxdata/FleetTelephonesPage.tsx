import { useTranslation } from "react-i18next";
import { TelephonesView } from "./TelephonesView";
import { FleetKicker, PbxPage } from "./frame";

// All systems > Telephone status (FEATURES E3): the telephones of every system the user may see.
export default function FleetTelephonesPage() {
  const { t } = useTranslation("pbxdata");
  return (
    <PbxPage testId="page-fleet-telephones" title={t("telephones.title")} intro={t("telephones.fleetIntro")} kicker={<FleetKicker />}>
      <TelephonesView systemId={null} />
    </PbxPage>
  );
}
