import { Ban, Copy, RefreshCw, TriangleAlert } from "lucide-react";
import { memo } from "react";
import type { System } from "../../api/types";
import { formatDateTime, formatRelative } from "../../components/format";
import { codeActions } from "./systemLogic";
import type { SystemTexts } from "./texts";
import "./systems.css";

// What the code controls do; one set per page (see useCodeActions), shared by every row.
export interface CodeHandlers {
  copy: (code: string) => void;
  renew: (system: System) => void;
  cancel: (system: System) => void;
}

interface CodeCellProps {
  system: System;
  texts: SystemTexts;
  language: string;
  nowMs: number; // "expires in 5 hours" counts from here
  handlers: CodeHandlers;
  withCancel?: boolean; // the overview offers copy and renew; administration also cancel
}

// A system's confirmation code (A2) in a list, with its expiry and the controls the user
// may use: copy, renew (new code, the old one void) and cancel. Renders nothing for users
// who do not manage codes or for paired systems. The icon buttons are named after the
// system, since every row repeats them.
export const CodeCell = memo(function CodeCell({
  system,
  texts,
  language,
  nowMs,
  handlers,
  withCancel = true,
}: CodeCellProps) {
  const allowed = codeActions(system);
  if (!allowed.manage) return null;
  const code = system.confirmation_code;
  const name = system.name;
  return (
    <span className="code-cell">
      <span className="code-line">
        {code ? (
          <code className={code.expired ? "code-value code-expired" : "code-value"} data-testid={`code-${system.id}`}>
            {code.code}
          </code>
        ) : (
          <span className="code-none">{texts.codeNone}</span>
        )}
        {allowed.copy && code && (
          <button
            type="button"
            className="button icon code-button"
            aria-label={texts.copyNamed(name)}
            title={texts.copy}
            data-testid={`code-copy-${system.id}`}
            onClick={() => handlers.copy(code.code)}
          >
            <Copy aria-hidden size={16} />
          </button>
        )}
        {allowed.renew && (
          <button
            type="button"
            className="button icon code-button"
            aria-label={code ? texts.renewNamed(name) : texts.issueNamed(name)}
            title={code ? texts.renew : texts.issue}
            data-testid={`code-renew-${system.id}`}
            onClick={() => handlers.renew(system)}
          >
            <RefreshCw aria-hidden size={16} />
          </button>
        )}
        {allowed.cancel && withCancel && (
          <button
            type="button"
            className="button icon code-button"
            aria-label={texts.cancelNamed(name)}
            title={texts.cancel}
            data-testid={`code-cancel-${system.id}`}
            onClick={() => handlers.cancel(system)}
          >
            <Ban aria-hidden size={16} />
          </button>
        )}
      </span>
      {code &&
        (code.expired ? (
          <span className="code-expiry code-expiry-expired">
            <TriangleAlert aria-hidden size={14} />
            {texts.codeExpired}
          </span>
        ) : (
          <span className="code-expiry" title={formatDateTime(code.expires_at, language)}>
            {texts.expires(formatRelative(code.expires_at, language, nowMs))}
          </span>
        ))}
    </span>
  );
});

export default CodeCell;
