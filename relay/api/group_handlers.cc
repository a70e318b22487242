#include "relay/api/group_handlers.h"

#include <algorithm>
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
using directory::Group;
using directory::GroupMember;
using directory::GroupSystem;
using policy::Role;

constexpr std::size_t kMaxNameChars = 100;
constexpr std::size_t kMaxDescriptionChars = 1000;

json::value RoleJson(std::optional<Role> role) {
  if (!role) return nullptr;
  return json::string(policy::RoleWireName(*role));
}

json::object GroupJson(const Group& g) {
  return {
      {"id", g.id},
      {"name", g.name},
      {"description", g.description},
      {"default_role", RoleJson(g.default_role)},
      {"owner", json::object{{"id", g.owner_user_id}, {"email", g.owner_email}}},
      {"members", g.member_count},
      {"systems", g.system_count},
      {"public", g.is_public},
      {"created_at", Rfc3339(g.created_ms)},
      {"member", g.viewer_is_member},
  };
}

json::object MemberJson(const GroupMember& m) {
  return {
      {"user_id", m.user_id},
      {"email", m.email},
      {"name", m.name},
      {"role", RoleJson(m.role)},
      {"joined_at", Rfc3339(m.joined_ms)},
  };
}

json::object SystemJson(const GroupSystem& s) {
  return {
      {"system_id", s.system_id},
      {"serial", s.serial},
      {"name", s.name},
      {"added_at", Rfc3339(s.added_ms)},
  };
}

http::Response GroupNotFound() { return http::JsonError(404, "not_found", "group not found"); }

http::Response OwnerOnly() {
  return http::JsonError(403, "forbidden", "only the owner of the group may do this");
}

template <typename T, typename ToJson>
http::Response ItemsResponse(const std::vector<T>& rows, ToJson to_json) {
  return ListResponse(rows, static_cast<int64_t>(rows.size()), to_json);
}

bool Owns(const Group& group, const Caller& caller) {
  return group.owner_user_id == caller.user_id;
}

bool CanSee(const Group& group, const Caller& caller) {
  return group.company_id == caller.company_id &&
         (group.is_public || Owns(group, caller) || group.viewer_is_member);
}

// The group named by the path ({id}) as the caller sees it. `visible_only` false returns
// groups of the caller's company the caller cannot see too (the caller decides).
std::variant<Group, http::Response> LoadGroup(const ApiServices& services,
                                              const http::Request& request, const Caller& caller,
                                              bool visible_only = true) {
  auto id = PathId(request, "id");
  if (!id) return GroupNotFound();
  auto stored = services.directory->GetGroup(*id, caller.user_id);
  if (!stored.ok()) return StatusResponse(stored.status());
  if (!stored->has_value() || (*stored)->company_id != caller.company_id) return GroupNotFound();
  if (visible_only && !CanSee(**stored, caller)) return GroupNotFound();
  return std::move(**stored);
}

// Handlers of one group ({id}) that only its viewers reach: the group is loaded first, and
// a group the caller cannot see is 404 before the handler runs.
using GroupHandler = http::Response (*)(const ApiServices&, const http::Request&, const Caller&,
                                        const Group&);

http::Handler BindWithGroup(const ApiServices& services, GroupHandler body) {
  return WithCaller(
      services,
      [services, body](const http::Request& request, const Caller& caller) -> http::Response {
        auto loaded = LoadGroup(services, request, caller);
        if (auto* response = std::get_if<http::Response>(&loaded)) return std::move(*response);
        return body(services, request, caller, std::get<Group>(loaded));
      });
}

http::Response GroupResponse(const ApiServices& services, int status, int64_t group_id,
                             const Caller& caller) {
  auto stored = services.directory->GetGroup(group_id, caller.user_id);
  if (!stored.ok()) return StatusResponse(stored.status());
  if (!stored->has_value()) return GroupNotFound();
  return http::JsonResponse(status, json::serialize(GroupJson(**stored)));
}

// A role field that may be null. present == false: absent (and not required).
struct RoleField {
  bool present = false;
  std::optional<Role> role;
};

