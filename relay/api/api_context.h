#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "common/status/status.h"
#include "relay/directory/directory.h"
#include "relay/http/router.h"
#include "relay/policy/access_policy.h"

namespace ccc::relay::auth {
class PasswordHasher;
class LoginGate;
}  // namespace ccc::relay::auth
namespace ccc::relay::store {
class Store;
}
namespace ccc::relay::pairing {
class PairingService;
}
namespace ccc::relay::events {
class EventHub;
}

// What every REST handler shares: the services it works with and the caller it acts for.
// Handlers are registered with Add<Resource>Routes(router, services) and run on HTTP
// server threads; everything reachable from ApiServices is thread-safe.
namespace ccc::relay::api {

// Session and cookie settings ([auth] in the relay config).
struct SessionSettings {
  std::chrono::milliseconds absolute_lifetime{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds idle_timeout{std::chrono::hours(12)};
  bool secure_cookies = false;  // true behind HTTPS: adds "Secure" to the cookie
};

inline constexpr std::string_view kSessionCookie = "ccc_session";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

struct ApiServices {
  directory::Directory* directory = nullptr;
  store::Store* store = nullptr;
  const auth::PasswordHasher* hasher = nullptr;
  auth::LoginGate* login_gate = nullptr;       // throttling + bounded Argon2 concurrency
  pairing::PairingService* pairing = nullptr;  // relay side of A2-A4
  events::EventHub* events = nullptr;          // live updates; null: /api/v1/events is 503
  SessionSettings sessions;
  std::string server_version;
  std::function<int64_t()> now_ms;  // unix ms; tests pass a fake clock
};

// The authenticated user a request acts for.
struct Caller {
  int64_t user_id = 0;
  int64_t company_id = 0;
  std::string company_name;
  std::string email;
  std::string name;
  std::string language;
  bool company_admin = false;
  bool via_api_token = false;
  std::string session_digest;  // empty for API tokens
  std::string csrf_token;      // empty for API tokens
  std::string address;         // client address, for the audit log

  directory::Actor actor() const;
  policy::UserFacts facts() const;
};

// Resolves the caller from the session cookie or "Authorization: Bearer <token>".
// Refusals (as JSON error responses):
//   401 not_authenticated  no credentials, unknown/expired session or token, disabled user
//   403 csrf_failed        cookie-authenticated POST/PUT/PATCH/DELETE without the session's
//                          X-CSRF-Token header (bearer tokens need none)
// Refreshes the session's last use at most once a minute.
std::variant<Caller, http::Response> Authenticate(const ApiServices& services,
                                                  const http::Request& request);

// Wraps a handler that needs a logged-in user.
using CallerHandler = std::function<http::Response(const http::Request&, const Caller&)>;
http::Handler WithCaller(const ApiServices& services, CallerHandler handler);

// Maps a Status from the directory to a JSON error: kNotFound 404 not_found,
// kAlreadyExists 409 conflict, kInvalidArgument 400 invalid_request, kFailedPrecondition
// 409 conflict, kUnavailable 503 unavailable, anything else 500 internal (logged, with no
// details to the client).
http::Response StatusResponse(const Status& status);

// The response for a policy decision that is not kAllow: 404 not_found, 403 forbidden
// (message names the roles that would allow it), 422 with the first missing
// precondition's code ("maintenance_inactive", "firmware_too_old", "site_opt_in_missing")
// and a "missing" array listing all of them.
http::Response DecisionResponse(const policy::Decision& decision, policy::Action action);

// Loads the facts for (caller, system) and decides. Returns nullopt when allowed, else the
// response to send (404 when the system does not exist or is not reachable).
std::optional<http::Response> Authorize(const ApiServices& services, const Caller& caller,
                                        int64_t system_id, policy::Action action);

// Parses a path parameter as a positive id; nullopt (the caller answers 404) otherwise.
std::optional<int64_t> PathId(const http::Request& request, std::string_view name);

// RFC 3339 UTC with seconds ("2026-11-23T23:41:05Z"): every timestamp on the wire, in
// fields named *_at.
std::string Rfc3339(int64_t unix_ms);

// Roles as a JSON array of wire names, in kAllRoles order.
std::string RolesJson(policy::RoleSet roles);

}  // namespace ccc::relay::api
