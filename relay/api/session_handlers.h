#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status/status.h"
#include "relay/api/api_context.h"
#include "relay/directory/directory.h"
#include "relay/http/router.h"

namespace ccc::relay::api {

// Registers the session endpoints (ARCHITECTURE.md "API conventions", brief "Endpoints"):
//   POST   /api/v1/session           log in {email, password} -> 200 {user, csrf_token}
//                                    + Set-Cookie; 401 invalid_credentials; 429
//                                    too_many_attempts (Retry-After); 503 when every
//                                    password verification slot stays busy
//   GET    /api/v1/session           -> 200 {user, csrf_token} (csrf_token null for tokens)
//   PATCH  /api/v1/session           {language: "en"|"de"} -> 200 {user, csrf_token}
//   DELETE /api/v1/session           log out -> 204, cookie cleared
//   POST   /api/v1/session/password  {current_password, new_password (>= 10 chars)} -> 204;
//                                    a wrong current password is 400 invalid_field. The
//                                    user's other sessions stay valid.
// Needs services.directory, services.hasher and services.login_gate; `services` must
// outlive the router. Hashes one dummy password at registration (so that unknown e-mail
// addresses cost the same verification time as known ones).
void AddSessionRoutes(http::Router& router, const ApiServices& services);

// The Set-Cookie value for a new session, and the one that clears it.
std::string SessionCookie(const SessionSettings& settings, std::string_view token);
std::string ClearedSessionCookie(const SessionSettings& settings);

// A new browser session for `user`, stored the way every login creates one: a fresh secret
// token (only its digest stored), a CSRF token, expiry now_ms + the absolute lifetime, and
// the request's address and (truncated) user agent. The caller has authenticated the user.
struct IssuedSession {
  std::string cookie;  // the Set-Cookie value carrying the secret token
  std::string csrf_token;
};
Result<IssuedSession> IssueSession(const ApiServices& services, const directory::User& user,
                                   const http::Request& request, int64_t now_ms);

// The audit entry of a login attempt (`action` "session.login" or "session.login_failed"):
// target the user when known (the actor then is the user's e-mail, else `actor`), details
// {"method": method} when `method` is not empty and {"reason": reason} when `reason` is not.
directory::AuditEntry LoginAuditEntry(const http::Request& request, int64_t now_ms,
                                      std::string_view action, std::string_view actor,
                                      const directory::User* user, std::string_view reason,
                                      std::string_view method = "");

}  // namespace ccc::relay::api
