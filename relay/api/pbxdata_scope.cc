#include "relay/api/pbxdata_scope.h"

#include <utility>

#include "relay/api/handler_support.h"
#include "relay/api/list_query.h"

namespace ccc::relay::api {

PbxScope::PbxScope(std::vector<ScopedSystem> systems) : systems_(std::move(systems)) {
  for (size_t i = 0; i < systems_.size(); ++i) by_serial_.emplace(systems_[i].serial, i);
}

std::vector<std::string> PbxScope::devices() const {
  std::vector<std::string> serials;
  serials.reserve(systems_.size());
  for (const ScopedSystem& s : systems_) serials.push_back(s.serial);
  return serials;
}

const ScopedSystem* PbxScope::BySerial(std::string_view serial) const {
  auto it = by_serial_.find(std::string(serial));
  return it == by_serial_.end() ? nullptr : &systems_[it->second];
}

std::variant<PbxScope, http::Response> SystemScope(const ApiServices& services,
                                                   const Caller& caller, int64_t system_id,
                                                   policy::Action action) {
  if (auto refused = Authorize(services, caller, system_id, action)) return std::move(*refused);
  auto system = services.directory->GetSystem(system_id);
  if (!system.ok()) return StatusResponse(system.status());
  // Deleted between the two reads.
  if (!system->has_value()) return http::JsonError(404, "not_found", "not found");
  return PbxScope({ScopedSystem{(*system)->id, (*system)->name, (*system)->serial}});
}

std::optional<int64_t> SystemIdParam(const http::Request& request,
                                     std::optional<http::Response>* failure) {
  std::optional<std::string> text = QueryParam(request, "system_id");
  if (!text) return std::nullopt;
  // At most 18 digits: always fits in int64_t.
  bool digits = !text->empty() && text->size() <= 18;
  int64_t id = 0;
  for (char c : *text) {
    digits = digits && c >= '0' && c <= '9';
    if (digits) id = id * 10 + (c - '0');
  }
  if (!digits || id <= 0) {
    *failure = http::JsonError(400, "invalid_parameter",
                               "parameter 'system_id' must be a positive integer");
    return std::nullopt;
  }
  return id;
}

std::variant<PbxScope, http::Response> FleetScope(const ApiServices& services, const Caller& caller,
                                                  policy::Action action,
                                                  std::optional<int64_t> system_id) {
  auto fleet = services.directory->ListFleetSystems(caller.facts(), system_id, NowMs(services));
  if (!fleet.ok()) return StatusResponse(fleet.status());
  std::vector<ScopedSystem> allowed;
  for (directory::FleetSystem& s : *fleet) {
    if (policy::Decide(s.facts, action).allowed()) {
      allowed.push_back(ScopedSystem{s.id, std::move(s.name), std::move(s.serial)});
    }
  }
  return PbxScope(std::move(allowed));
}

}  // namespace ccc::relay::api
