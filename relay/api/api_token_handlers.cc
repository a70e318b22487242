#include "relay/api/api_token_handlers.h"

#include <algorithm>
#include <boost/json.hpp>

#include "relay/api/handler_support.h"
#include "relay/api/json_input.h"
#include "relay/api/list_query.h"
#include "relay/auth/secret_tokens.h"

namespace ccc::relay::api {
namespace {

constexpr std::size_t kMaxTokenNameChars = 100;
constexpr int64_t kMaxExpiryDays = 3650;
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

http::Response ListTokens(const ApiServices& services, const http::Request& request,
                          const Caller& caller) {
  auto parsed = ParseListQuery(request, {"created", "name"});
  if (!parsed.ok()) return *parsed.failure;
  const directory::ListQuery& query = *parsed.query;
  auto tokens = services.directory->ListApiTokens(caller.user_id);
  if (!tokens.ok()) return StatusResponse(tokens.status());

  // A user has a handful of tokens: filter, sort and page here.
  std::vector<directory::ApiToken> matching;
  const std::string needle = LowerAscii(query.q);
  for (directory::ApiToken& token : *tokens) {
    if (LowerAscii(token.name).find(needle) != std::string::npos) {
      matching.push_back(std::move(token));
    }
  }
  const bool by_name = query.sort == "name";
  std::stable_sort(matching.begin(), matching.end(),
                   [&](const directory::ApiToken& a, const directory::ApiToken& b) {
                     if (by_name && a.name != b.name) {
                       return query.descending ? a.name > b.name : a.name < b.name;
                     }
                     if (a.created_ms != b.created_ms) {
                       return query.descending ? a.created_ms > b.created_ms
                                               : a.created_ms < b.created_ms;
                     }
                     return query.descending ? a.id > b.id : a.id < b.id;
                   });
  boost::json::array items;
  const auto total = static_cast<int64_t>(matching.size());
  for (int64_t i = query.offset; i < total && i < query.offset + query.limit; ++i) {
    const directory::ApiToken& token = matching[static_cast<std::size_t>(i)];
    boost::json::object item;
    item["id"] = token.id;
    item["name"] = token.name;
    item["created_at"] = Rfc3339(token.created_ms);
    item["last_used_at"] = OptionalTime(token.last_used_ms);
    item["expires_at"] = OptionalTime(token.expires_ms);
    items.push_back(std::move(item));
  }
  boost::json::object body;
  body["items"] = std::move(items);
  body["total"] = total;
  return http::JsonResponse(200, boost::json::serialize(body));
}

http::Response CreateToken(const ApiServices& services, const http::Request& request,
                           const Caller& caller) {
  // A leaked token must not be able to mint its own successors: new tokens need a person
  // signed in (a session), so revoking every token really ends a script's access.
  if (caller.via_api_token) {
    return http::JsonError(403, "session_required",
                           "API tokens can only be created from a signed-in session");
  }
  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto name = input->String("name", {.max_chars = kMaxTokenNameChars});
  auto days = input->Int("expires_in_days", {.required = false, .min = 1, .max = kMaxExpiryDays});
  if (auto error = input->Finish()) return *error;

  const int64_t now = NowMs(services);
  std::optional<int64_t> expires_ms;
  if (days) expires_ms = now + *days * kDayMs;
  const std::string token = auth::NewSecretToken();
  auto id = services.directory->CreateApiToken(caller.user_id, *name, auth::TokenDigest(token),
                                               expires_ms, now, caller.actor());
  if (!id.ok()) return StatusResponse(id.status());
  boost::json::object body;
  body["id"] = *id;
  body["name"] = *name;
  body["token"] = token;
  body["created_at"] = Rfc3339(now);
  body["expires_at"] = OptionalTime(expires_ms);
  return http::JsonResponse(201, boost::json::serialize(body));
}

http::Response DeleteToken(const ApiServices& services, const http::Request& request,
                           const Caller& caller) {
  auto id = PathId(request, "id");
  if (!id) return http::JsonError(404, "not_found", "not found");
  Status status = services.directory->DeleteApiToken(caller.user_id, *id, caller.actor());
  if (!status.ok()) return StatusResponse(status);
  return NoContent();
}

}  // namespace

void AddApiTokenRoutes(http::Router& router, const ApiServices& services) {
  router.Add(http::Method::kGet, "/api/v1/api-tokens",
             WithCaller(services, [&services](const http::Request& request, const Caller& caller) {
               return ListTokens(services, request, caller);
             }));
  router.Add(http::Method::kPost, "/api/v1/api-tokens",
             WithCaller(services, [&services](const http::Request& request, const Caller& caller) {
               return CreateToken(services, request, caller);
             }));
  router.Add(http::Method::kDelete, "/api/v1/api-tokens/{id}",
             WithCaller(services, [&services](const http::Request& request, const Caller& caller) {
               return DeleteToken(services, request, caller);
             }));
}

}  // namespace ccc::relay::api
