#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

// Why a single sign-on attempt failed. Each value has a stable wire code (OidcErrorCode):
// the relay sends the browser to "/login?sso_error=<code>", writes it to the audit log
// ("session.login_failed", details.reason) and the portal maps it to a sentence.
namespace ccc::relay::oidc {

enum class OidcError {
  kStateInvalid,             // unknown, expired or already used state, or browser mismatch
  kProviderError,            // the provider sent the browser back with error=...
  kProviderUnavailable,      // discovery, JWKS or token endpoint unreachable or malformed
  kTokenExchangeFailed,      // the token endpoint refused the code (e.g. PKCE mismatch)
  kIdTokenInvalid,           // malformed, unsupported algorithm, unknown key, no subject
  kIdTokenSignatureInvalid,  // RS256 signature does not verify
  kIdTokenIssuerMismatch,    // iss is not the configured issuer
  kIdTokenAudienceMismatch,  // aud does not contain our client_id (or azp is wrong)
  kIdTokenExpired,           // exp passed (60 s skew)
  kIdTokenNotYetValid,       // iat or nbf in the future (60 s skew)
  kIdTokenNonceMismatch,     // nonce differs from the one sent with this login
  kEmailMissing,             // no e-mail claim, or email_verified is false
  kCompanyUnknown,           // neither the company claim nor default_company names a company
  kAccountConflict,          // the e-mail or subject belongs to another company or identity
  kAccountDisabled,          // the matched user is disabled
  kAccountNotFound,          // no such user and allow_create_users is false
  kInternal,                 // storage failure or a bug (details only in the log)
};

// The wire code: "state_invalid", "provider_error", "provider_unavailable",
// "token_exchange_failed", "id_token_invalid", "id_token_signature_invalid",
// "id_token_issuer_mismatch", "id_token_audience_mismatch", "id_token_expired",
// "id_token_not_yet_valid", "id_token_nonce_mismatch", "email_missing", "company_unknown",
// "account_conflict", "account_disabled", "account_not_found", "internal".
std::string_view OidcErrorCode(OidcError error);

struct OidcFailure {
  OidcError error = OidcError::kInternal;
  std::string detail;  // for logs and the audit entry; never shown to the browser
};

// A value or the reason there is none (the OIDC counterpart of ccc::Result, whose status
// codes are too coarse for the distinctions above).
template <typename T>
class [[nodiscard]] OidcResult {
 public:
  OidcResult(T value) : state_(std::move(value)) {}                // NOLINT: implicit by design
  OidcResult(OidcFailure failure) : state_(std::move(failure)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  const OidcFailure& failure() const { return std::get<OidcFailure>(state_); }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, OidcFailure> state_;
};

inline OidcFailure Fail(OidcError error, std::string detail) {
  return OidcFailure{error, std::move(detail)};
}

}  // namespace ccc::relay::oidc
