#pragma once

#include "relay/api/api_context.h"
#include "relay/api/call_export.h"
#include "relay/http/router.h"

// Every endpoint of the PBX data (issue 5, FEATURES D4, E1-E3, H1-H4) in one call:
// registration status (registration_handlers.h), licences (licences_handlers.h) and call
// data with its CSV export (calls_handlers.h). The export pool is created here and owned by
// the registered handlers, so it lives as long as the router; the router's owner must
// destroy the router (after stopping the HTTP server) before the store.
namespace ccc::relay::api {

void AddPbxDataRoutes(http::Router& router, const ApiServices& services,
                      const CallExportOptions& exports = {});

}  // namespace ccc::relay::api
