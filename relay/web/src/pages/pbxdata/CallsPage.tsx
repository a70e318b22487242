import { useTranslation } from "react-i18next";
import { CallsView } from "./CallsView";
import { NotFoundNotice, PbxPage, useSystemFrame } from "./frame";

// Systems > Selected system > Call data (FEATURES H1-H4).
export default function CallsPage() {
  const { t } = useTranslation("pbxdata");
  const frame = useSystemFrame();
  return (
    <PbxPage testId="page-calls" title={t("calls.title")} intro={t("calls.intro")} kicker={frame.kicker}>
      {frame.systemId === 0 ? <NotFoundNotice systemId={0} /> : <CallsView systemId={frame.systemId} />}
    </PbxPage>
  );
}
