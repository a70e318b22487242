import { CircleAlert, CircleCheck, CircleHelp, Hourglass, TriangleAlert, type LucideIcon } from "lucide-react";
import { memo } from "react";
import type { System } from "../../api/types";
import { stateView, type Tone } from "./systemLogic";
import type { SystemTexts } from "./texts";
import "./systems.css";

const ICONS: Record<Tone, LucideIcon> = {
  success: CircleCheck,
  warning: TriangleAlert,
  danger: CircleAlert,
  info: Hourglass,
  neutral: CircleHelp,
};

interface StateBadgeProps {
  system: Pick<System, "id" | "state" | "state_reasons">;
  texts: SystemTexts;
  withReasons?: boolean;
}

// The state of device (A7) as icon + words (never colour alone); the reasons follow in
// words, e.g. "Restricted · maintenance inactive, firmware too old". The badge itself
// (data-testid state-<id>) holds only the state's words.
export const StateBadge = memo(function StateBadge({ system, texts, withReasons = true }: StateBadgeProps) {
  const view = stateView(system);
  const Icon = ICONS[view.tone];
  const reasons = withReasons ? view.reasons.map((reason) => texts.reason[reason]).join(", ") : "";
  return (
    <span className="sys-state">
      <span className={`badge tone-${view.tone}`} data-testid={`state-${system.id}`}>
        <Icon aria-hidden size={14} />
        {texts.state[view.state]}
      </span>
      {reasons && <span className="sys-state-reasons">{reasons}</span>}
    </span>
  );
});

export default StateBadge;
