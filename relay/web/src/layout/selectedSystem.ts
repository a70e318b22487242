import { useMatch } from "react-router";

const STORAGE_KEY = "ccc.selectedSystem";

export interface SelectedSystem {
  id: number;
  name: string;
}

// The system whose pages the navigation offers: the one in the address, else the last one
// chosen on this browser (pages of a system call rememberSelectedSystem when they load it).
export function useSelectedSystem(): SelectedSystem | null {
  // useMatch, not useParams: the navigation lives in the layout, above the system's route.
  const match = useMatch("/systems/:systemId/*");
  const stored = readStored();
  const id = Number(match?.params.systemId);
  if (Number.isInteger(id) && id > 0) {
    return { id, name: stored?.id === id ? stored.name : `#${id}` };
  }
  return stored;
}

export function rememberSelectedSystem(system: SelectedSystem): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(system));
  } catch {
    // Not remembered; the navigation then shows it only while its pages are open.
  }
}

export function forgetSelectedSystem(id?: number): void {
  try {
    if (id === undefined || readStored()?.id === id) localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}

function readStored(): SelectedSystem | null {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null");
    if (
      parsed &&
      typeof parsed === "object" &&
      typeof (parsed as SelectedSystem).id === "number" &&
      typeof (parsed as SelectedSystem).name === "string"
    ) {
      return parsed as SelectedSystem;
    }
  } catch {
    // Corrupt entry: ignore.
  }
  return null;
}
