import { CircleCheck, CircleMinus, KeyRound, Languages, UserRound, Webhook } from "lucide-react";
import { useTranslation } from "react-i18next";
import { errorText } from "../../api/errors";
import { useSetLanguage } from "../../api/session";
import { useNotify } from "../../components/Notifications";
import Spinner from "../../components/Spinner";
import { isLanguage, LANGUAGES, rememberLanguage } from "../../i18n";
import { useCurrentUser } from "../../layout/SessionContext";
import ApiTokensSection from "./ApiTokensSection";
import PasswordForm from "./PasswordForm";
import "./basics.css";

// The signed-in user's own account: profile facts, language, password and API tokens.
export default function AccountPage() {
  const { t } = useTranslation("basics");
  const user = useCurrentUser();
  return (
    <section className="basics-page" data-testid="page-account" aria-labelledby="page-title">
      <h1 id="page-title">{t("account.title")}</h1>

      <section className="card basics-section" aria-labelledby="account-profile">
        <h2 id="account-profile">
          <UserRound aria-hidden size={20} />
          {t("account.profile.title")}
        </h2>
        <dl className="basics-facts" data-testid="account-profile">
          <dt>{t("account.profile.email")}</dt>
          <dd>{user.email}</dd>
          <dt>{t("account.profile.name")}</dt>
          <dd>{user.name || <span className="basics-muted">{t("account.profile.noName")}</span>}</dd>
          <dt>{t("account.profile.company")}</dt>
          <dd>{user.company.name}</dd>
          <dt>{t("account.profile.companyAdmin")}</dt>
          <dd data-testid="company-admin">
            {user.company_admin ? (
              <>
                <CircleCheck aria-hidden size={16} className="basics-yes" /> {t("account.profile.yes")}
              </>
            ) : (
              <>
                <CircleMinus aria-hidden size={16} className="basics-no" /> {t("account.profile.no")}
              </>
            )}
          </dd>
        </dl>
      </section>

      <section className="card basics-section" aria-labelledby="account-language">
        <h2 id="account-language">
          <Languages aria-hidden size={20} />
          {t("account.language.title")}
        </h2>
        <LanguageChoice />
      </section>

      <section className="card basics-section" aria-labelledby="account-password">
        <h2 id="account-password">
          <KeyRound aria-hidden size={20} />
          {t("account.password.title")}
        </h2>
        <PasswordForm />
      </section>

      <section className="card basics-section" aria-labelledby="account-tokens">
        <h2 id="account-tokens">
          <Webhook aria-hidden size={20} />
          {t("account.tokens.title")}
        </h2>
        <p className="basics-hint">{t("account.tokens.intro")}</p>
        <ApiTokensSection />
      </section>
    </section>
  );
}

// Switches at once and stores the choice with the account (the header's switch does the
// same; this one has a visible label and says when the choice is saved).
function LanguageChoice() {
  const { t, i18n } = useTranslation("basics");
  const setLanguage = useSetLanguage();
  const notify = useNotify();
  return (
    <div className="field basics-language">
      <label htmlFor="account-language-select">{t("account.language.label")}</label>
      <div className="basics-inline">
        <select
          id="account-language-select"
          className="input"
          value={i18n.language}
          aria-describedby="account-language-hint"
          onChange={(event) => {
            const language = event.target.value;
            if (!isLanguage(language)) return;
            void i18n.changeLanguage(language);
            rememberLanguage(language);
            setLanguage.mutate(language, {
              onSuccess: () => notify.success(t("account.language.saved")),
              onError: (error) => notify.error(errorText(t, error)),
            });
          }}
        >
          {LANGUAGES.map((language) => (
            <option key={language} value={language} lang={language}>
              {t(`common:language.${language}`)}
            </option>
          ))}
        </select>
        {setLanguage.isPending && <Spinner label={t("account.language.saving")} size={14} />}
      </div>
      <p id="account-language-hint" className="field-hint">
        {t("account.language.hint")}
      </p>
    </div>
  );
}
