#include "relay/api/api_context.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "relay/api/handler_support.h"
#include "relay/auth/secret_tokens.h"

namespace ccc::relay::api {
namespace {

// Sessions and tokens are written back at most this often, so a busy client does not turn
// every read into a write.
constexpr int64_t kTouchIntervalMs = 60'000;
// A client sending more session cookies than this is not a browser we serve.
constexpr std::size_t kMaxSessionCookies = 4;

http::Response NotAuthenticated() {
  return http::JsonError(401, "not_authenticated", "log in first");
}

bool IsStateChanging(http::Method method) {
  return method == http::Method::kPost || method == http::Method::kPut ||
         method == http::Method::kPatch || method == http::Method::kDelete;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Values of every "ccc_session" cookie in every Cookie header ("a=1; ccc_session=x").
std::vector<std::string> SessionCookies(const http::Request& request) {
  std::vector<std::string> values;
  for (const auto& [name, header] : request.headers) {
    if (name != "cookie") continue;
    std::string_view rest = header;
    while (!rest.empty() && values.size() < kMaxSessionCookies) {
      std::size_t semicolon = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != kSessionCookie) continue;
      std::string_view value = Trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (!value.empty()) values.emplace_back(value);
    }
  }
  return values;
}

// The user behind a credential, or the refusal. Disabled or vanished users are refused
// like unknown credentials: a client learns nothing about why.
std::variant<directory::User, http::Response> LoadActiveUser(const ApiServices& services,
                                                             int64_t user_id) {
  auto user = services.directory->GetUser(user_id);
  if (!user.ok()) return StatusResponse(user.status());
  if (!user->has_value() || (*user)->disabled) return NotAuthenticated();
  return std::move(**user);
}

Caller MakeCaller(directory::User user, const http::Request& request) {
  Caller caller;
  caller.user_id = user.id;
  caller.company_id = user.company_id;
  caller.company_name = std::move(user.company_name);
  caller.email = std::move(user.email);
  caller.name = std::move(user.name);
  caller.language = std::move(user.language);
  caller.company_admin = user.company_admin;
  caller.address = request.remote_address;
  return caller;
}

std::variant<Caller, http::Response> AuthenticateBearer(const ApiServices& services,
                                                        const http::Request& request,
                                                        std::string_view token, int64_t now) {
  if (token.empty()) return NotAuthenticated();
  auto found = services.directory->FindApiTokenByDigest(auth::TokenDigest(token));
  if (!found.ok()) return StatusResponse(found.status());
  if (!found->has_value()) return NotAuthenticated();
  const directory::ApiToken& api_token = **found;
  if (api_token.expires_ms && *api_token.expires_ms <= now) return NotAuthenticated();
  auto user = LoadActiveUser(services, api_token.user_id);
  if (auto* refusal = std::get_if<http::Response>(&user)) return std::move(*refusal);
  if (!api_token.last_used_ms || now - *api_token.last_used_ms >= kTouchIntervalMs) {
    Status touched = services.directory->TouchApiToken(api_token.id, now);
    // Only bookkeeping: the request itself may go on.
    if (!touched.ok()) spdlog::warn("api: could not record API token use: {}", touched.ToString());
  }
  Caller caller = MakeCaller(std::get<directory::User>(std::move(user)), request);
  caller.via_api_token = true;
  return caller;
}

std::variant<Caller, http::Response> AuthenticateCookie(const ApiServices& services,
                                                        const http::Request& request, int64_t now) {
  std::optional<directory::SessionRecord> session;
  for (const std::string& token : SessionCookies(request)) {
    auto found = services.directory->FindSession(auth::TokenDigest(token));
    if (!found.ok()) return StatusResponse(found.status());
    if (found->has_value()) {
      session = std::move(**found);
      break;
    }
  }
  if (!session) return NotAuthenticated();
  const int64_t idle_ms = services.sessions.idle_timeout.count();
  if (now >= session->expires_ms || now - session->last_used_ms >= idle_ms) {
    Status deleted = services.directory->DeleteSession(session->id_digest);
    if (!deleted.ok())
      spdlog::warn("api: could not delete an expired session: {}", deleted.ToString());
    return NotAuthenticated();
  }
  auto user = LoadActiveUser(services, session->user_id);
  if (auto* refusal = std::get_if<http::Response>(&user)) return std::move(*refusal);
  if (IsStateChanging(request.method)) {
    std::string_view presented = request.Header(kCsrfHeader);
    if (presented.empty() || !auth::DigestsEqual(presented, session->csrf_token)) {
      return http::JsonError(403, "csrf_failed",
                             "the X-CSRF-Token header is missing or does not match the session");
    }
  }
  if (now - session->last_used_ms >= kTouchIntervalMs) {
    Status touched = services.directory->TouchSession(session->id_digest, now);
    if (!touched.ok()) spdlog::warn("api: could not record session use: {}", touched.ToString());
  }
  Caller caller = MakeCaller(std::get<directory::User>(std::move(user)), request);
  caller.session_digest = session->id_digest;
  caller.csrf_token = session->csrf_token;
  return caller;
}

}  // namespace

directory::Actor Caller::actor() const {
  directory::Actor actor;
  actor.user_id = user_id;
  actor.company_id = company_id;
  actor.label = email;
  actor.address = address;
  return actor;
}

policy::UserFacts Caller::facts() const {
  policy::UserFacts facts;
  facts.id = user_id;
  facts.company_id = company_id;
  facts.company_admin = company_admin;
  return facts;
}

std::variant<Caller, http::Response> Authenticate(const ApiServices& services,
                                                  const http::Request& request) {
  const int64_t now = NowMs(services);
  std::string_view authorization = Trim(request.Header("authorization"));
  if (!authorization.empty()) {
    // An explicit Authorization header wins over cookies; anything but Bearer is refused.
    if (!StartsWithIgnoreCase(authorization, "bearer ")) return NotAuthenticated();
    return AuthenticateBearer(services, request, Trim(authorization.substr(7)), now);
  }
  return AuthenticateCookie(services, request, now);
}

http::Handler WithCaller(const ApiServices& services, CallerHandler handler) {
  return [&services, handler = std::move(handler)](const http::Request& request) {
    auto authenticated = Authenticate(services, request);
    http::Response response = std::holds_alternative<http::Response>(authenticated)
                                  ? std::get<http::Response>(std::move(authenticated))
                                  : handler(request, std::get<Caller>(authenticated));
    // Answers under /api are about one user: no shared or browser cache may keep them.
    AddNoStore(response);
    return response;
  };
}

http::Response StatusResponse(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return http::JsonError(404, "not_found", "not found");
    case StatusCode::kAlreadyExists:
      return http::JsonError(409, "conflict", status.message());
    case StatusCode::kInvalidArgument:
      return http::JsonError(400, "invalid_request", status.message());
    case StatusCode::kFailedPrecondition:
      return http::JsonError(409, "conflict", status.message());
    case StatusCode::kUnavailable:
      return http::JsonError(503, "unavailable", "the service is busy; try again shortly");
    default:
      spdlog::error("api: internal error: {}", status.ToString());
      return http::JsonError(500, "internal", "internal error");
  }
}

