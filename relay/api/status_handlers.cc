#include "relay/api/status_handlers.h"

#include <boost/json.hpp>

#include "relay/api/handler_support.h"

namespace ccc::relay::api {

void AddStatusRoutes(http::Router& router, const ApiServices& services) {
  router.Add(http::Method::kGet, "/api/v1/status",
             WithCaller(services, [&services](const http::Request&, const Caller&) {
               boost::json::object body;
               body["version"] = services.server_version;
               body["server_time"] = Rfc3339(NowMs(services));
               return http::JsonResponse(200, boost::json::serialize(body));
             }));
}

}  // namespace ccc::relay::api