RoleField ReadRoleField(JsonInput& input, std::string_view name, bool required) {
  RoleField field;
  if (!required && !input.Has(name)) return field;
  if (input.IsNull(name)) {
    field.present = true;
    return field;
  }
  // Reports missing_field / invalid_field through Finish(); the names are all parseable.
  auto wire = input.Enum(name, GrantableRoleNames(), true);
  if (!wire) return field;
  auto role = policy::ParseRole(*wire);
  if (role.ok()) {
    field.present = true;
    field.role = *role;
  }
  return field;
}

StringRules NameRules(bool required) {
  return {.required = required, .min_chars = 1, .max_chars = kMaxNameChars};
}

StringRules DescriptionRules() {
  return {
      .required = false, .min_chars = 0, .max_chars = kMaxDescriptionChars, .allow_newlines = true};
}

// --- Groups ---------------------------------------------------------------------------

http::Response List(const ApiServices& services, const http::Request& request,
                    const Caller& caller) {
  auto parsed =
      ParseListQuery(request, {"name", "created", "members", "systems", "owner"}, {"owned"});
  if (!parsed.ok()) return *parsed.failure;
  bool only_owned = false;
  if (auto owned = QueryParam(request, "owned")) {
    if (*owned == "true") {
      only_owned = true;
    } else if (*owned != "false") {
      return http::JsonError(400, "invalid_parameter", "parameter 'owned' must be true or false");
    }
  }
  auto page =
      services.directory->ListGroups(caller.company_id, caller.user_id, only_owned, *parsed.query);
  if (!page.ok()) return StatusResponse(page.status());
  return ListResponse(page->items, page->total, GroupJson);
}

http::Response Create(const ApiServices& services, const http::Request& request,
                      const Caller& caller) {
  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto name = input->String("name", NameRules(true));
  auto description = input->String("description", DescriptionRules());
  RoleField default_role = ReadRoleField(*input.input, "default_role", false);
  auto is_public = input->Bool("public", false);
  if (auto error = input->Finish()) return *error;

  auto id = services.directory->CreateGroup(
      caller.company_id, caller.user_id, *name, description.value_or(""), default_role.role,
      is_public.value_or(false), NowMs(services), caller.actor());
  if (!id.ok()) return StatusResponse(id.status());
  return GroupResponse(services, 201, *id, caller);
}

http::Response Get(const ApiServices&, const http::Request&, const Caller&, const Group& group) {
  return http::JsonResponse(200, json::serialize(GroupJson(group)));
}

http::Response Update(const ApiServices& services, const http::Request& request,
                      const Caller& caller, const Group& stored) {
  Group group = stored;  // the fields the request leaves out keep these values
  if (!Owns(group, caller)) return OwnerOnly();

  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto name = input->String("name", NameRules(false));
  auto description = input->String("description", DescriptionRules());
  RoleField default_role = ReadRoleField(*input.input, "default_role", false);
  auto is_public = input->Bool("public", false);
  if (auto error = input->Finish()) return *error;

  Status status = services.directory->UpdateGroup(
      group.id, name.value_or(group.name), description.value_or(group.description),
      default_role.present ? default_role.role : group.default_role,
      is_public.value_or(group.is_public), caller.actor());
  if (!status.ok()) return StatusResponse(status);
  return GroupResponse(services, 200, group.id, caller);
}

http::Response Delete(const ApiServices& services, const http::Request&, const Caller& caller,
                      const Group& group) {
  if (!Owns(group, caller)) return OwnerOnly();
  Status status = services.directory->DeleteGroup(group.id, caller.actor());
  if (!status.ok()) return StatusResponse(status);
  return NoContent();
}

// --- Membership -------------------------------------------------------------------------

http::Response Join(const ApiServices& services, const http::Request&, const Caller& caller,
                    const Group& group) {
  // SetGroupMember would reset an existing member's role to the default: refuse instead.
  if (group.viewer_is_member) {
    return http::JsonError(409, "already_member", "you are a member of this group already");
  }
  if (!group.is_public) {
    return http::JsonError(403, "group_private",
                           "only public groups can be joined; the owner adds members");
  }
  Status status = services.directory->SetGroupMember(group.id, caller.user_id, std::nullopt,
                                                     NowMs(services), caller.actor());
  if (!status.ok()) return StatusResponse(status);
  return NoContent();
}

