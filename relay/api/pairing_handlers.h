#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

// The agent's side of pairing (FEATURES A3, A4); no login, throttled per client address
// (PairingService):
//   POST /api/v1/pairing {serial, code, csr}
//        200 {device_id, certificate, ca, broker:{host, port, ca}}
//        400 invalid_csr or a JsonInput error; 400 invalid_field for a serial that is not
//            6..32 characters of [A-Za-z0-9_-]
//        422 pairing_code_unknown | pairing_code_expired | pairing_code_used |
//            pairing_code_replaced | serial_mismatch
//        409 already_paired (the system is paired; the agent must unpair first)
//        429 too_many_attempts with Retry-After (seconds)
//   POST /api/v1/pairing/unpair {serial, certificate, timestamp (integer, unix seconds),
//        signature (base64 of DER ECDSA/SHA-256 over "ccc-unpair\n<serial>\n<timestamp>")}
//        200 {"status":"unpaired"}; 401 invalid_signature; 404 not_found; 409 not_paired;
//        422 stale_timestamp; 429 too_many_attempts
// Both answer 503 unavailable when storage or the CA fails. Needs services.pairing and
// services.now_ms.
namespace ccc::relay::api {

void AddPairingRoutes(http::Router& router, const ApiServices& services);

}  // namespace ccc::relay::api
