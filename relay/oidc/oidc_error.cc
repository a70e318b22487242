#include "relay/oidc/oidc_error.h"

namespace ccc::relay::oidc {

std::string_view OidcErrorCode(OidcError error) {
  switch (error) {
    case OidcError::kStateInvalid:
      return "state_invalid";
    case OidcError::kProviderError:
      return "provider_error";
    case OidcError::kProviderUnavailable:
      return "provider_unavailable";
    case OidcError::kTokenExchangeFailed:
      return "token_exchange_failed";
    case OidcError::kIdTokenInvalid:
      return "id_token_invalid";
    case OidcError::kIdTokenSignatureInvalid:
      return "id_token_signature_invalid";
    case OidcError::kIdTokenIssuerMismatch:
      return "id_token_issuer_mismatch";
    case OidcError::kIdTokenAudienceMismatch:
      return "id_token_audience_mismatch";
    case OidcError::kIdTokenExpired:
      return "id_token_expired";
    case OidcError::kIdTokenNotYetValid:
      return "id_token_not_yet_valid";
    case OidcError::kIdTokenNonceMismatch:
      return "id_token_nonce_mismatch";
    case OidcError::kEmailMissing:
      return "email_missing";
    case OidcError::kCompanyUnknown:
      return "company_unknown";
    case OidcError::kAccountConflict:
      return "account_conflict";
    case OidcError::kAccountDisabled:
      return "account_disabled";
    case OidcError::kAccountNotFound:
      return "account_not_found";
    case OidcError::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace ccc::relay::oidc