http::Response Leave(const ApiServices& services, const http::Request&, const Caller& caller,
                     const Group& group) {
  if (Owns(group, caller)) {
    return http::JsonError(409, "owner_cannot_leave",
                           "the owner cannot leave the group; delete it instead");
  }
  if (!group.viewer_is_member) {
    return http::JsonError(409, "not_member", "you are not a member of this group");
  }
  Status status = services.directory->RemoveGroupMember(group.id, caller.user_id, caller.actor());
  if (!status.ok()) return StatusResponse(status);
  return NoContent();
}

http::Response ListMembers(const ApiServices& services, const http::Request&, const Caller&,
                           const Group& group) {
  auto members = services.directory->ListGroupMembers(group.id);
  if (!members.ok()) return StatusResponse(members.status());
  return ItemsResponse(*members, MemberJson);
}

// The item whose `field` equals `id`, nullopt when there is none.
template <typename T>
std::optional<T> FindBy(const std::vector<T>& items, int64_t T::*field, int64_t id) {
  auto it =
      std::find_if(items.begin(), items.end(), [&](const T& item) { return item.*field == id; });
  if (it == items.end()) return std::nullopt;
  return *it;
}

std::optional<GroupMember> FindMember(const std::vector<GroupMember>& members, int64_t user_id) {
  return FindBy(members, &GroupMember::user_id, user_id);
}

http::Response PutMember(const ApiServices& services, const http::Request& request,
                         const Caller& caller, const Group& group) {
  if (!Owns(group, caller)) return OwnerOnly();

  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  RoleField role = ReadRoleField(*input.input, "role", true);
  if (auto error = input->Finish()) return *error;

  const auto user_not_found = [] { return http::JsonError(404, "not_found", "user not found"); };
  auto user_id = PathId(request, "user_id");
  if (!user_id) return user_not_found();
  auto user = services.directory->GetUser(*user_id);
  if (!user.ok()) return StatusResponse(user.status());
  if (!user->has_value() || (*user)->company_id != group.company_id) return user_not_found();

  Status status = services.directory->SetGroupMember(group.id, *user_id, role.role, NowMs(services),
                                                     caller.actor());
  if (!status.ok()) return StatusResponse(status);
  auto members = services.directory->ListGroupMembers(group.id);
  if (!members.ok()) return StatusResponse(members.status());
  auto member = FindMember(*members, *user_id);
  // Removed again between the two calls: report what is stored.
  if (!member) return user_not_found();
  return http::JsonResponse(200, json::serialize(MemberJson(*member)));
}

http::Response RemoveMember(const ApiServices& services, const http::Request& request,
                            const Caller& caller, const Group& group) {
  const auto not_member = [] { return http::JsonError(404, "not_found", "member not found"); };
  auto user_id = PathId(request, "user_id");
  if (!user_id) return not_member();
  if (!Owns(group, caller) && *user_id != caller.user_id) return OwnerOnly();
  auto members = services.directory->ListGroupMembers(group.id);
  if (!members.ok()) return StatusResponse(members.status());
  if (!FindMember(*members, *user_id)) return not_member();
  Status status = services.directory->RemoveGroupMember(group.id, *user_id, caller.actor());
  if (!status.ok()) return StatusResponse(status);
  return NoContent();
}

// --- Systems ------------------------------------------------------------------------------

std::optional<GroupSystem> FindSystem(const std::vector<GroupSystem>& systems, int64_t system_id) {
  return FindBy(systems, &GroupSystem::system_id, system_id);
}

http::Response ListSystems(const ApiServices& services, const http::Request&, const Caller& caller,
                           const Group& group) {
  if (!Owns(group, caller) && !group.viewer_is_member) {
    return http::JsonError(403, "forbidden",
                           "only the owner and the members of a group see its systems");
  }
  auto systems = services.directory->ListGroupSystems(group.id);
  if (!systems.ok()) return StatusResponse(systems.status());
  return ItemsResponse(*systems, SystemJson);
}

