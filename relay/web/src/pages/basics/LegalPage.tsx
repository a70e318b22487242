import { FileQuestion, Scale } from "lucide-react";
import { useTranslation } from "react-i18next";
import { NavLink, useParams } from "react-router";
import { PUBLIC_DOMAIN, THIRD_PARTY_COMPONENTS } from "./openSource";
import "./basics.css";

// The legal documents (FEATURES I1), each at /legal/<document>. Texts are our own and
// short; the operator's contract governs the service itself.
const LEGAL_DOCUMENTS = ["privacy", "licence", "open-source"] as const;
type LegalDocument = (typeof LEGAL_DOCUMENTS)[number];

const KEYS: Record<LegalDocument, "privacy" | "licence" | "openSource"> = {
  privacy: "privacy",
  licence: "licence",
  "open-source": "openSource",
};

// Paragraph groups of the prose documents: [heading key or null, paragraph keys].
const PROSE: Record<"privacy" | "licence", [string | null, string[]][]> = {
  privacy: [
    [null, ["intro"]],
    ["dataTitle", ["account", "activity", "systems"]],
    ["browserTitle", ["cookie", "noTracking"]],
    ["retentionTitle", ["retention"]],
    ["rightsTitle", ["rights"]],
  ],
  licence: [
    [null, ["intro"]],
    ["useTitle", ["use"]],
    ["accountsTitle", ["accounts"]],
    ["softwareTitle", ["software"]],
    ["warrantyTitle", ["warranty"]],
  ],
};

function isLegalDocument(value: string | undefined): value is LegalDocument {
  return (LEGAL_DOCUMENTS as readonly string[]).includes(value ?? "");
}

export default function LegalPage() {
  const { t } = useTranslation("basics");
  const { document } = useParams();
  const known = isLegalDocument(document) ? document : null;

  return (
    <article className="basics-page basics-prose" data-testid="page-legal" aria-labelledby="page-title">
      {known ? (
        <>
          <h1 id="page-title">
            <Scale aria-hidden size={24} /> {t(`legal.${KEYS[known]}.title`)}
          </h1>
          {known === "open-source" ? <OpenSource /> : <Prose document={known} />}
          <DocumentLinks />
        </>
      ) : (
        <>
          <h1 id="page-title">
            <FileQuestion aria-hidden size={24} /> {t("legal.notFound.title")}
          </h1>
          <p data-testid="legal-not-found">{t("legal.notFound.text")}</p>
          <DocumentLinks />
        </>
      )}
    </article>
  );
}

function Prose({ document }: { document: "privacy" | "licence" }) {
  const { t } = useTranslation("basics");
  return (
    <>
      {PROSE[document].map(([heading, paragraphs]) => (
        <section key={heading ?? "intro"}>
          {heading && <h2>{t(`legal.${document}.${heading}`)}</h2>}
          {paragraphs.map((paragraph) => (
            <p key={paragraph}>{t(`legal.${document}.${paragraph}`)}</p>
          ))}
        </section>
      ))}
    </>
  );
}

function OpenSource() {
  const { t } = useTranslation("basics");
  return (
    <>
      <p>{t("legal.openSource.intro")}</p>
      <div className="legal-table-scroll">
        <table className="legal-table" data-testid="open-source-table">
          <caption>{t("legal.openSource.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("legal.openSource.component")}</th>
              <th scope="col">{t("legal.openSource.version")}</th>
              <th scope="col">{t("legal.openSource.licence")}</th>
              <th scope="col">{t("legal.openSource.usedIn")}</th>
            </tr>
          </thead>
          <tbody>
            {THIRD_PARTY_COMPONENTS.map((component) => (
              <tr key={component.name}>
                <th scope="row">{component.name}</th>
                <td className="mono">{component.version}</td>
                <td>
                  {component.licence === PUBLIC_DOMAIN ? t("legal.openSource.publicDomain") : component.licence}
                </td>
                <td>{t(`legal.openSource.${component.area}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function DocumentLinks() {
  const { t } = useTranslation("basics");
  return (
    <nav className="legal-nav" aria-label={t("legal.nav")}>
      <ul>
        {LEGAL_DOCUMENTS.map((document) => (
          <li key={document}>
            <NavLink to={`/legal/${document}`}>{t(`legal.${KEYS[document]}.title`)}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
