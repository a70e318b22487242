#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

namespace ccc::relay::api {

// GET /api/v1/status (logged in) -> {"version": services.server_version,
// "server_time": RFC 3339}. `services` must outlive the router.
void AddStatusRoutes(http::Router& router, const ApiServices& services);

}  // namespace ccc::relay::api
