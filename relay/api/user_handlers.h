#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

namespace ccc::relay::api {

// GET /api/v1/users (logged in): the caller's company's users (B1), q matching e-mail and
// name, sort email (default) | name | created -> {"items":[{id,email,name}],"total":N}.
// `services` must outlive the router.
void AddUserRoutes(http::Router& router, const ApiServices& services);

}  // namespace ccc::relay::api
