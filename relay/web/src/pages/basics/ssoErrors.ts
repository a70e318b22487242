// The relay sends a failed single sign-on back to "/login?sso_error=<code>" with a stable
// code (relay/oidc/oidc_error.h). Codes that call for the same advice share one sentence
// (key under basics:login.ssoErrors); unknown codes get a generic one.
const SSO_ERROR_KEYS: Record<string, string> = {
  state_invalid: "expired",
  provider_error: "refused",
  provider_unavailable: "unavailable",
  token_exchange_failed: "notVerified",
  id_token_invalid: "notVerified",
  id_token_signature_invalid: "notVerified",
  id_token_issuer_mismatch: "notVerified",
  id_token_audience_mismatch: "notVerified",
  id_token_nonce_mismatch: "notVerified",
  id_token_expired: "clock",
  id_token_not_yet_valid: "clock",
  email_missing: "noEmail",
  company_unknown: "noCompany",
  account_conflict: "conflict",
  account_disabled: "disabled",
  account_not_found: "notFound",
  internal: "internal",
};

export function ssoErrorKey(code: string): string {
  return Object.hasOwn(SSO_ERROR_KEYS, code) ? (SSO_ERROR_KEYS[code] ?? "generic") : "generic";
}
