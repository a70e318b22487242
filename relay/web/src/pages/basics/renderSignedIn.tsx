import type { ReactNode } from "react";
import { SessionContext } from "../../layout/SessionContext";
import { renderWithProviders, type ProviderOptions } from "../../test/renderWithProviders";
import { TEST_SESSION } from "./testApi";

// A page as a signed-in user sees it (inside RequireSession's context).
export function renderSignedIn(ui: ReactNode, options: ProviderOptions = {}) {
  return renderWithProviders(<SessionContext.Provider value={TEST_SESSION}>{ui}</SessionContext.Provider>, options);
}
