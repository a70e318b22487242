#include "relay/api/authorisation_handlers.h"

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "relay/api/handler_support.h"
#include "relay/api/json_input.h"
#include "relay/api/list_query.h"
#include "relay/policy/access_policy.h"
#include "relay/policy/roles.h"

namespace ccc::relay::api {
namespace {

namespace json = boost::json;
using directory::Authorisation;
using policy::Action;
using policy::Role;
using policy::RoleSet;

json::array RolesArray(RoleSet roles) {
  json::array out;
  for (Role role : roles.ToVector()) out.emplace_back(policy::RoleWireName(role));
  return out;
}

json::object AuthorisationJson(const Authorisation& a) {
  return {
      {"id", a.id},
      {"user", json::object{{"id", a.user_id}, {"email", a.user_email}}},
      {"system",
       json::object{{"id", a.system_id}, {"name", a.system_name}, {"serial", a.system_serial}}},
      {"roles", RolesArray(a.roles)},
      {"created_at", Rfc3339(a.created_ms)},
      {"updated_at", Rfc3339(a.updated_ms)},
  };
}

// Reads "roles". The names were checked against GrantableRoleNames, so parsing cannot fail.
std::optional<RoleSet> ReadRoles(JsonInput& input) {
  auto names = input.EnumArray("roles", GrantableRoleNames());
  if (!names) return std::nullopt;
  RoleSet roles;
  for (const std::string& name : *names) {
    auto role = policy::ParseRole(name);
    if (role.ok()) roles.Add(*role);
  }
  return roles;
}

// Answers with the authorisation as it is stored now (after a change).
http::Response AuthorisationResponse(const ApiServices& services, int status, int64_t id) {
  auto stored = services.directory->GetAuthorisation(id);
  if (!stored.ok()) return StatusResponse(stored.status());
  if (!stored->has_value()) return http::JsonError(404, "not_found", "authorisation not found");
  return http::JsonResponse(status, json::serialize(AuthorisationJson(**stored)));
}

http::Response List(const ApiServices& services, const http::Request& request,
                    const Caller& caller) {
  auto parsed = ParseListQuery(request, {"user", "system", "created"});
  if (!parsed.ok()) return *parsed.failure;
  auto page = services.directory->ListAuthorisationsGrantedBy(caller.user_id, *parsed.query);
  if (!page.ok()) return StatusResponse(page.status());
  return ListResponse(page->items, page->total, AuthorisationJson);
}

http::Response Grant(const ApiServices& services, const http::Request& request,
                     const Caller& caller) {
  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto user_id = input->Int("user_id", {.min = 1});
  auto system_id = input->Int("system_id", {.min = 1});
  auto roles = ReadRoles(*input.input);
  if (auto error = input->Finish()) return *error;

  if (auto refusal = Authorize(services, caller, *system_id, Action::kManageAuthorisations)) {
    return *refusal;
  }
  auto user = services.directory->GetUser(*user_id);
  if (!user.ok()) return StatusResponse(user.status());
  // Another company's user answers exactly like a missing one: ids must not probe companies.
  if (!user->has_value() || (*user)->company_id != caller.company_id) {
    return http::JsonError(404, "not_found", "user not found");
  }
  const policy::UserFacts target{.id = (*user)->id,
                                 .company_id = (*user)->company_id,
                                 .company_admin = (*user)->company_admin};
  auto facts = services.directory->LoadAccessFacts(target, *system_id);
  if (!facts.ok()) return StatusResponse(facts.status());
  if (!facts->has_value()) return http::JsonError(404, "not_found", "system not found");
  if ((*facts)->system.owner_user_id == *user_id) {
    return http::JsonError(409, "already_owner",
                           "the user owns this system and holds every role on it already");
  }
  // An authorisation never has an empty role set, so direct roles mean one exists. Upsert
  // would silently replace it; granting again is a conflict, changing is PATCH.
  if (!(*facts)->direct_roles.empty()) {
    return http::JsonError(409, "conflict",
                           "the user already has an authorisation on this system; change it");
  }
  auto id = services.directory->UpsertAuthorisation(*user_id, *system_id, *roles, caller.user_id,
                                                    NowMs(services), caller.actor());
  if (!id.ok()) return StatusResponse(id.status());
  return AuthorisationResponse(services, 201, *id);
}

enum class Need {
  kGranterOrManager,  // read or revoke
  kManager,           // change roles
};

// The authorisation named by the path, if the caller may act on it; else the response.
std::variant<Authorisation, http::Response> LoadForCaller(const ApiServices& services,
                                                          const http::Request& request,
                                                          const Caller& caller, Need need) {
  const auto not_found = [] {
    return http::JsonError(404, "not_found", "authorisation not found");
  };
  auto id = PathId(request, "id");
  if (!id) return not_found();
  auto stored = services.directory->GetAuthorisation(*id);
  if (!stored.ok()) return StatusResponse(stored.status());
  if (!stored->has_value()) return not_found();
  Authorisation authorisation = std::move(**stored);

  const bool granter = authorisation.granted_by == caller.user_id;
  if (granter && need == Need::kGranterOrManager) return authorisation;
  auto refusal =
      Authorize(services, caller, authorisation.system_id, Action::kManageAuthorisations);
  if (!refusal) return authorisation;
  if (granter) {
    // The granter sees the grant on their page, so "not found" would be a lie here.
    return http::JsonError(403, "forbidden",
                           "changing roles needs the owner or administrator role on the system");
  }
  if (refusal->status == 404) return not_found();
  return std::move(*refusal);
}

http::Response Get(const ApiServices& services, const http::Request& request,
                   const Caller& caller) {
  auto loaded = LoadForCaller(services, request, caller, Need::kGranterOrManager);
  if (auto* response = std::get_if<http::Response>(&loaded)) return std::move(*response);
  return http::JsonResponse(200,
                            json::serialize(AuthorisationJson(std::get<Authorisation>(loaded))));
}

http::Response Update(const ApiServices& services, const http::Request& request,
                      const Caller& caller) {
  auto loaded = LoadForCaller(services, request, caller, Need::kManager);
  if (auto* response = std::get_if<http::Response>(&loaded)) return std::move(*response);
  const int64_t id = std::get<Authorisation>(loaded).id;

  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto roles = ReadRoles(*input.input);
  if (auto error = input->Finish()) return *error;

  Status status =
      services.directory->UpdateAuthorisationRoles(id, *roles, NowMs(services), caller.actor());
  if (!status.ok()) return StatusResponse(status);
  return AuthorisationResponse(services, 200, id);
}

http::Response Revoke(const ApiServices& services, const http::Request& request,
                      const Caller& caller) {
  auto loaded = LoadForCaller(services, request, caller, Need::kGranterOrManager);
  if (auto* response = std::get_if<http::Response>(&loaded)) return std::move(*response);
  Status status =
      services.directory->DeleteAuthorisation(std::get<Authorisation>(loaded).id, caller.actor());
  if (!status.ok()) return StatusResponse(status);
  return NoContent();
}

}  // namespace

void AddAuthorisationRoutes(http::Router& router, const ApiServices& services) {
  router.Add(http::Method::kGet, "/api/v1/authorisations", BindWithCaller(services, List));
  router.Add(http::Method::kPost, "/api/v1/authorisations", BindWithCaller(services, Grant));
  router.Add(http::Method::kGet, "/api/v1/authorisations/{id}", BindWithCaller(services, Get));
  router.Add(http::Method::kPatch, "/api/v1/authorisations/{id}", BindWithCaller(services, Update));
  router.Add(http::Method::kDelete, "/api/v1/authorisations/{id}",
             BindWithCaller(services, Revoke));
}

}  // namespace ccc::relay::api
