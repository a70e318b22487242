#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

// Licences and expansion of a PBX (FEATURES D4). Action read_licences (any role that sees
// the system).
//
//   GET /api/v1/systems/{id}/licences
//     -> 200 {"model","serial","firmware","hardware_revision","mac","booted_at","uptime_s",
//             "licences":[{"name","total","used"}],"modules":[{"slot","module","ports"}],
//             "reported_at"}   (pbx_information.h)
//     404 no_data when the agent never reported the PBX's information; 404 not_found for a
//     system the caller cannot see; 401.
namespace ccc::relay::api {

void AddLicencesRoutes(http::Router& router, const ApiServices& services);

}  // namespace ccc::relay::api
