#include "relay/api/system_handlers.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "common/protocol/topic.h"
#include "relay/api/device_state.h"
#include "relay/api/handler_support.h"
#include "relay/api/json_input.h"
#include "relay/api/list_query.h"
#include "relay/api/pbx_information.h"
#include "relay/directory/firmware_version.h"
#include "relay/pairing/pairing_service.h"
#include "relay/store/store.h"

namespace ccc::relay::api {
namespace {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

constexpr size_t kMaxSystemNameChars = 100;
constexpr size_t kMinSerialChars = 6;
constexpr size_t kMaxSerialChars = 32;
const std::vector<std::string_view> kSortKeys = {
    "name", "serial", "created", "first_registration", "last_seen", "state"};

json::object CodeJson(const directory::PairingCode& code, int64_t now_ms) {
  return json::object{{"code", code.code},
                      {"expires_at", Rfc3339(code.expires_ms)},
                      {"expired", now_ms >= code.expires_ms}};
}

// The facts Decide() needs, from a system as ListVisibleSystems/GetVisibleSystem return it:
// its roles are the caller's effective roles, so they stand in for authorisations and
// groups (ownership comes from owner_user_id, as in the policy).
policy::AccessFacts FactsFor(const directory::System& system, const Caller& caller,
                             bool firmware_ok, int64_t now_ms) {
  policy::AccessFacts facts;
  facts.user = caller.facts();
  facts.system = policy::SystemFacts{
      .id = system.id,
      .company_id = system.company_id,
      .owner_user_id = system.owner_user_id,
      .maintenance_active = MaintenanceActive(system, now_ms),
      .firmware_ok = firmware_ok,
      .monitoring_recording_opt_in = system.monitoring_opt_in,
      .remote_configuration_opt_in = system.remote_configuration_opt_in,
  };
  for (policy::Role role : system.roles.ToVector()) {
    if (role != policy::Role::kOwner) facts.direct_roles.Add(role);
  }
  return facts;
}

json::object SystemJson(const directory::System& system, const Caller& caller,
                        const std::string& minimum_firmware, int64_t now_ms) {
  const bool firmware_ok = directory::FirmwareMeetsMinimum(system.firmware, minimum_firmware);
  const policy::AccessFacts facts = FactsFor(system, caller, firmware_ok, now_ms);
  const std::vector<policy::Action> allowed = policy::AllowedActions(facts);
  const DeviceStatus status = ComputeDeviceStatus(system, firmware_ok, now_ms);
  const bool may_edit =
      std::find(allowed.begin(), allowed.end(), policy::Action::kEditSystemName) != allowed.end();

  json::array reasons;
  for (StateReason reason : status.reasons) reasons.emplace_back(StateReasonWireName(reason));
  json::array roles;
  for (policy::Role role : policy::EffectiveRoles(facts).ToVector()) {
    roles.emplace_back(policy::RoleWireName(role));
  }
  json::array actions;
  for (policy::Action action : allowed) actions.emplace_back(policy::ActionWireName(action));

  json::object out;
  out["id"] = system.id;
  out["name"] = system.name;
  out["serial"] = system.serial;
  out["owner"] = json::object{{"id", system.owner_user_id}, {"email", system.owner_email}};
  out["created_at"] = Rfc3339(system.created_ms);
  out["first_registration_at"] = OptionalTime(system.first_registration_ms);
  out["paired"] = system.paired;
  out["online"] = system.online;
  out["last_seen_at"] = OptionalTime(system.last_seen_ms);
  out["model"] = system.model;
  out["firmware"] = system.firmware;
  out["opt_in"] = json::object{{"monitoring", system.monitoring_opt_in},
                               {"remote_configuration", system.remote_configuration_opt_in}};
  out["maintenance"] = json::object{{"active", MaintenanceActive(system, now_ms)},
                                    {"until", OptionalTime(system.maintenance_until_ms)}};
  out["state"] = DeviceStateWireName(status.state);
  out["state_reasons"] = std::move(reasons);
  out["confirmation_code"] =
      may_edit && system.code ? json::value(CodeJson(*system.code, now_ms)) : json::value(nullptr);
  out["roles"] = std::move(roles);
  out["allowed_actions"] = std::move(actions);
  return out;
}

Response NoCode() {
  return http::JsonError(404, "no_code", "the system has no current confirmation code");
}

// The system as the caller sees it, as a response with the given status.
Response VisibleSystemResponse(const ApiServices& services, const Caller& caller, int64_t system_id,
                               int status) {
  auto system = services.directory->GetVisibleSystem(caller.user_id, caller.company_id, system_id);
  if (!system.ok()) return StatusResponse(system.status());
  if (!system->has_value()) return http::JsonError(404, "not_found", "no such system");
  auto minimum = services.directory->MinimumFirmware();
  if (!minimum.ok()) return StatusResponse(minimum.status());
  return http::JsonResponse(
      status, json::serialize(SystemJson(**system, caller, *minimum, NowMs(services))));
}

// Trims spaces; nullopt (after an error response in *error) when blank.
std::optional<std::string> SystemName(const std::string& raw, std::optional<Response>* error) {
  const size_t first = raw.find_first_not_of(' ');
  if (first == std::string::npos) {
    *error = http::JsonError(400, "invalid_field", "field 'name' must not be blank");
    return std::nullopt;
  }
  const size_t last = raw.find_last_not_of(' ');
  return raw.substr(first, last - first + 1);
}

Response ListSystems(const ApiServices& services, const Request& request, const Caller& caller) {
  ParsedListQuery parsed = ParseListQuery(request, kSortKeys);
  if (!parsed.ok()) return *parsed.failure;
  auto page =
      services.directory->ListVisibleSystems(caller.user_id, caller.company_id, *parsed.query);
  if (!page.ok()) return StatusResponse(page.status());
  auto minimum = services.directory->MinimumFirmware();
  if (!minimum.ok()) return StatusResponse(minimum.status());
  const int64_t now = NowMs(services);
  json::array items;
  items.reserve(page->items.size());
  for (const directory::System& system : page->items) {
    items.emplace_back(SystemJson(system, caller, *minimum, now));
  }
  return http::JsonResponse(
      200, json::serialize(json::object{{"items", std::move(items)}, {"total", page->total}}));
}

Response CreateSystem(const ApiServices& services, const Request& request, const Caller& caller) {
  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto name = input->String("name", {.max_chars = kMaxSystemNameChars});
  auto serial = input->String("serial", {.max_chars = kMaxSerialChars});
  if (auto error = input->Finish()) return *error;
  if (!IsValidSerial(*serial)) {
    return http::JsonError(400, "invalid_field",
                           "field 'serial' must be 6 to 32 characters of A-Z, a-z, 0-9, '_' "
                           "and '-'");
  }
  std::optional<Response> error;
  auto trimmed = SystemName(*name, &error);
  if (!trimmed) return *error;

  const int64_t now = NowMs(services);
  auto id = services.directory->CreateSystem(caller.company_id, caller.user_id, *trimmed, *serial,
                                             services.pairing->NewCode(now), now, caller.actor());
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kAlreadyExists) {
      return http::JsonError(409, "conflict", "a system with this serial already exists");
    }
    return StatusResponse(id.status());
  }
  return VisibleSystemResponse(services, caller, *id, 201);
}

