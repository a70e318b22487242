#include "relay/api/openapi_document.h"

#include "relay/api/openapi_json.h"

namespace ccc::relay::api {

std::string_view OpenApiDocument() { return kOpenApiJson; }

void AddOpenApiRoute(http::Router& router) {
  router.Add(http::Method::kGet, "/api/v1/openapi.json", [](const http::Request&) {
    http::Response response = http::JsonResponse(200, std::string(kOpenApiJson));
    // Public and identical for every caller, so browsers and tools may cache it briefly.
    response.headers.emplace_back("Cache-Control", "public, max-age=300");
    return response;
  });
}

}  // namespace ccc::relay::api
