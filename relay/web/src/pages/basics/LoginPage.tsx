import { zodResolver } from "@hookform/resolvers/zod";
import { CircleAlert, KeyRound, LogIn } from "lucide-react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Navigate, useSearchParams } from "react-router";
import { z } from "zod";
import { isApiError } from "../../api/client";
import { errorText } from "../../api/errors";
import { oidcLoginUrl, useOidcInfo } from "../../api/oidc";
import { useLogin, useSessionQuery } from "../../api/session";
import Spinner from "../../components/Spinner";
import LanguageSwitch from "../../layout/LanguageSwitch";
import { safeNextPath } from "./nextPath";
import { ssoErrorKey } from "./ssoErrors";
import { formatWait } from "./waitTime";
import "./LoginPage.css";

// Messages are keys of the "basics" namespace, translated when shown.
const loginSchema = z.object({
  email: z.string().trim().min(1, "login.emailRequired"),
  password: z.string().min(1, "login.passwordRequired"),
});

type LoginValues = z.infer<typeof loginSchema>;

// Outside the shell: e-mail and password, single sign-on when the relay offers it, and the
// language switch. A signed-in visitor (also right after signing in) goes on to `?next=`
// when that is a path of this site, else to the dashboard.
export default function LoginPage() {
  const { t, i18n } = useTranslation("basics");
  const [search] = useSearchParams();
  const next = safeNextPath(search.get("next"));
  const ssoError = search.get("sso_error");
  const session = useSessionQuery();
  const oidc = useOidcInfo();
  const login = useLogin();
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<LoginValues>({
    resolver: zodResolver(loginSchema),
    defaultValues: { email: "", password: "" },
  });

  if (session.data) return <Navigate to={next} replace />;

  const submit = handleSubmit((values) => login.mutate({ email: values.email, password: values.password }));

  let failure: string | null = null;
  if (login.error) {
    failure =
      isApiError(login.error, "too_many_attempts") && login.error.retryAfterSeconds
        ? t("login.tooManyAttempts", { wait: formatWait(login.error.retryAfterSeconds, i18n.language) })
        : errorText(t, login.error);
  }
  const oidcName = oidc.data?.name || t("login.ssoDefaultName");

  return (
    <div className="login-page" data-testid="page-login">
      <div className="login-language">
        <LanguageSwitch signedIn={false} />
      </div>
      <main className="login-main">
        <section className="card login-card" aria-labelledby="login-product">
          <h1 id="login-product" className="login-product">
            {t("common:product")}
          </h1>
          <p className="login-intro">{t("login.intro")}</p>
          <h2 className="login-title">{t("login.title")}</h2>

          {ssoError && (
            <div className="notice danger login-notice" role="alert" data-testid="sso-error">
              <p className="login-notice-title">
                <CircleAlert aria-hidden size={18} />
                <strong>{t("login.ssoFailed")}</strong>
              </p>
              <p>{t(`login.ssoErrors.${ssoErrorKey(ssoError)}`)}</p>
            </div>
          )}

          {session.isPending ? (
            <Spinner label={t("login.checking")} />
          ) : (
            <>
              <form className="login-form" noValidate onSubmit={(event) => void submit(event)}>
                {failure && (
                  <div className="notice danger login-notice" role="alert" data-testid="login-error">
                    <p className="login-notice-title">
                      <CircleAlert aria-hidden size={18} />
                      <span>{failure}</span>
                    </p>
                  </div>
                )}
                <div className="field">
                  <label htmlFor="login-email">{t("login.email")}</label>
                  <input
                    id="login-email"
                    type="email"
                    autoComplete="username"
                    inputMode="email"
                    spellCheck={false}
                    autoFocus
                    aria-invalid={errors.email ? true : undefined}
                    aria-describedby={errors.email ? "login-email-error" : undefined}
                    {...register("email")}
                  />
                  {errors.email?.message && (
                    <p id="login-email-error" className="field-error">
                      {t(errors.email.message)}
                    </p>
                  )}
                </div>
                <div className="field">
                  <label htmlFor="login-password">{t("login.password")}</label>
                  <input
                    id="login-password"
                    type="password"
                    autoComplete="current-password"
                    aria-invalid={errors.password ? true : undefined}
                    aria-describedby={errors.password ? "login-password-error" : undefined}
                    {...register("password")}
                  />
                  {errors.password?.message && (
                    <p id="login-password-error" className="field-error">
                      {t(errors.password.message)}
                    </p>
                  )}
                </div>
                <button type="submit" className="button primary login-submit" disabled={login.isPending}>
                  <LogIn aria-hidden size={16} />
                  {login.isPending ? t("login.submitting") : t("login.submit")}
                </button>
              </form>

              {oidc.data?.enabled && (
                <div className="login-sso">
                  <p className="login-or">
                    <span>{t("login.or")}</span>
                  </p>
                  {/* A full page visit: the relay answers with a redirect to the provider. */}
                  <a className="button login-sso-button" href={oidcLoginUrl(next)} data-testid="sso-login">
                    <KeyRound aria-hidden size={16} />
                    {t("login.sso", { name: oidcName })}
                  </a>
                </div>
              )}
            </>
          )}
        </section>
      </main>
    </div>
  );
}
