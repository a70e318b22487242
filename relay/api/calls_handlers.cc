#include "relay/api/calls_handlers.h"

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "relay/api/call_page.h"
#include "relay/api/call_request.h"
#include "relay/api/handler_support.h"
#include "relay/api/pbxdata_scope.h"
#include "relay/store/store.h"

namespace ccc::relay::api {
namespace {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

constexpr std::string_view kRetryAfterSeconds = "10";

json::object CallJson(const store::CallRow& c) {
  return json::object{{"id", c.call_id},
                      {"start", Rfc3339(c.start_ms)},
                      {"duration_s", c.duration_s},
                      {"direction", c.direction},
                      {"result", c.result},
                      {"external_number", c.external_number},
                      {"external_name", c.external_name},
                      {"billing_number", c.billing_number},
                      {"billing_name", c.billing_name},
                      {"real_name", c.real_name},
                      {"own_number", c.own_number},
                      {"call_type", c.call_type}};
}

// The systems of the request after the policy: the path's system, or the fleet.
std::variant<PbxScope, Response> Scope(const ApiServices& services, const Caller& caller,
                                       std::optional<int64_t> path_system,
                                       const CallRequest& call_request) {
  if (path_system) {
    return SystemScope(services, caller, *path_system, policy::Action::kCallData);
  }
  return FleetScope(services, caller, policy::Action::kCallData, call_request.system_id);
}

Response Unavailable() { return http::JsonError(503, "unavailable", "call data is not available"); }

Response Calls(const ApiServices& services, const Request& request, const Caller& caller,
               std::optional<int64_t> path_system) {
  if (services.store == nullptr) return Unavailable();
  ParsedCallRequest parsed = ParseCallRequest(
      request, path_system ? CallEndpoint::kSystemPage : CallEndpoint::kFleetPage, NowMs(services));
  if (!parsed.ok()) return std::move(*parsed.failure);
  auto scope = Scope(services, caller, path_system, *parsed.request);
  if (auto* refused = std::get_if<Response>(&scope)) return std::move(*refused);
  const PbxScope& systems = std::get<PbxScope>(scope);

  store::CallQuery query;
  query.filter = std::move(parsed.request->filter);
  query.filter.devices = systems.devices();
  query.sort = parsed.request->sort;
  query.descending = parsed.request->descending;
  query.limit = parsed.request->limit;
  query.offset = parsed.request->offset;
  auto page = ReadCallPage(*services.store, query);
  if (!page.ok()) return StatusResponse(page.status());

  json::array items;
  items.reserve(page->items.size());
  for (const store::CallRow& row : page->items) {
    json::object item = CallJson(row);
    if (!path_system) {
      if (const ScopedSystem* s = systems.BySerial(row.device)) {
        item["system"] = json::object{{"id", s->id}, {"name", s->name}, {"serial", s->serial}};
      }
    }
    items.emplace_back(std::move(item));
  }
  return http::JsonResponse(200,
                            json::serialize(json::object{{"items", std::move(items)},
                                                         {"total", page->total},
                                                         {"total_capped", page->total_capped}}));
}

Response Export(const ApiServices& services, const std::shared_ptr<CallExporter>& exporter,
                const Request& request, const Caller& caller, std::optional<int64_t> path_system) {
  if (services.store == nullptr || exporter == nullptr) return Unavailable();
  ParsedCallRequest parsed = ParseCallRequest(
      request, path_system ? CallEndpoint::kSystemExport : CallEndpoint::kFleetExport,
      NowMs(services));
  if (!parsed.ok()) return std::move(*parsed.failure);
  auto scope = Scope(services, caller, path_system, *parsed.request);
  if (auto* refused = std::get_if<Response>(&scope)) return std::move(*refused);
  const PbxScope& systems = std::get<PbxScope>(scope);

  std::shared_ptr<CallExporter::Slot> slot = exporter->TryReserve();
  if (!slot) {
    Response busy = http::JsonError(503, "export_busy",
                                    "other exports are running; try again in a few seconds");
    busy.headers.emplace_back("Retry-After", std::string(kRetryAfterSeconds));
    return busy;
  }

  json::object details = parsed.request->AuditDetails();
  auto job = std::make_shared<CallExportJob>();
  job->filter = std::move(parsed.request->filter);
  job->filter.devices = systems.devices();
  job->descending = parsed.request->descending;
  job->language = CsvLanguageFor(caller.language);
  job->with_system = !path_system.has_value();
  for (const ScopedSystem& s : systems.systems()) job->system_names.emplace(s.serial, s.name);
  // Log lines of a failed export name the same user and target as its audit row.
  job->label = "calls export by " + caller.email + " of " +
               (path_system ? "system " + std::to_string(*path_system) : std::string("fleet"));

  if (request.method != Method::kHead) {
    // Call data is personal data: who exported what is on record before the first byte.
    directory::AuditEntry entry;
    entry.ts_ms = NowMs(services);
    entry.company_id = caller.company_id;
    entry.actor_user_id = caller.user_id;
    entry.actor = caller.email;
    entry.address = caller.address;
    entry.action = "calls.export";
    entry.target_type = path_system ? "system" : "fleet";
    entry.target_id = path_system ? std::to_string(*path_system) : "fleet";
    details["systems"] = systems.systems().size();
    details["language"] = job->language == CsvLanguage::kGerman ? "de" : "en";
    entry.details_json = json::serialize(details);
    Status audited = services.directory->AppendAudit(entry);
    if (!audited.ok()) return StatusResponse(audited);
  }

  Response response;
  response.status = 200;
  response.content_type = "text/csv; charset=utf-8";
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"gespr_dat.csv\"");
  std::weak_ptr<CallExporter> weak = exporter;
  response.stream = [weak, slot, job](std::shared_ptr<http::StreamSink> sink) {
    std::shared_ptr<CallExporter> live = weak.lock();
    // The relay is stopping: an empty body must not look like a complete, empty export.
    if (!live) return sink->Abort();
    live->Start(slot, std::move(*job), std::move(sink));
  };
  return response;
}

}  // namespace

void AddCallRoutes(http::Router& router, const ApiServices& services,
                   const std::shared_ptr<CallExporter>& exporter) {
  auto system_route = [&services](auto body) {
    return WithCaller(services, [services, body](const Request& request, const Caller& caller) {
      std::optional<int64_t> id = PathId(request, "id");
      if (!id) return http::JsonError(404, "not_found", "no such system");
      return body(services, request, caller, id);
    });
  };
  auto fleet_route = [&services](auto body) {
    return WithCaller(services, [services, body](const Request& request, const Caller& caller) {
      return body(services, request, caller, std::nullopt);
    });
  };
  auto page = [](const ApiServices& s, const Request& r, const Caller& c,
                 std::optional<int64_t> id) { return Calls(s, r, c, id); };
  auto csv = [exporter](const ApiServices& s, const Request& r, const Caller& c,
                        std::optional<int64_t> id) { return Export(s, exporter, r, c, id); };
  router.Add(Method::kGet, "/api/v1/systems/{id}/calls", system_route(page));
  router.Add(Method::kGet, "/api/v1/systems/{id}/calls.csv", system_route(csv));
  router.Add(Method::kGet, "/api/v1/fleet/calls", fleet_route(page));
  router.Add(Method::kGet, "/api/v1/fleet/calls.csv", fleet_route(csv));
}

}  // namespace ccc::relay::api
