#pragma once

#include "relay/api/api_context.h"
#include "relay/http/router.h"

namespace ccc::relay::api {

// GET /api/v1/news: the operator's news (FEATURES I3; written with `ccc-relay admin news`),
// for every logged-in user of every company and role. q matches title and body; sort
// "published" (the default: newest first unless order=asc); limit, offset. 200
// {"items":[{id, title, body, published_at}], "total"}; 400 invalid_parameter; 401
// not_authenticated. `services` must outlive the router.
void AddNewsRoutes(http::Router& router, const ApiServices& services);

}  // namespace ccc::relay::api
