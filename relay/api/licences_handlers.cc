#include "relay/api/licences_handlers.h"

#include <boost/json.hpp>
#include <optional>

#include "relay/api/handler_support.h"
#include "relay/api/pbx_information.h"

namespace ccc::relay::api {
namespace {

using http::Request;
using http::Response;

Response Licences(const ApiServices& services, int64_t system_id, const Caller& caller) {
  if (auto refused = Authorize(services, caller, system_id, policy::Action::kReadLicences)) {
    return *refused;
  }
  auto report = services.directory->GetDeviceReport(system_id);
  if (!report.ok()) return StatusResponse(report.status());
  if (!report->has_value()) return http::JsonError(404, "not_found", "not found");
  std::optional<boost::json::object> body = LicencesJson((*report)->sysinfo_json, (*report)->serial,
                                                         (*report)->reported_ms, NowMs(services));
  if (!body) {
    return http::JsonError(404, "no_data", "the system has not reported its licences yet");
  }
  return http::JsonResponse(200, boost::json::serialize(*body));
}

}  // namespace

void AddLicencesRoutes(http::Router& router, const ApiServices& services) {
  router.Add(http::Method::kGet, "/api/v1/systems/{id}/licences",
             WithCaller(services, [services](const Request& request, const Caller& caller) {
               std::optional<int64_t> id = PathId(request, "id");
               if (!id) return http::JsonError(404, "not_found", "no such system");
               return Licences(services, *id, caller);
             }));
}

}  // namespace ccc::relay::api
