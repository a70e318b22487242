import { useTranslation } from "react-i18next";
import { CallsView } from "./CallsView";
import { FleetKicker, PbxPage } from "./frame";

// All systems > Call data: the calls of every system on which the user may see call data.
export default function FleetCallsPage() {
  const { t } = useTranslation("pbxdata");
  return (
    <PbxPage testId="page-fleet-calls" title={t("calls.title")} intro={t("calls.fleetIntro")} kicker={<FleetKicker />}>
      <CallsView systemId={null} />
    </PbxPage>
  );
}