Response GetSystem(const ApiServices& services, int64_t id, const Caller& caller) {
  if (auto refused = Authorize(services, caller, id, policy::Action::kViewSystem)) {
    return *refused;
  }
  return VisibleSystemResponse(services, caller, id, 200);
}

Response RenameSystem(const ApiServices& services, const Request& request, int64_t id,
                      const Caller& caller) {
  if (auto refused = Authorize(services, caller, id, policy::Action::kEditSystemName)) {
    return *refused;
  }
  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  auto name = input->String("name", {.max_chars = kMaxSystemNameChars});
  if (auto error = input->Finish()) return *error;
  std::optional<Response> error;
  auto trimmed = SystemName(*name, &error);
  if (!trimmed) return *error;
  if (Status renamed = services.directory->RenameSystem(id, *trimmed, caller.actor());
      !renamed.ok()) {
    return StatusResponse(renamed);
  }
  return VisibleSystemResponse(services, caller, id, 200);
}

Response DeleteSystem(const ApiServices& services, int64_t id, const Caller& caller) {
  if (auto refused = Authorize(services, caller, id, policy::Action::kDeleteSystem)) {
    return *refused;
  }
  if (Status deleted = services.pairing->DeleteSystem(id, caller.actor(), NowMs(services));
      !deleted.ok()) {
    return StatusResponse(deleted);
  }
  return NoContent();
}

