import { createContext, useContext } from "react";
import type { Session, UserMe } from "../api/types";

export const SessionContext = createContext<Session | null>(null);

// The signed-in user; only valid below RequireSession, which renders nothing without one.
export function useCurrentUser(): UserMe {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useCurrentUser outside a signed-in page");
  return session.user;
}
