#include "relay/api/audit_handlers.h"

#include <boost/json.hpp>

#include "relay/api/handler_support.h"
#include "relay/api/list_query.h"

namespace ccc::relay::api {
namespace {

boost::json::value Details(const std::string& details_json) {
  boost::system::error_code ec;
  boost::json::value details = boost::json::parse(details_json, ec);
  // Entries are written by our own code as objects; anything else is shown as empty.
  if (ec || !details.is_object()) return boost::json::object();
  return details;
}

boost::json::object AuditEntryJson(const directory::AuditEntry& entry) {
  boost::json::object item;
  item["id"] = entry.id;
  item["at"] = Rfc3339(entry.ts_ms);
  item["actor"] = entry.actor;
  item["address"] = entry.address;
  item["action"] = entry.action;
  item["target_type"] = entry.target_type;
  item["target_id"] = entry.target_id;
  item["details"] = Details(entry.details_json);
  return item;
}

}  // namespace

void AddAuditRoutes(http::Router& router, const ApiServices& services) {
  router.Add(http::Method::kGet, "/api/v1/audit",
             WithCaller(services, [&services](const http::Request& request, const Caller& caller) {
               if (!caller.company_admin) {
                 return http::JsonError(403, "forbidden",
                                        "only company administrators read the audit log");
               }
               auto query = ParseListQuery(request, {"time", "actor", "action"});
               if (!query.ok()) return *query.failure;
               auto page = services.directory->ListAudit(caller.company_id, *query.query);
               if (!page.ok()) return StatusResponse(page.status());
               return ListResponse(page->items, page->total, AuditEntryJson);
             }));
}

}  // namespace ccc::relay::api
