#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

// Registration status of telephones and provider accounts (FEATURES E1-E3), per system and
// across the fleet. Action read_registration_status (any role that sees the system, B3).
//
//   GET /api/v1/systems/{id}/telephones   q (name, extension, MAC, model), status (E1 wire
//       name), kind (sip_desk|dect_base|dect|analogue); sort name|extension|kind|status|since;
//       order; limit (1..1000, default 50); offset
//       -> 200 {"items":[{id,name,extension,kind,dect_base_id,mac,model,status,since}],
//               "total","updated_at"}   (updated_at: last registration record applied, or null)
//   GET /api/v1/systems/{id}/accounts     q (name, provider, number), status (E2 wire name);
//       sort name|provider|status|since
//       -> 200 {"items":[{id,name,provider,number,stun_server,status,since}],"total","updated_at"}
//   GET /api/v1/fleet/telephones, /api/v1/fleet/accounts: the same plus system_id and sort
//       key "system"; items add "system":{id,name,serial}; only systems on which the caller
//       has read_registration_status.
// Errors: 400 invalid_parameter, 401, 404 not_found (system not visible), 503.
namespace ccc::relay::api {

void AddRegistrationRoutes(http::Router& router, const ApiServices& services);

}  // namespace ccc::relay::api
