#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

// REST endpoints of the authorisations page (FEATURES B4): roles on one system granted by one
// user to another user of the same company. Every call needs a logged-in caller (401
// not_authenticated otherwise) and is checked on the server (B8). Changes are audited by the
// directory in the same transaction.
//
//   GET    /api/v1/authorisations        granted by the caller; q matches user e-mail, system
//                                        name and serial; sort user (default)|system|created
//   POST   /api/v1/authorisations        {user_id, system_id, roles} -> 201 Authorisation
//   GET    /api/v1/authorisations/{id}   -> 200 Authorisation
//   PATCH  /api/v1/authorisations/{id}   {roles} -> 200 Authorisation
//   DELETE /api/v1/authorisations/{id}   -> 204
//
// Authorisation = {id, user:{id,email}, system:{id,name,serial}, roles, created_at, updated_at}.
// roles: a non-empty array of distinct grantable wire names ("administrator", "monitoring",
// "backup", "call_data"); "owner" or anything else is 400 invalid_field.
//
// Grant (POST): the caller needs manage_authorisations on the system (policy: owner or
// administrator; otherwise the policy's 404 or 403). Then, in this order:
//   404 not_found       the user does not exist or belongs to another company
//   409 already_owner   the user owns the system (owners hold every role already)
//   409 conflict        the user already has an authorisation on the system (PATCH it)
//
// One authorisation ({id}):
//   GET, DELETE  the granter, or anyone with manage_authorisations on the system.
//   PATCH        anyone with manage_authorisations on the system. A granter who has since
//                lost that right may still read and revoke the grant, but not change its
//                roles: changing roles is granting, and must not outlive the right to grant
//                (403 forbidden).
//   Everyone else gets the policy's answer: 404 not_found when they cannot reach the system
//   (or it is another company's), else 403 forbidden.
namespace ccc::relay::api {

// Registers the routes above. `services` is copied into the handlers.
void AddAuthorisationRoutes(http::Router& router, const ApiServices& services);

}  // namespace ccc::relay::api
