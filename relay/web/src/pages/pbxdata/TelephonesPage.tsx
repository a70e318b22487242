import { useTranslation } from "react-i18next";
import { TelephonesView } from "./TelephonesView";
import { NotFoundNotice, PbxPage, useSystemFrame } from "./frame";

// Systems > Selected system > Telephone status (FEATURES E1).
export default function TelephonesPage() {
  const { t } = useTranslation("pbxdata");
  const frame = useSystemFrame();
  return (
    <PbxPage testId="page-telephones" title={t("telephones.title")} intro={t("telephones.intro")} kicker={frame.kicker}>
      {frame.systemId === 0 ? <NotFoundNotice systemId={0} /> : <TelephonesView systemId={frame.systemId} />}
    </PbxPage>
  );
}
