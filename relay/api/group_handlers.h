#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

// REST endpoints of the groups pages (FEATURES B5-B7). A group belongs to one company and
// one owner; its members get rights on its systems through their role (the member's own, or
// the group's default role when the member has none; no role = no rights, B7/B8). Every call
// needs a logged-in caller (401 not_authenticated) and is checked on the server. Changes are
// audited by the directory in the same transaction.
//
// Seeing a group: it is public, or the caller owns it or is a member. Any other group,
// including every group of another company, is 404 not_found. Among visible groups a
// missing right is 403 forbidden.
//
//   GET    /api/v1/groups?owned=true|false   q matches name and description; sort name
//          (default)|created|members|systems|owner. owned=true: only the caller's own groups.
//   POST   /api/v1/groups {name (1..100), description? (..1000, may span lines),
//          default_role? (null|role), public? (default false)} -> 201 Group; 409 conflict when
//          the company has a group of that name
//   GET    /api/v1/groups/{id} -> Group
//   PATCH  /api/v1/groups/{id} {name?, description?, default_role?, public?} -> 200 Group
//          (owner only; absent fields keep their value)
//   DELETE /api/v1/groups/{id} -> 204 (owner only)
//   POST   /api/v1/groups/{id}/join  -> 204, as a member without own role. 409 already_member
//          (checked first: joining again must not reset a role the owner gave); 403
//          group_private for a private group (only its owner sees one without being a
//          member; the owner adds members, themself included, with PUT members).
//   POST   /api/v1/groups/{id}/leave -> 204. 409 owner_cannot_leave for the owner (an owner
//          stays the owner; deleting the group is the way out); 409 not_member for a viewer
//          of a public group who is not a member.
//   Ownership is not membership: the owner gets rights on the group's systems only as a
//   member (PUT members/{own id}) and may drop that membership with DELETE members/{own id}.
//   GET    /api/v1/groups/{id}/members -> {items:[{user_id,email,name,role,joined_at}], total}
//          (everyone who sees the group: users of a company see each other, B1)
//   PUT    /api/v1/groups/{id}/members/{user_id} {role: null|role} -> 200 GroupMember
//          (owner only; adds the user or changes the role; a user of another company or
//          no user at all is 404 not_found)
//   DELETE /api/v1/groups/{id}/members/{user_id} -> 204 (owner, or the member themself;
//          404 when not a member)
//   GET    /api/v1/groups/{id}/systems -> {items:[{system_id,serial,name,added_at}], total}
//          (owner and members only, else 403: a public group must not list systems that a
//          viewer cannot reach)
//   PUT    /api/v1/groups/{id}/systems/{system_id} -> 200 GroupSystem. The caller owns the
//          group or is a member (else 403) AND has add_system_to_group on the system (the
//          policy's 404/403). Idempotent: a system already in the group answers 200 as is
//          (added_at unchanged).
//   DELETE /api/v1/groups/{id}/systems/{system_id} -> 204. The group owner, or anyone with
//          add_system_to_group on the system: the latter even for a group they cannot see,
//          so the owner or an administrator of a system can always cut every path to it.
//          404 when the system is not in the group.
//
// Roles on the wire ("default_role", "role"): null or a grantable role ("administrator",
// "monitoring", "backup", "call_data"); "owner" is 400 invalid_field.
namespace ccc::relay::api {

// Registers the routes above. `services` is copied into the handlers.
void AddGroupRoutes(http::Router& router, const ApiServices& services);

}  // namespace ccc::relay::api
