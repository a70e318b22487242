#pragma once

#include <cstdint>
#include <memory>

#include "relay/api/api_context.h"
#include "relay/api/call_export.h"
#include "relay/http/router.h"

// Call data (FEATURES H1-H4): pages and the CSV export, per system and across the fleet.
// Action call_data: roles owner, administrator or call_data, and active maintenance (and
// the minimum firmware) on the system — per system 403 forbidden / 422
// maintenance_inactive|firmware_too_old otherwise, 404 for a system the caller cannot see;
// fleet views just leave such systems out. Parameters: call_request.h (400
// invalid_parameter).
//
//   GET /api/v1/systems/{id}/calls, GET /api/v1/fleet/calls
//     -> 200 {"items":[{id,start,duration_s,direction,result,external_number,external_name,
//             billing_number,billing_name,real_name,own_number,call_type}
//             (+ "system":{id,name,serial} in the fleet view)],
//             "total","total_capped"}
//     `total` is exact while counting is cheap; otherwise total_capped is true and total is
//     a lower bound (call_page.h), so a page costs about the same with 1,000,000 calls.
//   GET /api/v1/systems/{id}/calls.csv, GET /api/v1/fleet/calls.csv
//     -> 200 text/csv; charset=utf-8, Content-Disposition: attachment;
//        filename="gespr_dat.csv": every matching call (calls_csv.h), streamed by the
//        CallExporter in time order (order asc|desc, default desc). An audit row
//        "calls.export" (target "system" <id> or "fleet"; details: the filters) is written
//        before the first byte; HEAD answers the head without exporting or auditing.
//     503 export_busy (Retry-After) when CallExportOptions::max_concurrent exports run.
namespace ccc::relay::api {

// The route handlers share ownership of `exporter`, so it lives as long as the router (whose
// owner destroys it before the store); a stream already handed out only holds a weak
// reference. Null: the exports answer 503 unavailable.
void AddCallRoutes(http::Router& router, const ApiServices& services,
                   const std::shared_ptr<CallExporter>& exporter);

}  // namespace ccc::relay::api
