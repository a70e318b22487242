import { Download, ShieldAlert } from "lucide-react";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import Dialog from "../../components/Dialog";

export interface ExportDialogProps {
  open: boolean;
  onClose: () => void;
  href: string; // the CSV export with the current filters
  total: number; // matching calls (a lower bound when capped)
  capped: boolean;
}

// H3: before call data leaves the portal, the legal notice. Choosing Download confirms it
// and lets the browser fetch the file itself (a plain link: the export streams to disk and
// never passes through the page's memory). The relay writes the audit row.
export function ExportDialog({ open, onClose, href, total, capped }: ExportDialogProps) {
  const { t } = useTranslation("pbxdata");
  const { t: tCommon } = useTranslation();
  const textId = useId();
  return (
    <Dialog
      open={open}
      title={t("calls.export.title")}
      onClose={onClose}
      role="alertdialog"
      describedBy={textId}
      footer={
        <>
          <button type="button" className="button" onClick={onClose} data-autofocus="">
            {tCommon("actions.cancel")}
          </button>
          <a
            className="button primary"
            href={href}
            download="gespr_dat.csv"
            data-testid="calls-download"
            // Closed once the browser has taken the click (the link must still exist then).
            onClick={() => setTimeout(onClose, 0)}
          >
            <Download aria-hidden size={16} />
            {t("calls.export.download")}
          </a>
        </>
      }
    >
      <div id={textId} className="pbx-legal" data-testid="calls-legal-notice">
        <p className="pbx-icon-text pbx-strong">
          <ShieldAlert aria-hidden size={18} />
          {t("calls.export.personal")}
        </p>
        <p>{t("calls.export.responsibility")}</p>
        <p>{t("calls.export.audit")}</p>
        <p>{capped ? t("calls.export.scopeCapped", { count: total }) : t("calls.export.scope", { count: total })}</p>
        <p>{t("calls.export.confirm")}</p>
      </div>
    </Dialog>
  );
}

export default ExportDialog;
