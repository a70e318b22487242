#pragma once

#include <string>
#include <string_view>

#include "relay/api/api_context.h"
#include "relay/http/router.h"

namespace ccc::relay::oidc {
class OidcClient;
}

// OpenID Connect single sign-on endpoints (browser-facing; no login needed):
//
//   GET /api/v1/auth/oidc                 -> 200 {"enabled": bool, "name": display name}
//   GET /api/v1/auth/oidc/login?return_to=/path
//        -> 302 to the provider's authorization endpoint (code flow, PKCE S256, state,
//           nonce) + Set-Cookie ccc_oidc_state (HttpOnly, SameSite=Lax, 10 min, path
//           /api/v1/auth/oidc) that binds the login to this browser. return_to must be a
//           same-site path ("/x", not "//x", no backslashes or control characters, at most
//           2048 characters); anything else becomes "/".
//   GET /api/v1/auth/oidc/callback?code=...&state=...   (or ?error=...&state=...)
//        success -> 302 to return_to + Set-Cookie ccc_session (as the password login) ;
//                   audit "session.login" {"method":"oidc"}
//        failure -> 302 to "/login?sso_error=<code>" (codes: oidc::OidcErrorCode, e.g.
//                   state_invalid, id_token_signature_invalid, id_token_audience_mismatch,
//                   id_token_expired, id_token_nonce_mismatch, token_exchange_failed,
//                   account_conflict); no session; audit "session.login_failed"
//                   {"method":"oidc","reason":code} once the state was valid.
//   With single sign-on off (oidc == nullptr) the login and callback answer
//   404 oidc_disabled.
//
// Users: found by (issuer, sub); else by e-mail within the company named by the ID token's
// company_claim or, failing that, default_company (a user with that e-mail in another
// company, or linked to another identity, is refused: account_conflict), and then linked to
// the identity; else created without password when allow_create_users. The ID token must
// carry an e-mail address, and email_verified must not be false.
//
// `services` and `oidc` must outlive the router; handlers run on HTTP threads and may wait
// up to the provider timeout (10 s) on it.
namespace ccc::relay::api {

inline constexpr std::string_view kOidcStateCookie = "ccc_oidc_state";

void AddOidcRoutes(http::Router& router, const ApiServices& services, oidc::OidcClient* oidc);

// The return_to rule above, applied to an already percent-decoded value.
std::string SanitizeReturnTo(std::string_view return_to);

}  // namespace ccc::relay::api
