import { useTranslation } from "react-i18next";
import { NavLink as RouterLink } from "react-router";
import { useFleetActions } from "../api/fleet";
import { useSystem } from "../api/systems";
import { SECTIONS, systemPageLinks, TOP_LINKS, visibleLinks, type NavLink } from "./navigation";
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
  // The system's live record names it and says which of its pages this user may open;
  // until it loads only the information page is offered.
  const system = useSystem(selected?.id ?? 0);
  const selectedName = system.data?.name ?? selected?.name;
  const fleetActions = useFleetActions().data?.actions;
  const selectedLinks = selected
    ? systemPageLinks(system.data ?? { id: selected.id, allowed_actions: [] })
    : [];
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
            {visibleLinks(section.links, fleetActions).map((link) => (
              <Item key={link.key} link={link} label={t(`nav.${link.key}`)} />
            ))}
          </ul>
          {section.key === "allSystems" && (
            <>
              <h3 className="nav-subheading" id="nav-selected">
                {t("nav.selectedSystem")}
                {selected && <span className="nav-selected-name">{selectedName}</span>}
              </h3>
              {selected && !system.isError ? (
                <ul className="nav-list" aria-labelledby="nav-selected">
                  {selectedLinks.map((link) => (
                    <Item
                      key={link.key}
                      link={{ key: link.key, to: link.to, end: true }}
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