// Owner and administrators manage the system's connection, as they manage its code.
Response UnpairSystem(const ApiServices& services, int64_t id, const Caller& caller) {
  if (auto refused = Authorize(services, caller, id, policy::Action::kEditSystemName)) {
    return *refused;
  }
  Status unpaired = services.pairing->UnpairSystem(id, caller.actor(), NowMs(services));
  if (unpaired.code() == StatusCode::kFailedPrecondition) {
    return http::JsonError(409, "not_paired", "the system is not paired");
  }
  if (!unpaired.ok()) return StatusResponse(unpaired);
  return VisibleSystemResponse(services, caller, id, 200);
}

Response GetToken(const ApiServices& services, int64_t id, const Caller& caller) {
  if (auto refused = Authorize(services, caller, id, policy::Action::kEditSystemName)) {
    return *refused;
  }
  auto system = services.directory->GetSystem(id);
  if (!system.ok()) return StatusResponse(system.status());
  if (!system->has_value()) return http::JsonError(404, "not_found", "no such system");
  if (!(*system)->code) return NoCode();
  return http::JsonResponse(200, json::serialize(CodeJson(*(*system)->code, NowMs(services))));
}

Response RenewToken(const ApiServices& services, const Request& request, int64_t id,
                    const Caller& caller) {
  if (auto refused = Authorize(services, caller, id, policy::Action::kEditSystemName)) {
    return *refused;
  }
  auto input = JsonInput::Parse(request);
  if (!input.ok()) return input.error();
  if (auto error = input->Finish()) return *error;
  auto system = services.directory->GetSystem(id);
  if (!system.ok()) return StatusResponse(system.status());
  if (!system->has_value()) return http::JsonError(404, "not_found", "no such system");
  // A code only pairs a system that is not paired (the directory refuses the rest).
  if ((*system)->paired) {
    return http::JsonError(409, "already_paired",
                           "the system is paired; a new confirmation code is needed only after "
                           "it was unpaired");
  }
  const directory::PairingCode code = services.pairing->NewCode(NowMs(services));
  if (Status renewed = services.directory->RenewPairingCode(id, code, caller.actor());
      !renewed.ok()) {
    return StatusResponse(renewed);
  }
  return http::JsonResponse(201, json::serialize(CodeJson(code, code.created_ms)));
}

Response CancelToken(const ApiServices& services, int64_t id, const Caller& caller) {
  if (auto refused = Authorize(services, caller, id, policy::Action::kEditSystemName)) {
    return *refused;
  }
  Status cancelled = services.directory->CancelPairingCode(id, NowMs(services), caller.actor());
  if (cancelled.code() == StatusCode::kNotFound) return NoCode();
  if (!cancelled.ok()) return StatusResponse(cancelled);
  return NoContent();
}

Response Information(const ApiServices& services, int64_t id, const Caller& caller) {
  if (auto refused = Authorize(services, caller, id, policy::Action::kReadSystemInformation)) {
    return *refused;
  }
  auto system = services.directory->GetSystem(id);
  if (!system.ok()) return StatusResponse(system.status());
  if (!system->has_value()) return http::JsonError(404, "not_found", "no such system");
  const directory::System& s = **system;

  // agent_version and hostname live only in the ingest store's last sysinfo report.
  std::string agent_version;
  std::string hostname;
  std::string sysinfo_json = "{}";
  if (services.store != nullptr) {
    auto device = services.store->FindDevice(s.serial);
    if (device.ok() && device->has_value()) {
      sysinfo_json = (*device)->sysinfo_json;
      boost::system::error_code ec;
      json::value sysinfo = json::parse((*device)->sysinfo_json, ec);
      if (!ec && sysinfo.is_object()) {
        const json::object& info = sysinfo.as_object();
        if (auto* v = info.if_contains("agent_version"); v && v->is_string()) {
          agent_version = std::string(v->as_string());
        }
        if (auto* v = info.if_contains("hostname"); v && v->is_string()) {
          hostname = std::string(v->as_string());
        }
      }
    }
  }
  json::object out{{"model", s.model},
                   {"serial", s.serial},
                   {"firmware", s.firmware},
                   {"agent_version", agent_version},
                   {"hostname", hostname},
                   {"online", s.online},
                   {"last_seen_at", OptionalTime(s.last_seen_ms)},
                   {"first_registration_at", OptionalTime(s.first_registration_ms)}};
  // D3 facts of the PBX itself (issue 5): hardware_revision, booted_at, uptime_s.
  AddInformationFields(sysinfo_json, NowMs(services), out);
  // What "firmware too old" is measured against, so a user can tell an installer which
  // version to install; null while the operator has set none.
  auto minimum = services.directory->MinimumFirmware();
  if (!minimum.ok()) return StatusResponse(minimum.status());
  out["minimum_firmware"] = minimum->empty() ? json::value(nullptr) : json::value(*minimum);
  return http::JsonResponse(200, json::serialize(out));
}

