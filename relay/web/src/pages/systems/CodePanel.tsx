import { Ban, Copy, KeyRound, RefreshCw, TriangleAlert } from "lucide-react";
import { useTranslation } from "react-i18next";
import type { System } from "../../api/types";
import type { CodeHandlers } from "./CodeCell";
import PairHint from "./PairHint";
import { formatDateTime } from "../../components/format";
import { codeActions } from "./systemLogic";
import "./systems.css";

// The confirmation code of one system on its information page (A2): the code in large
// type, whether and when it expires, copy / renew / cancel, and the installer's command.
// Only for owner and administrators (edit_system_name) of a system that is not paired.
export function CodePanel({ system, handlers }: { system: System; handlers: CodeHandlers }) {
  const { t, i18n } = useTranslation("systems");
  const allowed = codeActions(system);
  if (!allowed.manage) {
    return <p className="sys-muted">{t("code.pairedHint")}</p>;
  }
  const code = system.confirmation_code;
  return (
    <div className="code-panel">
      {code ? (
        <>
          <p className="code-panel-value">
            <KeyRound aria-hidden size={20} />
            <code className={code.expired ? "code-expired" : undefined} data-testid={`code-${system.id}`}>
              {code.code}
            </code>
          </p>
          {code.expired ? (
            <p className="code-expiry code-expiry-expired">
              <TriangleAlert aria-hidden size={16} />
              <strong>{t("code.expiredAt", { date: formatDateTime(code.expires_at, i18n.language) })}</strong>
            </p>
          ) : (
            <>
              <p className="code-expiry">{t("code.validUntil", { date: formatDateTime(code.expires_at, i18n.language) })}</p>
              <p className="notice info">
                <PairHint code={code.code} />
              </p>
            </>
          )}
        </>
      ) : (
        <p>{t("info.codeNone")}</p>
      )}
      <div className="code-panel-buttons">
        {allowed.copy && code && (
          <button type="button" className="button" onClick={() => handlers.copy(code.code)}>
            <Copy aria-hidden size={16} />
            {t("code.copy")}
          </button>
        )}
        {allowed.renew && (
          <button type="button" className="button" onClick={() => handlers.renew(system)}>
            <RefreshCw aria-hidden size={16} />
            {code ? t("code.renew") : t("code.issue")}
          </button>
        )}
        {allowed.cancel && (
          <button type="button" className="button" onClick={() => handlers.cancel(system)}>
            <Ban aria-hidden size={16} />
            {t("code.cancel")}
          </button>
        )}
      </div>
    </div>
  );
}

export default CodePanel;
