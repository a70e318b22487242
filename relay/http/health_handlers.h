#pragma once

#include <functional>

#include "relay/http/router.h"
#include "relay/metrics/metrics.h"
#include "relay/store/store.h"

namespace ccc::relay::http {

// What /readyz and /metrics look at. Everything must outlive the router.
struct HealthSources {
  store::Store* store = nullptr;
  std::function<bool()> mqtt_connected;
  const metrics::Registry* registry = nullptr;
};

// GET /healthz -> 200 {"status":"ok"}.
// GET /readyz  -> 200 {"status":"ready"} when the store answers and MQTT is connected, else
//                 503 {"status":"not_ready","reasons":["store_unavailable","mqtt_disconnected"]}.
// GET /metrics -> Prometheus text format 0.0.4.
void AddHealthRoutes(Router& router, HealthSources sources);

}  // namespace ccc::relay::http
