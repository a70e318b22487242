#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

namespace ccc::relay::api {

// The caller's own API tokens (for scripts: "Authorization: Bearer <token>"):
//   GET    /api/v1/api-tokens        q (name), sort created (default) | name, order, limit,
//                                    offset -> items {id,name,created_at,last_used_at,
//                                    expires_at} (times null when absent)
//   POST   /api/v1/api-tokens        {name (1..100), expires_in_days? (1..3650)} -> 201
//                                    {id,name,token,created_at,expires_at}; the token is
//                                    shown only here, only its digest is stored
//   DELETE /api/v1/api-tokens/{id}   -> 204; 404 when it is not the caller's
// `services` must outlive the router.
void AddApiTokenRoutes(http::Router& router, const ApiServices& services);

}  // namespace ccc::relay::api
