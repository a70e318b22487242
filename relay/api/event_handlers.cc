#include "relay/api/event_handlers.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "relay/api/handler_support.h"
#include "relay/auth/secret_tokens.h"
#include "relay/events/event_hub.h"

namespace ccc::relay::api {
namespace {

// How long a refused client should wait before trying again (seconds).
constexpr std::string_view kRetryAfterSeconds = "10";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The token of "Authorization: Bearer <token>" (Authenticate accepted it already).
std::string_view BearerToken(const http::Request& request) {
  std::string_view authorization = Trim(request.Header("authorization"));
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() < kScheme.size()) return {};
  return Trim(authorization.substr(kScheme.size()));
}

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool UserActive(directory::Directory& directory, int64_t user_id) {
  auto user = directory.GetUser(user_id);
  if (!user.ok()) return true;  // cannot tell now; the next check decides
  return user->has_value() && !(*user)->disabled;
}

http::Response Refused(int status, std::string_view code, std::string_view message) {
  http::Response response = http::JsonError(status, code, message);
  response.headers.emplace_back("Retry-After", std::string(kRetryAfterSeconds));
  return response;
}

http::Response OpenStream(const ApiServices& services, const http::Request& request,
                          const Caller& caller) {
  if (services.events == nullptr) {
    return Refused(503, "unavailable", "live updates are not available");
  }
  auto reserved = services.events->Reserve(
      {caller.company_id, caller.user_id, CredentialStillValid(services, caller, request)});
  if (auto* refusal = std::get_if<events::Refusal>(&reserved)) {
    switch (*refusal) {
      case events::Refusal::kTooManyForUser:
        return Refused(429, "too_many_streams",
                       "too many live update streams are open for this user; close some "
                       "browser tabs");
      case events::Refusal::kTooManyStreams:
        spdlog::warn("events: stream limit reached, refusing user {}", caller.user_id);
        return Refused(503, "unavailable", "the relay serves as many live updates as it can");
      case events::Refusal::kNotRunning:
        return Refused(503, "unavailable", "live updates are not available");
    }
  }
  std::shared_ptr<events::EventHub::Ticket> ticket =
      std::get<std::shared_ptr<events::EventHub::Ticket>>(std::move(reserved));
  http::Response response;
  response.status = 200;
  response.content_type = "text/event-stream";
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Accel-Buffering", "no");
  response.stream = [ticket](std::shared_ptr<http::StreamSink> sink) {
    ticket->Attach(std::move(sink));
  };
  return response;
}

}  // namespace

std::function<bool()> CredentialStillValid(const ApiServices& services, const Caller& caller,
                                           const http::Request& request) {
  directory::Directory* directory = services.directory;
  const int64_t user_id = caller.user_id;
  std::function<int64_t()> now = services.now_ms;
  if (!now) now = SystemNowMs;
  if (caller.via_api_token) {
    return [directory, user_id, now, digest = auth::TokenDigest(BearerToken(request))] {
      auto token = directory->FindApiTokenByDigest(digest);
      if (!token.ok()) return true;
      if (!token->has_value()) return false;
      if ((*token)->expires_ms && *(*token)->expires_ms <= now()) return false;
      return UserActive(*directory, user_id);
    };
  }
  const int64_t idle_ms = services.sessions.idle_timeout.count();
  return [directory, user_id, now, idle_ms, digest = caller.session_digest] {
    auto session = directory->FindSession(digest);
    if (!session.ok()) return true;
    if (!session->has_value()) return false;
    const int64_t at = now();
    if (at >= (*session)->expires_ms || at - (*session)->last_used_ms >= idle_ms) return false;
    return UserActive(*directory, user_id);
  };
}

void AddEventRoutes(http::Router& router, const ApiServices& services) {
  router.Add(http::Method::kGet, "/api/v1/events", BindWithCaller(services, OpenStream));
}

}  // namespace ccc::relay::api
