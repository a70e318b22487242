#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "relay/api/api_context.h"
#include "relay/http/router.h"
#include "relay/policy/access_policy.h"

// Which systems one PBX data request (issue 5) covers. Every system passes policy::Decide
// for the request's action first: a per-system request through api::Authorize (404 for
// other companies' or unreachable systems, 403 without a role, 422 for a missing
// precondition), a fleet request by leaving out each system the caller may not use the
// action on. The store is then asked for exactly these systems' devices (serials).
namespace ccc::relay::api {

struct ScopedSystem {
  int64_t id = 0;
  std::string name;
  std::string serial;  // = the device id in relay.db
};

class PbxScope {
 public:
  explicit PbxScope(std::vector<ScopedSystem> systems);

  // In name order (case-insensitive, then id).
  const std::vector<ScopedSystem>& systems() const { return systems_; }
  // Their serials in the same order: the store's `devices` (sort by system follows it).
  std::vector<std::string> devices() const;
  // The system of a row's device; nullptr for a device outside the scope.
  const ScopedSystem* BySerial(std::string_view serial) const;

 private:
  std::vector<ScopedSystem> systems_;
  std::unordered_map<std::string, size_t> by_serial_;
};

// One system after api::Authorize allowed `action`; otherwise the refusal to send.
std::variant<PbxScope, http::Response> SystemScope(const ApiServices& services,
                                                   const Caller& caller, int64_t system_id,
                                                   policy::Action action);

// Every system the caller reaches and may use `action` on, optionally only `system_id`
// (empty when that one is not among them). A storage error is the response to send.
// The fleet views' optional `system_id` parameter: nullopt when absent, or (with a 400
// invalid_parameter answer in *failure) when it is not a positive integer.
std::optional<int64_t> SystemIdParam(const http::Request& request,
                                     std::optional<http::Response>* failure);

std::variant<PbxScope, http::Response> FleetScope(const ApiServices& services, const Caller& caller,
                                                  policy::Action action,
                                                  std::optional<int64_t> system_id);

}  // namespace ccc::relay::api
