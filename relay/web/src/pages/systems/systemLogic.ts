import type { DeviceState, System, SystemAction } from "../../api/types";

// Pure rules of the systems pages: how a state of device (A7) reads and which code controls
// a user gets (A2). Which of a system's pages a user may open is in layout/navigation.ts.
// The form rules live in systemForms.ts (zod stays out of the list's chunk).

export type Tone = "success" | "warning" | "danger" | "info" | "neutral";

export interface StateView {
  state: DeviceState; // a state the portal knows
  tone: Tone;
  reasons: string[]; // reasons the portal knows, else "other" (keys of systems:reasons)
}

const KNOWN_STATES: readonly DeviceState[] = ["waiting_for_pairing", "paired", "restricted", "error", "unknown"];
const KNOWN_REASONS = ["code_expired", "no_code", "maintenance_inactive", "firmware_too_old", "never_seen"] as const;

const TONES: Record<DeviceState, Tone> = {
  waiting_for_pairing: "info",
  paired: "success",
  restricted: "warning",
  error: "danger",
  unknown: "neutral",
};

// A state the portal does not know (a newer relay) reads as "unknown" rather than breaking.
export function stateView(system: Pick<System, "state" | "state_reasons">): StateView {
  const state: DeviceState = KNOWN_STATES.includes(system.state) ? system.state : "unknown";
  return {
    state,
    tone: TONES[state],
    reasons: system.state_reasons.map((reason) =>
      (KNOWN_REASONS as readonly string[]).includes(reason) ? reason : "other",
    ),
  };
}

// A6: which management precondition is missing. `null` while nothing can be judged (not
// paired, or paired but never seen): the relay reports these only for a paired, seen system.
export interface Preconditions {
  maintenanceActive: boolean;
  firmwareOk: boolean | null;
}

export function preconditions(system: Pick<System, "state" | "state_reasons" | "maintenance">): Preconditions {
  const judged = system.state === "paired" || system.state === "restricted";
  return {
    maintenanceActive: system.maintenance.active,
    firmwareOk: judged ? !system.state_reasons.includes("firmware_too_old") : null,
  };
}

// --- the pages of one system, as far as the user may open them ---

export function can(system: Pick<System, "allowed_actions">, action: SystemAction): boolean {
  return system.allowed_actions.includes(action);
}

// --- confirmation codes ---

// What the code controls offer for a system (A2). Only owner/administrator (edit_system_name)
// manage codes, and only while the system is not paired: the relay refuses a code for a
// paired one.
export interface CodeActions {
  manage: boolean;
  copy: boolean;
  renew: boolean;
  cancel: boolean;
}

export function codeActions(system: Pick<System, "paired" | "confirmation_code" | "allowed_actions">): CodeActions {
  const manage = can(system, "edit_system_name") && !system.paired;
  const code = system.confirmation_code;
  return {
    manage,
    copy: manage && code !== null && !code.expired,
    renew: manage,
    cancel: manage && code !== null,
  };
}

// The installer's command on site for a code.
export function pairCommand(code: string): string {
  return `ccc-agent pair ${code}`;
}
