import { useTranslation } from "react-i18next";
import { NavLink as RouterLink } from "react-router";
import { SECTIONS, SYSTEM_LINKS, TOP_LINKS, type NavLink } from "./navigation";
import { useSelectedSystem } from "./selectedSystem";

function Item({ link, label }: { link: NavLink; label: string }) {
  return (
    <li>
      <RouterLink to={link.to} end={link.end} className="nav-link">
        {label}
      </RouterLink>
    </li>
  );
}

export default function Navigation({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useTranslation();
  const selected = useSelectedSystem();
  return (
    <nav aria-label={t("nav.label")} className="nav" onClick={onNavigate}>
      <ul className="nav-list">
        {TOP_LINKS.map((link) => (
          <Item key={link.key} link={link} label={t(`nav.${link.key}`)} />
        ))}
      </ul>
      {SECTIONS.map((section) => (
        <section key={section.key} className="nav-section" aria-labelledby={`nav-${section.key}`}>
          <h2 id={`nav-${section.key}`} className="nav-heading">
            {section.key === "allSystems" ? t("nav.systems") : t(`nav.${section.key}`)}
          </h2>
          {section.key === "allSystems" && <h3 className="nav-subheading">{t("nav.allSystems")}</h3>}
          <ul className="nav-list">
            {section.links.map((link) => (
              <Item key={link.key} link={link} label={t(`nav.${link.key}`)} />
            ))}
          </ul>
          {section.key === "allSystems" && (
            <>
              <h3 className="nav-subheading" id="nav-selected">
                {t("nav.selectedSystem")}
                {selected && <span className="nav-selected-name">{selected.name}</span>}
              </h3>
              {selected ? (
                <ul className="nav-list" aria-labelledby="nav-selected">
                  {SYSTEM_LINKS.map((link) => (
                    <Item
                      key={link.key}
                      link={{ key: link.key, to: `/systems/${selected.id}${link.path}`, end: true }}
                      label={t(`nav.${link.key}`)}
                    />
                  ))}
                </ul>
              ) : (
                <p className="nav-hint">{t("nav.noSystemSelected")}</p>
              )}
            </>
          )}
        </section>
      ))}
    </nav>
  );
}