// Wraps a per-system handler: caller, then the {id} path parameter (404 when not an id).
http::Handler SystemRoute(
    const ApiServices& services,
    std::function<Response(const ApiServices&, const Request&, int64_t, const Caller&)> handler) {
  return WithCaller(services, [services, handler = std::move(handler)](const Request& request,
                                                                       const Caller& caller) {
    std::optional<int64_t> id = PathId(request, "id");
    if (!id) return http::JsonError(404, "not_found", "no such system");
    return handler(services, request, *id, caller);
  });
}

}  // namespace

bool IsValidSerial(std::string_view serial) {
  if (serial.size() < kMinSerialChars || serial.size() > kMaxSerialChars) return false;
  const bool allowed_chars = std::all_of(serial.begin(), serial.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  return allowed_chars && protocol::IsValidDeviceId(serial);
}

void AddSystemRoutes(http::Router& router, const ApiServices& services) {
  router.Add(Method::kGet, "/api/v1/systems",
             WithCaller(services, [services](const Request& request, const Caller& caller) {
               return ListSystems(services, request, caller);
             }));
  router.Add(Method::kPost, "/api/v1/systems",
             WithCaller(services, [services](const Request& request, const Caller& caller) {
               return CreateSystem(services, request, caller);
             }));
  router.Add(Method::kGet, "/api/v1/systems/{id}",
             SystemRoute(services, [](const ApiServices& s, const Request&, int64_t id,
                                      const Caller& caller) { return GetSystem(s, id, caller); }));
  router.Add(Method::kPatch, "/api/v1/systems/{id}",
             SystemRoute(services, [](const ApiServices& s, const Request& request, int64_t id,
                                      const Caller& caller) {
               return RenameSystem(s, request, id, caller);
             }));
  router.Add(
      Method::kDelete, "/api/v1/systems/{id}",
      SystemRoute(services, [](const ApiServices& s, const Request&, int64_t id,
                               const Caller& caller) { return DeleteSystem(s, id, caller); }));
  router.Add(
      Method::kPost, "/api/v1/systems/{id}/unpair",
      SystemRoute(services, [](const ApiServices& s, const Request&, int64_t id,
                               const Caller& caller) { return UnpairSystem(s, id, caller); }));
  router.Add(Method::kGet, "/api/v1/systems/{id}/token",
             SystemRoute(services, [](const ApiServices& s, const Request&, int64_t id,
                                      const Caller& caller) { return GetToken(s, id, caller); }));
  router.Add(Method::kPost, "/api/v1/systems/{id}/token",
             SystemRoute(services,
                         [](const ApiServices& s, const Request& request, int64_t id,
                            const Caller& caller) { return RenewToken(s, request, id, caller); }));
  router.Add(
      Method::kDelete, "/api/v1/systems/{id}/token",
      SystemRoute(services, [](const ApiServices& s, const Request&, int64_t id,
                               const Caller& caller) { return CancelToken(s, id, caller); }));
  router.Add(
      Method::kGet, "/api/v1/systems/{id}/information",
      SystemRoute(services, [](const ApiServices& s, const Request&, int64_t id,
                               const Caller& caller) { return Information(s, id, caller); }));
}

}  // namespace ccc::relay::api
