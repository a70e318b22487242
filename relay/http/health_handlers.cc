#include "relay/http/health_handlers.h"

#include <boost/json.hpp>

namespace ccc::relay::http {

void AddHealthRoutes(Router& router, HealthSources sources) {
  router.Add(Method::kGet, "/healthz",
             [](const Request&) { return JsonResponse(200, R"({"status":"ok"})"); });

  router.Add(Method::kGet, "/readyz", [sources](const Request&) {
    boost::json::array reasons;
    if (sources.store == nullptr || !sources.store->Healthy()) {
      reasons.emplace_back("store_unavailable");
    }
    if (!sources.mqtt_connected || !sources.mqtt_connected()) {
      reasons.emplace_back("mqtt_disconnected");
    }
    if (reasons.empty()) return JsonResponse(200, R"({"status":"ready"})");
    boost::json::object body;
    body["status"] = "not_ready";
    body["reasons"] = std::move(reasons);
    return JsonResponse(503, boost::json::serialize(body));
  });

  router.Add(Method::kGet, "/metrics", [sources](const Request&) {
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    if (sources.registry != nullptr) response.body = sources.registry->Render();
    return response;
  });
}

}  // namespace ccc::relay::http
