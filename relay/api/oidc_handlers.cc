#include "relay/api/oidc_handlers.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <optional>
#include <string>

#include "relay/api/handler_support.h"
#include "relay/api/list_query.h"
#include "relay/api/session_handlers.h"
#include "relay/auth/secret_tokens.h"
#include "relay/oidc/oidc_client.h"

namespace ccc::relay::api {
namespace {

using oidc::OidcError;
using oidc::OidcFailure;
using oidc::OidcResult;

constexpr std::size_t kMaxReturnToChars = 2048;
constexpr std::size_t kMaxEmailChars = 254;
constexpr std::size_t kMaxNameChars = 200;
constexpr std::string_view kStateCookiePath = "/api/v1/auth/oidc";
// details.method of the audit entries of single sign-on logins.
constexpr std::string_view kAuditMethod = "oidc";
constexpr int64_t kStateCookieSeconds = oidc::LoginStateStore::kDefaultLifetimeMs / 1000;

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The first cookie called `name` in any Cookie header.
std::optional<std::string> CookieValue(const http::Request& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (header != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semicolon = rest.find(';');
      std::string_view pair = TrimSpaces(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && TrimSpaces(pair.substr(0, eq)) == name) {
        return std::string(TrimSpaces(pair.substr(eq + 1)));
      }
    }
  }
  return std::nullopt;
}

std::string StateCookie(const SessionSettings& settings, std::string_view state, bool clear) {
  std::string cookie = std::string(kOidcStateCookie) + "=" + std::string(state) +
                       "; Path=" + std::string(kStateCookiePath) +
                       "; Max-Age=" + std::to_string(clear ? 0 : kStateCookieSeconds) +
                       "; HttpOnly; SameSite=Lax";
  if (settings.secure_cookies) cookie += "; Secure";
  return cookie;
}

http::Response Redirect(std::string location) {
  http::Response response;
  response.status = 302;
  response.content_type = "text/plain";
  response.headers.emplace_back("Location", std::move(location));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Response Disabled() {
  return http::JsonError(404, "oidc_disabled", "single sign-on is not configured");
}

OidcFailure Storage(const Status& status) {
  return OidcFailure{OidcError::kInternal, status.ToString()};
}

bool ValidEmail(std::string_view email) {
  if (email.empty() || email.size() > kMaxEmailChars) return false;
  size_t at = email.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == email.size()) return false;
  for (unsigned char c : email) {
    if (c <= 0x20 || c == 0x7F) return false;
  }
  return true;
}

// Matches the provider's identity to a relay user (see the header for the rules).
OidcResult<directory::User> FindOrCreateUser(const ApiServices& services,
                                             const oidc::OidcConfig& config,
                                             const oidc::IdTokenClaims& claims,
                                             const http::Request& request, int64_t now) {
  directory::Directory& dir = *services.directory;
  const std::string& email = *claims.email;

  std::string claimed_company;
  if (!config.company_claim.empty()) {
    auto it = claims.string_claims.find(config.company_claim);
    if (it != claims.string_claims.end()) claimed_company = it->second;
  }
  const std::string company_name =
      claimed_company.empty() ? config.default_company : claimed_company;
  if (company_name.empty()) {
    return OidcFailure{OidcError::kCompanyUnknown, "the ID token names no company"};
  }
  auto company = dir.FindCompanyByName(company_name);
  if (!company.ok()) return Storage(company.status());
  if (!company->has_value()) {
    return OidcFailure{OidcError::kCompanyUnknown, "no company '" + company_name + "'"};
  }
  const int64_t company_id = (*company)->id;

  for (int attempt = 0; attempt < 2; ++attempt) {
    auto linked = dir.FindUserByOidcSubject(config.issuer, claims.subject);
    if (!linked.ok()) return Storage(linked.status());
    if (linked->has_value()) {
      directory::User user = std::move(**linked);
      // The provider is the authority on which company a person belongs to now.
      if (!claimed_company.empty() && user.company_id != company_id) {
        return OidcFailure{OidcError::kAccountConflict,
                           "linked user belongs to another company than the claim names"};
      }
      if (user.disabled) return OidcFailure{OidcError::kAccountDisabled, user.email};
      return user;
    }

    auto by_email = dir.FindUserByEmail(email);
    if (!by_email.ok()) return Storage(by_email.status());
    if (by_email->has_value()) {
      directory::User user = std::move(**by_email);
      if (user.company_id != company_id) {
        return OidcFailure{OidcError::kAccountConflict,
                           "e-mail belongs to a user of another company"};
      }
      if (user.oidc_subject.has_value() || user.oidc_issuer.has_value()) {
        return OidcFailure{OidcError::kAccountConflict,
                           "user is linked to another single sign-on identity"};
      }
      if (user.disabled) return OidcFailure{OidcError::kAccountDisabled, user.email};
      directory::Actor actor{user.id, user.company_id, user.email, request.remote_address};
      Status linked_now = dir.SetOidcSubject(user.id, config.issuer, claims.subject, actor);
      if (!linked_now.ok()) return Storage(linked_now);
      user.oidc_issuer = config.issuer;
      user.oidc_subject = claims.subject;
      return user;
    }

    if (!config.allow_create_users) {
      return OidcFailure{OidcError::kAccountNotFound, "no user with e-mail " + email};
    }
    directory::NewUser fresh;
    fresh.company_id = company_id;
    fresh.email = email;
    fresh.name = claims.name.substr(0, kMaxNameChars);
    auto locale = claims.string_claims.find("locale");
    fresh.language =
        locale != claims.string_claims.end() && locale->second.starts_with("de") ? "de" : "en";
    fresh.oidc_issuer = config.issuer;
    fresh.oidc_subject = claims.subject;
    directory::Actor actor{std::nullopt, company_id, email, request.remote_address};
    auto created = dir.CreateUser(fresh, now, actor);
    // Another login of the same person may have created the user meanwhile: look again.
    if (!created.ok() && created.status().code() == StatusCode::kAlreadyExists) continue;
    if (!created.ok()) return Storage(created.status());
    auto user = dir.GetUser(*created);
    if (!user.ok()) return Storage(user.status());
    if (!user->has_value()) return OidcFailure{OidcError::kInternal, "created user vanished"};
    return std::move(**user);
  }
  return OidcFailure{OidcError::kAccountConflict, "user changed concurrently"};
}

http::Response OidcStatus(oidc::OidcClient* client) {
  boost::json::object body;
  body["enabled"] = client != nullptr;
  body["name"] = client != nullptr ? client->config().display_name : "";
  http::Response response = http::JsonResponse(200, boost::json::serialize(body));
  AddNoStore(response);
  return response;
}

http::Response BeginLogin(const ApiServices& services, oidc::OidcClient& client,
                          const http::Request& request) {
  std::string return_to = SanitizeReturnTo(QueryParam(request, "return_to").value_or("/"));
  auto redirect = client.BeginLogin(return_to);
  if (!redirect.ok()) {
    spdlog::warn("oidc: cannot start a login: {}", redirect.failure().detail);
    return Redirect("/login?sso_error=" + std::string(OidcErrorCode(redirect.failure().error)));
  }
  http::Response response = Redirect(redirect->url);
  response.headers.emplace_back("Set-Cookie",
                                StateCookie(services.sessions, redirect->state, false));
  return response;
}

http::Response CompleteLogin(const ApiServices& services, oidc::OidcClient& client,
                             const http::Request& request) {
  const int64_t now = NowMs(services);
  oidc::Callback callback;
  callback.state = QueryParam(request, "state").value_or("");
  callback.code = QueryParam(request, "code").value_or("");
  callback.error = QueryParam(request, "error").value_or("");
  callback.error_description = QueryParam(request, "error_description").value_or("");

  std::string actor = "oidc";
  std::string return_to = "/";
  bool audit_failure = false;
  OidcResult<directory::User> user = [&]() -> OidcResult<directory::User> {
    // The state must come back to the browser that started the login: a callback URL
    // carried to someone else's browser (login CSRF) has no matching cookie.
    std::optional<std::string> bound = CookieValue(request, kOidcStateCookie);
    if (callback.state.empty() || !bound || !auth::DigestsEqual(*bound, callback.state)) {
      return OidcFailure{OidcError::kStateInvalid, "state missing or not this browser's"};
    }
    auto login = client.CompleteLogin(callback);
    if (!login.ok()) {
      audit_failure = login.failure().error != OidcError::kStateInvalid;
      return login.failure();
    }
    audit_failure = true;
    const oidc::IdTokenClaims& claims = login->claims;
    if (!claims.email || !ValidEmail(*claims.email)) {
      return OidcFailure{OidcError::kEmailMissing, "the ID token has no usable e-mail"};
    }
    actor = *claims.email;
    if (claims.email_verified == false) {
      return OidcFailure{OidcError::kEmailMissing, "the provider says the e-mail is unverified"};
    }
    auto found = FindOrCreateUser(services, client.config(), claims, request, now);
    return_to = login->return_to;
    return found;
  }();

  if (!user.ok()) {
    const OidcFailure& failure = user.failure();
    std::string_view code = OidcErrorCode(failure.error);
    spdlog::info("oidc: login refused ({}): {}", code, failure.detail);
    if (audit_failure) {
      AppendAuditOrLog(services, LoginAuditEntry(request, now, "session.login_failed", actor,
                                                 nullptr, code, kAuditMethod));
    }
    http::Response response = Redirect("/login?sso_error=" + std::string(code));
    response.headers.emplace_back("Set-Cookie", StateCookie(services.sessions, "", true));
    return response;
  }

  auto session = IssueSession(services, *user, request, now);
  if (!session.ok()) {
    spdlog::error("oidc: session not stored: {}", session.status().ToString());
    AppendAuditOrLog(services, LoginAuditEntry(request, now, "session.login_failed", actor, &*user,
                                               OidcErrorCode(OidcError::kInternal), kAuditMethod));
    return Redirect("/login?sso_error=" + std::string(OidcErrorCode(OidcError::kInternal)));
  }
  AppendAuditOrLog(services,
                   LoginAuditEntry(request, now, "session.login", actor, &*user, "", kAuditMethod));
  http::Response response = Redirect(return_to);
  response.headers.emplace_back("Set-Cookie", std::move(session->cookie));
  response.headers.emplace_back("Set-Cookie", StateCookie(services.sessions, "", true));
  return response;
}

}  // namespace

std::string SanitizeReturnTo(std::string_view return_to) {
  if (return_to.empty() || return_to.size() > kMaxReturnToChars || return_to.front() != '/') {
    return "/";
  }
  // "//host" and "/\host" are read by browsers as another site.
  if (return_to.size() > 1 && (return_to[1] == '/' || return_to[1] == '\\')) return "/";
  for (unsigned char c : return_to) {
    if (c < 0x20 || c >= 0x7F || c == '\\') return "/";
  }
  return std::string(return_to);
}

void AddOidcRoutes(http::Router& router, const ApiServices& services, oidc::OidcClient* oidc) {
  router.Add(http::Method::kGet, "/api/v1/auth/oidc",
             [oidc](const http::Request&) { return OidcStatus(oidc); });
  router.Add(http::Method::kGet, "/api/v1/auth/oidc/login",
             [&services, oidc](const http::Request& request) {
               return oidc == nullptr ? Disabled() : BeginLogin(services, *oidc, request);
             });
  router.Add(http::Method::kGet, "/api/v1/auth/oidc/callback",
             [&services, oidc](const http::Request& request) {
               return oidc == nullptr ? Disabled() : CompleteLogin(services, *oidc, request);
             });
}

}  // namespace ccc::relay::api
