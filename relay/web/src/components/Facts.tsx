import type { ReactNode } from "react";

// Facts of a card, label beside value (a <dl>; styles in common.css).
export function Facts({ children }: { children: ReactNode }) {
  return <dl className="facts">{children}</dl>;
}

// One fact: label and value side by side.
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
