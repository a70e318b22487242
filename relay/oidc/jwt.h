#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay/oidc/oidc_error.h"
#include "relay/oidc/rsa_key.h"

// Verification of OpenID Connect ID tokens (compact JWS, RFC 7515/7519; OpenID Connect
// Core 1.0 section 3.1.3.7). Only RS256 is accepted: "none", HMAC (HS256, which a forged
// token could pair with the public key as secret) and every other algorithm are refused.
namespace ccc::relay::oidc {

inline constexpr std::size_t kMaxIdTokenBytes = 64 * 1024;
inline constexpr int64_t kClockSkewSeconds = 60;

struct IdTokenExpectations {
  std::string issuer;     // must equal "iss" exactly
  std::string client_id;  // must be in "aud"; must equal "azp" when present
  std::string nonce;      // must equal "nonce"
  int64_t now_s = 0;      // unix seconds
  int64_t skew_s = kClockSkewSeconds;
};

struct IdTokenClaims {
  std::string issuer;
  std::string subject;
  std::vector<std::string> audience;
  int64_t expires_s = 0;
  int64_t issued_at_s = 0;
  std::optional<std::string> email;
  std::optional<bool> email_verified;
  std::string name;  // "" when absent
  // Every top-level claim whose value is a string (company claim, locale, ...).
  std::map<std::string, std::string, std::less<>> string_claims;
};

// Finds the key for the token's "kid" header ("" when it has none).
using KeyLookup = std::function<OidcResult<RsaPublicKey>(std::string_view kid)>;

// Checks, in this order: structure and strict base64url (kIdTokenInvalid), header alg
// RS256 and no "crit" (kIdTokenInvalid), key (the lookup's failure), signature
// (kIdTokenSignatureInvalid), iss (kIdTokenIssuerMismatch), aud/azp
// (kIdTokenAudienceMismatch; with several audiences azp is required), exp
// (kIdTokenExpired: now - skew >= exp), iat and nbf (kIdTokenNotYetValid: more than skew
// in the future), nonce (kIdTokenNonceMismatch), a non-empty sub (kIdTokenInvalid).
// Claims are read only after the signature verified.
OidcResult<IdTokenClaims> VerifyIdToken(std::string_view token, const KeyLookup& keys,
                                        const IdTokenExpectations& expect);

}  // namespace ccc::relay::oidc
