import { LogOut, Menu, Radio, X } from "lucide-react";
import { Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useNavigate } from "react-router";
import { useLogout } from "../api/session";
import Spinner from "../components/Spinner";
import { useServerEvents } from "../events/useServerEvents";
import LanguageSwitch from "./LanguageSwitch";
import Navigation from "./Navigation";
import { useCurrentUser } from "./SessionContext";
import "./AppShell.css";

export default function AppShell() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const logout = useLogout();
  const navigate = useNavigate();
  const live = useServerEvents(true);
  const [menuOpen, setMenuOpen] = useState(false);

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        {t("skipToContent")}
      </a>
      <header className="shell-header">
        <button
          type="button"
          className="button icon shell-menu-button"
          aria-expanded={menuOpen}
          aria-controls="shell-nav"
          aria-label={menuOpen ? t("nav.closeMenu") : t("nav.openMenu")}
          onClick={() => setMenuOpen((open) => !open)}
        >
          {menuOpen ? <X aria-hidden size={18} /> : <Menu aria-hidden size={18} />}
        </button>
        <Link to="/" className="shell-brand">
          {t("product")}
        </Link>
        <span className="shell-company">{t("user.company", { name: user.company.name })}</span>
        <span
          className={`shell-live shell-live-${live}`}
          role="status"
          title={live === "open" ? t("live.connected") : t("live.reconnecting")}
        >
          <Radio aria-hidden size={16} />
          <span className="visually-hidden">
            {live === "open" ? t("live.connected") : t("live.reconnecting")}
          </span>
        </span>
        <LanguageSwitch signedIn />
        <Link to="/account" className="shell-user" aria-label={t("user.menu", { email: user.email })}>
          {user.email}
        </Link>
        <button
          type="button"
          className="button"
          onClick={() => logout.mutate(undefined, { onSettled: () => navigate("/login") })}
        >
          <LogOut aria-hidden size={16} />
          {t("user.signOut")}
        </button>
      </header>
      <div className="shell-body">
        <div id="shell-nav" className={`shell-nav ${menuOpen ? "open" : ""}`}>
          <Navigation onNavigate={() => setMenuOpen(false)} />
        </div>
        <main id="main" className="shell-main" tabIndex={-1}>
          <Suspense fallback={<Spinner label={t("state.loading")} />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}
