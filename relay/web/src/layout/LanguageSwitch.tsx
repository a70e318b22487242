import { useTranslation } from "react-i18next";
import { useSetLanguage } from "../api/session";
import { isLanguage, LANGUAGES, rememberLanguage } from "../i18n";

// Switches at once in the browser and stores the choice for the user on the server, so the
// next sign-in on any device starts in it. Without a session it is only remembered locally.
export default function LanguageSwitch({ signedIn }: { signedIn: boolean }) {
  const { t, i18n } = useTranslation();
  const setLanguage = useSetLanguage();
  return (
    <label className="language-switch">
      <span className="visually-hidden">{t("language.label")}</span>
      <select
        className="input"
        value={i18n.language}
        data-testid="language-switch"
        onChange={(event) => {
          const language = event.target.value;
          if (!isLanguage(language)) return;
          void i18n.changeLanguage(language);
          rememberLanguage(language);
          if (signedIn) setLanguage.mutate(language);
        }}
      >
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {t(`language.${language}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
