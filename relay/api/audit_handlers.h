#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

namespace ccc::relay::api {

// GET /api/v1/audit: the caller's company's audit log, for company administrators only
// (others: 403 forbidden). q matches actor, action and target id; sort time (default,
// newest first unless order is given) | actor | action. Items
// {id, at, actor, address, action, target_type, target_id, details (object)}.
// `services` must outlive the router.
void AddAuditRoutes(http::Router& router, const ApiServices& services);

}  // namespace ccc::relay::api
