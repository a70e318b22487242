#include "relay/api/session_handlers.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "relay/api/handler_support.h"
#include "relay/api/json_input.h"
#include "relay/auth/login_gate.h"
#include "relay/auth/password_hasher.h"
#include "relay/auth/secret_tokens.h"

namespace ccc::relay::api {
namespace {

constexpr std::size_t kMaxEmailChars = 254;
constexpr std::size_t kMinPasswordChars = 10;
constexpr std::size_t kMaxUserAgentBytes = 512;
// How long a login waits for a free Argon2 slot before answering 503.
constexpr std::chrono::seconds kSlotWait{5};

http::Response InvalidCredentials() {
  return http::JsonError(401, "invalid_credentials", "the e-mail address or password is wrong");
}

http::Response TooManyAttempts(std::chrono::seconds retry_after) {
  http::Response response =
      http::JsonError(429, "too_many_attempts", "too many failed attempts; try again later");
  response.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
  return response;
}

http::Response Busy() {
  http::Response response =
      http::JsonError(503, "unavailable", "too many logins at once; try again shortly");
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

http::Response PasswordTooLong(std::string_view field) {
  return http::JsonError(400, "field_too_long",
                         "field '" + std::string(field) + "' must be at most " +
                             std::to_string(auth::kMaxPasswordBytes) + " bytes");
}

http::Response SessionResponse(boost::json::object user, const std::string& csrf_token) {
  boost::json::object body;
  body["user"] = std::move(user);
  if (csrf_token.empty()) {
    body["csrf_token"] = nullptr;
  } else {
    body["csrf_token"] = csrf_token;
  }
  return http::JsonResponse(200, boost::json::serialize(body));
}

http::Response Login(const ApiServices& services, const std::string& dummy_hash,
                     const http::Request& request) {
  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto email = input->String("email", {.max_chars = kMaxEmailChars});
  auto password = input->String("password", {.max_chars = auth::kMaxPasswordBytes});
  if (auto error = input->Finish()) return *error;
  if (password->size() > auth::kMaxPasswordBytes) return PasswordTooLong("password");

  const std::string account = LowerAscii(*email);
  auth::ThrottleDecision decision = services.login_gate->Check(account, request.remote_address);
  if (!decision.allowed) return TooManyAttempts(decision.retry_after);

  auto slot = services.login_gate->AcquireSlot(kSlotWait);
  if (!slot) return Busy();

  auto found = services.directory->FindUserByEmail(*email);
  if (!found.ok()) return StatusResponse(found.status());
  const int64_t now = NowMs(services);
  const directory::User* user = found->has_value() ? &**found : nullptr;

  // Every path runs exactly one verification, so the answer time does not tell which
  // e-mail addresses exist or which accounts are disabled.
  bool has_password = user != nullptr && user->password_hash && !user->password_hash->empty();
  bool verified =
      services.hasher->Verify(*password, has_password ? *user->password_hash : dummy_hash) &&
      has_password;
  std::string_view reason;
  if (user == nullptr) {
    reason = "unknown_user";
  } else if (!has_password) {
    reason = "no_password";
  } else if (!verified) {
    reason = "wrong_password";
  } else if (user->disabled) {
    reason = "disabled";
  }
  if (!reason.empty()) {
    services.login_gate->RecordFailure(account, request.remote_address);
    AppendAuditOrLog(services,
                     LoginAuditEntry(request, now, "session.login_failed", *email, user, reason));
    return InvalidCredentials();
  }
  services.login_gate->RecordSuccess(account);

  directory::Actor actor{user->id, user->company_id, user->email, request.remote_address};
  if (services.hasher->NeedsRehash(*user->password_hash)) {
    auto rehashed = services.hasher->Hash(*password);
    Status stored = rehashed.ok() ? services.directory->SetPasswordHash(user->id, *rehashed, actor)
                                  : rehashed.status();
    // The old hash still works, so the login goes on; the next one tries again.
    if (!stored.ok()) spdlog::warn("api: password re-hash failed: {}", stored.ToString());
  }
  slot.reset();

  auto issued = IssueSession(services, *user, request, now);
  if (!issued.ok()) return StatusResponse(issued.status());
  AppendAuditOrLog(services, LoginAuditEntry(request, now, "session.login", *email, user, ""));

  http::Response response = SessionResponse(UserMeJson(*user), issued->csrf_token);
  response.headers.emplace_back("Set-Cookie", std::move(issued->cookie));
  return response;
}

http::Response Logout(const ApiServices& services, const http::Request& request,
                      const Caller& caller) {
  http::Response response = NoContent();
  if (caller.via_api_token) return response;
  Status deleted = services.directory->DeleteSession(caller.session_digest);
  if (!deleted.ok() && deleted.code() != StatusCode::kNotFound) return StatusResponse(deleted);
  directory::AuditEntry entry;
  entry.ts_ms = NowMs(services);
  entry.company_id = caller.company_id;
  entry.actor_user_id = caller.user_id;
  entry.actor = caller.email;
  entry.address = request.remote_address;
  entry.action = "session.logout";
  entry.target_type = "user";
  entry.target_id = std::to_string(caller.user_id);
  AppendAuditOrLog(services, entry);
  response.headers.emplace_back("Set-Cookie", ClearedSessionCookie(services.sessions));
  return response;
}

http::Response ChangeLanguage(const ApiServices& services, const http::Request& request,
                              const Caller& caller) {
  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto language = input->Enum("language", {"en", "de"});
  if (auto error = input->Finish()) return *error;
  Status status = services.directory->SetLanguage(caller.user_id, *language, caller.actor());
  if (!status.ok()) return StatusResponse(status);
  Caller updated = caller;
  updated.language = *language;
  return SessionResponse(UserMeJson(updated), updated.csrf_token);
}

http::Response ChangePassword(const ApiServices& services, const http::Request& request,
                              const Caller& caller) {
  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto current = input->String("current_password", {.max_chars = auth::kMaxPasswordBytes});
  auto next = input->String("new_password",
                            {.min_chars = kMinPasswordChars, .max_chars = auth::kMaxPasswordBytes});
  if (auto error = input->Finish()) return *error;
  if (current->size() > auth::kMaxPasswordBytes) return PasswordTooLong("current_password");
  if (next->size() > auth::kMaxPasswordBytes) return PasswordTooLong("new_password");

  // A stolen session must not become a way to guess the password, so the same throttle
  // as the login applies.
  const std::string account = LowerAscii(caller.email);
  auth::ThrottleDecision decision = services.login_gate->Check(account, request.remote_address);
  if (!decision.allowed) return TooManyAttempts(decision.retry_after);
  auto slot = services.login_gate->AcquireSlot(kSlotWait);
  if (!slot) return Busy();

  auto user = services.directory->GetUser(caller.user_id);
  if (!user.ok()) return StatusResponse(user.status());
  if (!user->has_value()) return http::JsonError(401, "not_authenticated", "log in first");
  const std::optional<std::string>& stored = (*user)->password_hash;
  if (!stored || stored->empty()) {
    return http::JsonError(400, "no_password",
                           "this account logs in with single sign-on and has no password here");
  }
  if (!services.hasher->Verify(*current, *stored)) {
    services.login_gate->RecordFailure(account, request.remote_address);
    return http::JsonError(400, "wrong_password",
                           "field 'current_password' is not the current password");
  }
  services.login_gate->RecordSuccess(account);
  auto hash = services.hasher->Hash(*next);
  if (!hash.ok()) return StatusResponse(hash.status());
  slot.reset();
  Status status = services.directory->SetPasswordHash(caller.user_id, *hash, caller.actor());
  if (!status.ok()) return StatusResponse(status);
  return NoContent();
}

}  // namespace

Result<IssuedSession> IssueSession(const ApiServices& services, const directory::User& user,
                                   const http::Request& request, int64_t now_ms) {
  const std::string token = auth::NewSecretToken();
  directory::SessionRecord session;
  session.id_digest = auth::TokenDigest(token);
  session.user_id = user.id;
  session.csrf_token = auth::NewSecretToken();
  session.created_ms = now_ms;
  session.last_used_ms = now_ms;
  session.expires_ms = now_ms + services.sessions.absolute_lifetime.count();
  session.address = request.remote_address;
  session.user_agent = std::string(request.Header("user-agent").substr(0, kMaxUserAgentBytes));
  CCC_RETURN_IF_ERROR(services.directory->CreateSession(session));
  return IssuedSession{SessionCookie(services.sessions, token), std::move(session.csrf_token)};
}

directory::AuditEntry LoginAuditEntry(const http::Request& request, int64_t now_ms,
                                      std::string_view action, std::string_view actor,
                                      const directory::User* user, std::string_view reason,
                                      std::string_view method) {
  directory::AuditEntry entry;
  entry.ts_ms = now_ms;
  entry.actor = std::string(actor);
  entry.address = request.remote_address;
  entry.action = std::string(action);
  entry.target_type = "user";
  if (user != nullptr) {
    entry.company_id = user->company_id;
    entry.actor_user_id = user->id;
    entry.actor = user->email;
    entry.target_id = std::to_string(user->id);
  }
  boost::json::object details;
  if (!method.empty()) details["method"] = method;
  if (!reason.empty()) details["reason"] = reason;
  entry.details_json = boost::json::serialize(details);
  return entry;
}

std::string SessionCookie(const SessionSettings& settings, std::string_view token) {
  auto max_age = std::chrono::duration_cast<std::chrono::seconds>(settings.absolute_lifetime);
  std::string cookie = std::string(kSessionCookie) + "=" + std::string(token) +
                       "; Path=/; Max-Age=" + std::to_string(max_age.count()) +
                       "; HttpOnly; SameSite=Lax";
  if (settings.secure_cookies) cookie += "; Secure";
  return cookie;
}

std::string ClearedSessionCookie(const SessionSettings& settings) {
  std::string cookie = std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax";
  if (settings.secure_cookies) cookie += "; Secure";
  return cookie;
}

void AddSessionRoutes(http::Router& router, const ApiServices& services) {
  // Verified against when the e-mail is unknown or has no password; never matches
  // anything a client can send, since its password is a fresh random token.
  auto dummy_hash = services.hasher->Hash(auth::NewSecretToken());
  if (!dummy_hash.ok()) {
    throw std::runtime_error("cannot hash the dummy password: " + dummy_hash.status().ToString());
  }
  auto dummy = std::make_shared<const std::string>(std::move(*dummy_hash));

  router.Add(http::Method::kPost, "/api/v1/session",
             [&services, dummy](const http::Request& request) {
               http::Response response = Login(services, *dummy, request);
               AddNoStore(response);
               return response;
             });
  router.Add(http::Method::kGet, "/api/v1/session",
             WithCaller(services, [](const http::Request&, const Caller& caller) {
               return SessionResponse(UserMeJson(caller), caller.csrf_token);
             }));
  router.Add(http::Method::kPatch, "/api/v1/session",
             WithCaller(services, [&services](const http::Request& request, const Caller& caller) {
               return ChangeLanguage(services, request, caller);
             }));
  router.Add(http::Method::kDelete, "/api/v1/session",
             WithCaller(services, [&services](const http::Request& request, const Caller& caller) {
               return Logout(services, request, caller);
             }));
  router.Add(http::Method::kPost, "/api/v1/session/password",
             WithCaller(services, [&services](const http::Request& request, const Caller& caller) {
               return ChangePassword(services, request, caller);
             }));
}

}  // namespace ccc::relay::api