http::Response DecisionResponse(const policy::Decision& decision, policy::Action action) {
  switch (decision.outcome) {
    case policy::Outcome::kNotFound:
      return http::JsonError(404, "not_found", "not found");
    case policy::Outcome::kForbidden: {
      std::string roles;
      for (policy::Role role : decision.roles_that_allow.ToVector()) {
        if (!roles.empty()) roles += ", ";
        roles += policy::RoleWireName(role);
      }
      return http::JsonError(
          403, "forbidden",
          std::string(policy::ActionWireName(action)) + " needs one of the roles: " + roles);
    }
    case policy::Outcome::kPreconditionFailed: {
      boost::json::array missing;
      for (policy::Precondition precondition : decision.missing) {
        missing.emplace_back(policy::MissingPreconditionCode(precondition));
      }
      std::string_view code = decision.missing.empty()
                                  ? std::string_view("precondition_failed")
                                  : policy::MissingPreconditionCode(decision.missing.front());
      boost::json::object error;
      error["code"] = code;
      error["message"] =
          std::string(policy::ActionWireName(action)) + " is not possible on this system right now";
      error["missing"] = std::move(missing);
      boost::json::object root;
      root["error"] = std::move(error);
      return http::JsonResponse(422, boost::json::serialize(root));
    }
    case policy::Outcome::kAllow:
      break;
  }
  spdlog::error("api: DecisionResponse called for an allowed action");
  return http::JsonError(500, "internal", "internal error");
}

std::optional<http::Response> Authorize(const ApiServices& services, const Caller& caller,
                                        int64_t system_id, policy::Action action) {
  auto facts = services.directory->LoadAccessFacts(caller.facts(), system_id);
  if (!facts.ok()) return StatusResponse(facts.status());
  if (!facts->has_value()) return http::JsonError(404, "not_found", "not found");
  policy::Decision decision = policy::Decide(**facts, action);
  if (decision.allowed()) return std::nullopt;
  return DecisionResponse(decision, action);
}

std::optional<int64_t> PathId(const http::Request& request, std::string_view name) {
  std::string_view text = request.Param(name);
  // At most 18 digits: always fits in int64_t.
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int64_t id = 0;
  std::from_chars(text.data(), text.data() + text.size(), id);
  if (id <= 0) return std::nullopt;
  return id;
}

std::string Rfc3339(int64_t unix_ms) {
  int64_t seconds = unix_ms / 1000;
  if (unix_ms < 0 && unix_ms % 1000 != 0) --seconds;  // floor, so -1 ms is 23:59:59
  auto time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char buffer[32];
  std::size_t length = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return std::string(buffer, length);
}

std::string RolesJson(policy::RoleSet roles) {
  boost::json::array array;
  for (policy::Role role : roles.ToVector()) array.emplace_back(policy::RoleWireName(role));
  return boost::json::serialize(array);
}

}  // namespace ccc::relay::api