http::Response PutSystem(const ApiServices& services, const http::Request& request,
                         const Caller& caller, const Group& group) {
  if (!Owns(group, caller) && !group.viewer_is_member) {
    return http::JsonError(403, "forbidden",
                           "only the owner and the members of a group add systems to it");
  }
  auto system_id = PathId(request, "system_id");
  if (!system_id) return http::JsonError(404, "not_found", "system not found");
  if (auto refusal = Authorize(services, caller, *system_id, policy::Action::kAddSystemToGroup)) {
    return *refusal;
  }
  // Idempotent in the directory: a system already in the group keeps its added_at.
  Status status = services.directory->AddGroupSystem(group.id, *system_id, caller.user_id,
                                                     NowMs(services), caller.actor());
  if (!status.ok()) return StatusResponse(status);
  auto systems = services.directory->ListGroupSystems(group.id);
  if (!systems.ok()) return StatusResponse(systems.status());
  auto added = FindSystem(*systems, *system_id);
  if (!added) return http::JsonError(404, "not_found", "system not found");
  return http::JsonResponse(200, json::serialize(SystemJson(*added)));
}

http::Response RemoveSystem(const ApiServices& services, const http::Request& request,
                            const Caller& caller) {
  auto loaded = LoadGroup(services, request, caller, /*visible_only=*/false);
  if (auto* response = std::get_if<http::Response>(&loaded)) return std::move(*response);
  const Group& group = std::get<Group>(loaded);
  const auto system_not_found = [] {
    return http::JsonError(404, "not_found", "system not found in this group");
  };
  auto system_id = PathId(request, "system_id");
  if (!system_id) return CanSee(group, caller) ? system_not_found() : GroupNotFound();
  if (!Owns(group, caller)) {
    auto refusal = Authorize(services, caller, *system_id, policy::Action::kAddSystemToGroup);
    // Whoever administers the system may pull it out of any group of the company, seen or
    // not: otherwise a private group could keep a path to the system its owner cannot cut.
    if (refusal) return CanSee(group, caller) ? std::move(*refusal) : GroupNotFound();
  }
  auto systems = services.directory->ListGroupSystems(group.id);
  if (!systems.ok()) return StatusResponse(systems.status());
  if (!FindSystem(*systems, *system_id)) {
    return CanSee(group, caller) ? system_not_found() : GroupNotFound();
  }
  Status status = services.directory->RemoveGroupSystem(group.id, *system_id, caller.actor());
  if (!status.ok()) return StatusResponse(status);
  return NoContent();
}

}  // namespace

void AddGroupRoutes(http::Router& router, const ApiServices& services) {
  using http::Method;
  router.Add(Method::kGet, "/api/v1/groups", BindWithCaller(services, List));
  router.Add(Method::kPost, "/api/v1/groups", BindWithCaller(services, Create));
  router.Add(Method::kGet, "/api/v1/groups/{id}", BindWithGroup(services, Get));
  router.Add(Method::kPatch, "/api/v1/groups/{id}", BindWithGroup(services, Update));
  router.Add(Method::kDelete, "/api/v1/groups/{id}", BindWithGroup(services, Delete));
  router.Add(Method::kPost, "/api/v1/groups/{id}/join", BindWithGroup(services, Join));
  router.Add(Method::kPost, "/api/v1/groups/{id}/leave", BindWithGroup(services, Leave));
  router.Add(Method::kGet, "/api/v1/groups/{id}/members", BindWithGroup(services, ListMembers));
  router.Add(Method::kPut, "/api/v1/groups/{id}/members/{user_id}",
             BindWithGroup(services, PutMember));
  router.Add(Method::kDelete, "/api/v1/groups/{id}/members/{user_id}",
             BindWithGroup(services, RemoveMember));
  router.Add(Method::kGet, "/api/v1/groups/{id}/systems", BindWithGroup(services, ListSystems));
  router.Add(Method::kPut, "/api/v1/groups/{id}/systems/{system_id}",
             BindWithGroup(services, PutSystem));
  router.Add(Method::kDelete, "/api/v1/groups/{id}/systems/{system_id}",
             BindWithCaller(services, RemoveSystem));
}

}  // namespace ccc::relay::api
