#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

// What the caller may do on at least one system: the portal offers a fleet page ("all
// systems → call data") only to users who have some system it would show. The server
// still filters every fleet request by system; this only spares users pages that would be
// empty by design.
//
//   GET /api/v1/fleet/actions
//     -> 200 {"actions":["view_system",...],   union of the systems' allowed_actions, in the
//                                              policy's order (policy::kAllActions)
//             "systems": 12}                   how many systems the caller reaches
//     401 when not signed in.
namespace ccc::relay::api {

void AddFleetActionRoutes(http::Router& router, const ApiServices& services);

}  // namespace ccc::relay::api
