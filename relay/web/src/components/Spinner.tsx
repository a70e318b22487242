import { LoaderCircle } from "lucide-react";

export interface SpinnerProps {
  // What is happening, e.g. "Loading…". Shown beside the icon unless `hideLabel`, in
  // which case only screen readers read it.
  label: string;
  hideLabel?: boolean;
  size?: number; // icon size in px
  className?: string;
}

// A busy indicator. It is not a live region itself: put it inside one (or next to
// aria-busy content) when the change should be announced.
export function Spinner({ label, hideLabel = false, size = 18, className }: SpinnerProps) {
  return (
    <span className={className ? `spinner ${className}` : "spinner"}>
      <LoaderCircle aria-hidden size={size} className="spinner-icon" />
      <span className={hideLabel ? "visually-hidden" : "spinner-label"}>{label}</span>
    </span>
  );
}

export default Spinner;
