import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { api, isApiError } from "../../api/client";
import { errorText } from "../../api/errors";
import { useNotify } from "../../components/Notifications";
import {
  EMPTY_PASSWORDS,
  MIN_PASSWORD_CHARS,
  passwordProblem,
  passwordSchema,
  type PasswordValues,
} from "./passwordForm";
import { formatWait } from "./waitTime";

// Change the own password: current one, new one (at least 10 characters) twice. A wrong
// current password is shown at its field; other refusals (single sign-on account without
// a password, too many attempts) above the button.
export default function PasswordForm() {
  const { t, i18n } = useTranslation("basics");
  const notify = useNotify();
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors },
  } = useForm<PasswordValues>({ resolver: zodResolver(passwordSchema), defaultValues: EMPTY_PASSWORDS });

  const change = useMutation({
    mutationFn: (values: PasswordValues) =>
      api<void>("/session/password", {
        method: "POST",
        body: { current_password: values.current, new_password: values.next },
      }),
  });

  const submit = handleSubmit((values) =>
    change.mutate(values, {
      onSuccess: () => {
        reset(EMPTY_PASSWORDS);
        notify.success(t("account.password.changed"));
      },
      onError: (error) => {
        if (passwordProblem(error) === "wrong_password") {
          setError("current", { type: "server", message: "errors:wrong_password" }, { shouldFocus: true });
        }
      },
    }),
  );

  const problem = change.error ? passwordProblem(change.error) : null;
  let formError: string | null = null;
  if (change.error && problem === "no_password") formError = t("errors:no_password");
  else if (change.error && problem === "other") {
    formError =
      isApiError(change.error, "too_many_attempts") && change.error.retryAfterSeconds
        ? t("account.password.tooManyAttempts", { wait: formatWait(change.error.retryAfterSeconds, i18n.language) })
        : errorText(t, change.error);
  }

  const fieldError = (name: keyof PasswordValues) => {
    const message = errors[name]?.message;
    if (!message) return null;
    return (
      <p id={`password-${name}-error`} className="field-error">
        {t(message, { min: MIN_PASSWORD_CHARS })}
      </p>
    );
  };
  const describedBy = (name: keyof PasswordValues, hint?: string) =>
    [hint, errors[name] ? `password-${name}-error` : undefined].filter(Boolean).join(" ") || undefined;

  return (
    <form className="basics-form" noValidate onSubmit={(event) => void submit(event)} data-testid="password-form">
      <div className="field">
        <label htmlFor="password-current">{t("account.password.current")}</label>
        <input
          id="password-current"
          type="password"
          autoComplete="current-password"
          aria-invalid={errors.current ? true : undefined}
          aria-describedby={describedBy("current")}
          {...register("current")}
        />
        {fieldError("current")}
      </div>
      <div className="field">
        <label htmlFor="password-next">{t("account.password.next")}</label>
        <input
          id="password-next"
          type="password"
          autoComplete="new-password"
          aria-invalid={errors.next ? true : undefined}
          aria-describedby={describedBy("next", "password-next-hint")}
          {...register("next")}
        />
        <p id="password-next-hint" className="field-hint">
          {t("account.password.hint", { min: MIN_PASSWORD_CHARS })}
        </p>
        {fieldError("next")}
      </div>
      <div className="field">
        <label htmlFor="password-repeat">{t("account.password.repeat")}</label>
        <input
          id="password-repeat"
          type="password"
          autoComplete="new-password"
          aria-invalid={errors.repeat ? true : undefined}
          aria-describedby={describedBy("repeat")}
          {...register("repeat")}
        />
        {fieldError("repeat")}
      </div>
      {formError && (
        <p className="notice danger basics-form-error" role="alert">
          {formError}
        </p>
      )}
      <button type="submit" className="button primary" disabled={change.isPending}>
        <KeyRound aria-hidden size={16} />
        {change.isPending ? t("account.password.saving") : t("account.password.submit")}
      </button>
    </form>
  );
}
