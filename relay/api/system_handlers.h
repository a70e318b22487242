#pragma once

#include <string_view>

#include "relay/api/api_context.h"
#include "relay/http/router.h"

// Systems (FEATURES A1, A2, A7, A8, D1-D3) under /api/v1/systems:
//   GET    /api/v1/systems                    list the caller's visible systems
//          (q; sort name|serial|created|first_registration|last_seen|state)
//   POST   /api/v1/systems {name, serial}     201 SystemJson; the caller becomes owner and a
//                                             confirmation code is issued; 409 conflict when
//                                             the serial is taken
//   GET    /api/v1/systems/{id}               view_system
//   PATCH  /api/v1/systems/{id} {name}        edit_system_name -> 200 SystemJson
//   DELETE /api/v1/systems/{id}               delete_system (owner only) -> 204; revokes the
//                                             system's certificate (PairingService)
//   POST   /api/v1/systems/{id}/unpair        edit_system_name -> 200 SystemJson: unpaired
//                                             from the portal (lost key, replaced PBX);
//                                             certificate revoked, system kept; 409 not_paired
//   GET    /api/v1/systems/{id}/token         edit_system_name -> {code, expires_at, expired};
//                                             404 no_code when there is no current code
//   POST   /api/v1/systems/{id}/token         edit_system_name: renew -> 201 {code, ...};
//                                             409 already_paired for a paired system
//   DELETE /api/v1/systems/{id}/token         edit_system_name: cancel -> 204; 404 no_code
//   GET    /api/v1/systems/{id}/information   read_system_information -> D3 facts
// SystemJson = {id, name, serial, owner:{id,email}, created_at, first_registration_at,
//   paired, online, last_seen_at, model, firmware, opt_in:{monitoring, remote_configuration},
//   maintenance:{active, until}, state, state_reasons, confirmation_code:{code, expires_at,
//   expired}|null (only when the caller may edit_system_name, i.e. owner/administrator),
//   roles, allowed_actions}. Absent times are null.
// Every per-system route answers 404 for systems the caller cannot reach (other company, no
// path), 403 forbidden for a missing role, before it looks at the body.
// Needs services.directory, services.pairing, services.store and services.now_ms.
namespace ccc::relay::api {

void AddSystemRoutes(http::Router& router, const ApiServices& services);

// A PBX serial as the API accepts it: 6..32 characters of [A-Za-z0-9_-] (so also a valid
// device id and certificate CN). Stored and compared exactly as given.
bool IsValidSerial(std::string_view serial);

}  // namespace ccc::relay::api
