#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

namespace ccc::relay::oidc {
class OidcClient;
}

namespace ccc::relay::api {

// Registers every route of the REST API under /api/v1 (the document at
// /api/v1/openapi.json lists the same set). oidc may be null: single sign-on is then
// reported as disabled. services and oidc must outlive the router.
void AddApiRoutes(http::Router& router, const ApiServices& services, oidc::OidcClient* oidc);

}  // namespace ccc::relay::api
