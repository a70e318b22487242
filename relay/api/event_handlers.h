#pragma once

#include <functional>

#include "relay/api/api_context.h"
#include "relay/http/router.h"

namespace ccc::relay::api {

// GET /api/v1/events: server-sent events (text/event-stream) with live updates for the
// caller's company: event types "systems", "groups", "authorisations", "users", "news",
// and "registrations" (telephones or accounts of systems the caller may read the
// registration status of changed; at most one per system per 5 s), data {"ids":[...]} or {}
// (relay/events/event_hub.h has the whole format), ": ping" heartbeats. Authenticated
// like every GET (session cookie or Bearer token). Answers:
//   200  the stream; it ends when the client leaves, the relay stops, or the credential
//        ends (logout, session expiry, deleted token, disabled user)
//   401  not_authenticated
//   429  too_many_streams (Retry-After) when the user has the most streams allowed open
//   503  unavailable (Retry-After) when the relay serves the most streams it allows, or
//        live updates are off (services.events is null)
// `services` (and services.events) must outlive the router.
void AddEventRoutes(http::Router& router, const ApiServices& services);

// Whether the credential `caller` authenticated with still holds, without refreshing its
// last use: the session exists and is neither expired nor idle too long, or the API token
// exists and has not expired; and the user exists and is not disabled. Answers true when the
// directory cannot tell (busy). For the event hub's periodic checks.
std::function<bool()> CredentialStillValid(const ApiServices& services, const Caller& caller,
                                           const http::Request& request);

}  // namespace ccc::relay::api
