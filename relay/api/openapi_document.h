#pragma once

#include <string_view>

#include "relay/http/router.h"

// The OpenAPI 3 description of the REST API (relay/api/openapi.json, compiled in), served at
// GET /api/v1/openapi.json. The document is the contract: api_routes_test checks that it
// lists exactly the routes the server registers, and the API walk test checks every
// answered status against it.
namespace ccc::relay::api {

std::string_view OpenApiDocument();

void AddOpenApiRoute(http::Router& router);

}  // namespace ccc::relay::api
