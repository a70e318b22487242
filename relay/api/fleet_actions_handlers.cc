#include "relay/api/fleet_actions_handlers.h"

#include <array>
#include <boost/json.hpp>

#include "relay/api/handler_support.h"
#include "relay/policy/access_policy.h"

namespace ccc::relay::api {
namespace {

http::Response FleetActions(const ApiServices& services, const Caller& caller) {
  auto fleet = services.directory->ListFleetSystems(caller.facts(), std::nullopt, NowMs(services));
  if (!fleet.ok()) return StatusResponse(fleet.status());
  std::array<bool, policy::kAllActions.size()> any{};
  size_t still_missing = any.size();
  for (const directory::FleetSystem& system : *fleet) {
    for (size_t i = 0; i < policy::kAllActions.size(); ++i) {
      if (!any[i] && policy::Decide(system.facts, policy::kAllActions[i]).allowed()) {
        any[i] = true;
        --still_missing;
      }
    }
    if (still_missing == 0) break;  // nothing more to learn from the other systems
  }
  boost::json::array actions;
  for (size_t i = 0; i < any.size(); ++i) {
    if (any[i]) actions.emplace_back(policy::ActionWireName(policy::kAllActions[i]));
  }
  boost::json::object body;
  body["actions"] = std::move(actions);
  body["systems"] = fleet->size();
  return http::JsonResponse(200, boost::json::serialize(body));
}

}  // namespace

void AddFleetActionRoutes(http::Router& router, const ApiServices& services) {
  router.Add(http::Method::kGet, "/api/v1/fleet/actions",
             WithCaller(services, [services](const http::Request&, const Caller& caller) {
               return FleetActions(services, caller);
             }));
}

}  // namespace ccc::relay::api
