import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, Outlet, useLocation } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { setUnauthenticatedHandler } from "../api/client";
import { SESSION_KEY, useSessionQuery } from "../api/session";
import ErrorState from "../components/ErrorState";
import Spinner from "../components/Spinner";
import { isLanguage } from "../i18n";
import { SessionContext } from "./SessionContext";

// Signed-in area: without a session the user goes to the login page and comes back to the
// page asked for afterwards. The user's stored language is applied on every session load.
export default function RequireSession() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const client = useQueryClient();
  const session = useSessionQuery();

  useEffect(() => {
    setUnauthenticatedHandler(() => client.setQueryData(SESSION_KEY, null));
    return () => setUnauthenticatedHandler(undefined);
  }, [client]);

  const language = session.data?.user.language;
  useEffect(() => {
    if (isLanguage(language) && language !== i18n.language) void i18n.changeLanguage(language);
  }, [language, i18n]);

  if (session.isPending) return <Spinner label={t("state.loading")} />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) {
    const back = location.pathname + location.search;
    return <Navigate to={`/login${back === "/" ? "" : `?next=${encodeURIComponent(back)}`}`} replace />;
  }
  return (
    <SessionContext.Provider value={session.data}>
      <Outlet />
    </SessionContext.Provider>
  );
}
