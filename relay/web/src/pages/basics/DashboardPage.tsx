import { useQuery } from "@tanstack/react-query";
import { BookOpen, ClipboardCopy, MonitorSmartphone, Newspaper, Server } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../../api/client";
import { errorText } from "../../api/errors";
import { useLatestNews } from "../../api/news";
import { useServerStatus } from "../../api/status";
import type { Page, System } from "../../api/types";
import ErrorState from "../../components/ErrorState";
import { useNotify } from "../../components/Notifications";
import Spinner from "../../components/Spinner";
import { useCurrentUser } from "../../layout/SessionContext";
import { copyText } from "../../components/clipboard";
import { formatDateTime } from "../../components/format";
import { statusInfoText, type StatusFacts, type StatusField } from "./statusInfo";
import "./basics.css";

const LATEST_NEWS = 3;

// FEATURES I1: server version, status information for support (copied and shown), help
// and legal documents, the newest news and how many systems the user can reach.
export default function DashboardPage() {
  const { t } = useTranslation("basics");
  const user = useCurrentUser();
  return (
    <section className="basics-page" data-testid="page-dashboard" aria-labelledby="page-title">
      <h1 id="page-title">{t("dashboard.title")}</h1>
      <p className="basics-lead">{t("dashboard.welcome", { name: user.name || user.email })}</p>
      <div className="dashboard-grid">
        <StatusCard />
        <SystemsCard />
        <NewsCard />
        <LinksCard />
      </div>
    </section>
  );
}

function StatusCard() {
  const { t, i18n } = useTranslation("basics");
  const user = useCurrentUser();
  const status = useServerStatus();
  const notify = useNotify();
  const [copying, setCopying] = useState(false);
  const [copyFailed, setCopyFailed] = useState(false);

  const textOf = (version: string | undefined, serverTime: string | undefined) => {
    const facts: StatusFacts = {
      product: t("common:product"),
      serverVersion: version,
      serverTime,
      portalUrl: window.location.origin,
      userAgent: navigator.userAgent,
      language: i18n.language,
      user: user.email,
      company: `${user.company.name} (#${user.company.id})`,
    };
    const label = (field: StatusField) => t(`dashboard.statusFields.${field}`);
    return statusInfoText(facts, label, t("dashboard.status.versionUnknown"));
  };

  // After a copy the query holds the fresh status, so this shows what was copied.
  const shown = textOf(status.data?.version, status.data?.server_time);

  const copy = async () => {
    setCopying(true);
    setCopyFailed(false);
    // The server time should be the one at the moment of copying, not of the page load.
    const fresh = await status.refetch();
    const current = fresh.data ?? status.data;
    const text = textOf(current?.version, current?.server_time);
    const copied = await copyText(text);
    setCopying(false);
    if (copied) notify.success(t("dashboard.status.copied"));
    else setCopyFailed(true);
  };

  return (
    <section className="card dashboard-card dashboard-status" aria-labelledby="dashboard-status">
      <h2 id="dashboard-status">
        <Server aria-hidden size={20} />
        {t("dashboard.status.title")}
      </h2>
      <dl className="basics-facts">
        <dt>{t("dashboard.status.version")}</dt>
        <dd>
          {status.isPending ? (
            <Spinner label={t("common:state.loading")} size={14} />
          ) : (
            <span className="mono" data-testid="server-version">
              {status.data?.version ?? t("dashboard.status.versionUnknown")}
            </span>
          )}
        </dd>
      </dl>
      {status.isError && !status.data && <p className="field-error">{errorText(t, status.error)}</p>}
      <p className="basics-hint">{t("dashboard.status.hint")}</p>
      <button type="button" className="button primary" onClick={() => void copy()} disabled={copying}>
        <ClipboardCopy aria-hidden size={16} />
        {copying ? t("dashboard.status.copying") : t("dashboard.status.copy")}
      </button>
      {copyFailed && (
        <p className="notice warning dashboard-copy-failed" role="alert">
          {t("dashboard.status.copyFailed")}
        </p>
      )}
      <h3 className="dashboard-preview-title">{t("dashboard.status.preview")}</h3>
      {/* Focusable, so keyboard users can scroll it and select its text. */}
      <pre className="dashboard-status-text" data-testid="status-info" tabIndex={0}>
        {shown}
      </pre>
    </section>
  );
}

function SystemsCard() {
  const { t } = useTranslation("basics");
  // One row is enough: only the total is used. The key starts with "systems", so live
  // events about systems refresh the count.
  const systems = useQuery({
    queryKey: ["systems", "count"],
    queryFn: ({ signal }) => api<Page<System>>("/systems", { query: { limit: 1 }, signal }),
  });
  return (
    <section className="card dashboard-card" aria-labelledby="dashboard-systems">
      <h2 id="dashboard-systems">
        <MonitorSmartphone aria-hidden size={20} />
        {t("dashboard.systems.title")}
      </h2>
      {systems.isPending ? (
        <Spinner label={t("common:state.loading")} />
      ) : systems.isError ? (
        <ErrorState error={systems.error} onRetry={() => void systems.refetch()} />
      ) : (
        <p data-testid="systems-total">
          {systems.data.total > 0
            ? t("dashboard.systems.total", { count: systems.data.total })
            : t("dashboard.systems.none")}
        </p>
      )}
      <ul className="basics-links">
        <li>
          <Link to="/systems">{t("dashboard.systems.overview")}</Link>
        </li>
        <li>
          <Link to="/administration/systems">{t("dashboard.systems.add")}</Link>
        </li>
      </ul>
    </section>
  );
}

function NewsCard() {
  const { t, i18n } = useTranslation("basics");
  const news = useLatestNews(LATEST_NEWS);
  return (
    <section className="card dashboard-card" aria-labelledby="dashboard-news">
      <h2 id="dashboard-news">
        <Newspaper aria-hidden size={20} />
        {t("dashboard.news.title")}
      </h2>
      {news.isPending ? (
        <Spinner label={t("common:state.loading")} />
      ) : news.isError ? (
        <ErrorState error={news.error} onRetry={() => void news.refetch()} />
      ) : news.data.items.length === 0 ? (
        <p className="basics-muted">{t("dashboard.news.none")}</p>
      ) : (
        <ul className="dashboard-news" data-testid="latest-news">
          {news.data.items.slice(0, LATEST_NEWS).map((item) => (
            <li key={item.id}>
              <span className="dashboard-news-title">{item.title}</span>
              <time className="basics-muted" dateTime={item.published_at}>
                {formatDateTime(item.published_at, i18n.language)}
              </time>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/news">{t("dashboard.news.all")}</Link>
      </p>
    </section>
  );
}

function LinksCard() {
  const { t } = useTranslation("basics");
  return (
    <section className="card dashboard-card" aria-labelledby="dashboard-links">
      <h2 id="dashboard-links">
        <BookOpen aria-hidden size={20} />
        {t("dashboard.links.title")}
      </h2>
      <ul className="basics-links">
        <li>
          <Link to="/help">{t("dashboard.links.help")}</Link>
        </li>
        <li>
          <Link to="/legal/privacy">{t("dashboard.links.privacy")}</Link>
        </li>
        <li>
          <Link to="/legal/licence">{t("dashboard.links.licence")}</Link>
        </li>
        <li>
          <Link to="/legal/open-source">{t("dashboard.links.openSource")}</Link>
        </li>
      </ul>
    </section>
  );
}
