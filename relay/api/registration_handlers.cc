#include "relay/api/registration_handlers.h"

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/protocol/pbx_wire.h"
#include "relay/api/handler_support.h"
#include "relay/api/list_query.h"
#include "relay/api/pbxdata_scope.h"
#include "relay/store/store.h"

namespace ccc::relay::api {
namespace {

namespace json = boost::json;
namespace wire = ccc::protocol;
using http::Method;
using http::Request;
using http::Response;

// What differs between the two lists; everything else is shared below.
struct TelephoneList {
  using Row = store::TelephoneRow;
  using Query = store::TelephoneQuery;
  using Sort = store::TelephoneSort;
  using StatusEnum = wire::TelephoneStatus;
  static constexpr bool kHasKind = true;
  static std::vector<std::pair<std::string_view, Sort>> SortKeys() {
    return {{"name", Sort::kName},     {"extension", Sort::kExtension}, {"kind", Sort::kKind},
            {"status", Sort::kStatus}, {"since", Sort::kSince},         {"system", Sort::kSystem}};
  }
  static Result<store::TelephonePage> Read(store::Store& s, const Query& q) {
    return s.Telephones(q);
  }
  static json::object ToJson(const Row& t) {
    return json::object{{"id", t.id},
                        {"name", t.name},
                        {"extension", t.extension},
                        {"kind", t.kind},
                        {"dect_base_id", t.dect_base_id},
                        {"mac", t.mac},
                        {"model", t.model},
                        {"status", t.status},
                        {"since", Rfc3339(t.since_ms)}};
  }
};

struct AccountList {
  using Row = store::AccountRow;
  using Query = store::AccountQuery;
  using Sort = store::AccountSort;
  using StatusEnum = wire::AccountStatus;
  static constexpr bool kHasKind = false;
  static std::vector<std::pair<std::string_view, Sort>> SortKeys() {
    return {{"name", Sort::kName},
            {"provider", Sort::kProvider},
            {"status", Sort::kStatus},
            {"since", Sort::kSince},
            {"system", Sort::kSystem}};
  }
  static Result<store::AccountPage> Read(store::Store& s, const Query& q) { return s.Accounts(q); }
  static json::object ToJson(const Row& a) {
    return json::object{{"id", a.id},
                        {"name", a.name},
                        {"provider", a.provider},
                        {"number", a.number},
                        {"stun_server", a.stun_server},
                        {"status", a.status},
                        {"since", Rfc3339(a.since_ms)}};
  }
};

Response Invalid(const std::string& message) {
  return http::JsonError(400, "invalid_parameter", message);
}

// The query, or the 400 to answer.
template <typename List>
std::variant<typename List::Query, Response> ParseQuery(const Request& request, bool fleet) {
  std::vector<std::string_view> sort_keys;
  for (const auto& [key, sort] : List::SortKeys()) {
    if (fleet || key != "system") sort_keys.push_back(key);
  }
  std::vector<std::string_view> extra = {"status"};
  if (List::kHasKind) extra.push_back("kind");
  if (fleet) extra.push_back("system_id");
  ParsedListQuery parsed = ParseListQuery(request, sort_keys, extra);
  if (!parsed.ok()) return std::move(*parsed.failure);

  typename List::Query query;
  query.q = parsed.query->q;
  query.descending = parsed.query->descending;
  query.limit = static_cast<size_t>(parsed.query->limit);
  query.offset = static_cast<size_t>(parsed.query->offset);
  for (const auto& [key, sort] : List::SortKeys()) {
    if (key == parsed.query->sort) query.sort = sort;
  }
  if (std::optional<std::string> status = QueryParam(request, "status")) {
    if (!wire::FromWire<typename List::StatusEnum>(*status)) {
      return Invalid("parameter 'status' must be one of: " +
                     wire::WireNameList<typename List::StatusEnum>());
    }
    query.status = std::move(*status);
  }
  if constexpr (List::kHasKind) {
    if (std::optional<std::string> kind = QueryParam(request, "kind")) {
      if (!wire::FromWire<wire::TelephoneKind>(*kind)) {
        return Invalid("parameter 'kind' must be one of: " +
                       wire::WireNameList<wire::TelephoneKind>());
      }
      query.kind = std::move(*kind);
    }
  }
  return query;
}

template <typename List>
Response ListFor(const ApiServices& services, const Request& request, const Caller& caller,
                 std::optional<int64_t> path_system) {
  if (services.store == nullptr) {
    return http::JsonError(503, "unavailable", "registration status is not available");
  }
  const bool fleet = !path_system.has_value();
  auto query = ParseQuery<List>(request, fleet);
  if (auto* failure = std::get_if<Response>(&query)) return std::move(*failure);
  std::optional<Response> failure;
  const std::optional<int64_t> system_id = fleet ? SystemIdParam(request, &failure) : path_system;
  if (failure) return std::move(*failure);

  auto scope =
      fleet ? FleetScope(services, caller, policy::Action::kReadRegistrationStatus, system_id)
            : SystemScope(services, caller, *system_id, policy::Action::kReadRegistrationStatus);
  if (auto* refused = std::get_if<Response>(&scope)) return std::move(*refused);
  const PbxScope& systems = std::get<PbxScope>(scope);

  typename List::Query& q = std::get<typename List::Query>(query);
  q.devices = systems.devices();
  auto page = List::Read(*services.store, q);
  if (!page.ok()) return StatusResponse(page.status());

  json::array items;
  items.reserve(page->items.size());
  for (const typename List::Row& row : page->items) {
    json::object item = List::ToJson(row);
    if (fleet) {
      if (const ScopedSystem* s = systems.BySerial(row.device)) {
        item["system"] = json::object{{"id", s->id}, {"name", s->name}, {"serial", s->serial}};
      }
    }
    items.emplace_back(std::move(item));
  }
  return http::JsonResponse(
      200, json::serialize(json::object{{"items", std::move(items)},
                                        {"total", page->total},
                                        {"updated_at", OptionalTime(page->updated_ms)}}));
}

template <typename List>
http::Handler SystemRoute(const ApiServices& services) {
  return WithCaller(services, [services](const Request& request, const Caller& caller) {
    std::optional<int64_t> id = PathId(request, "id");
    if (!id) return http::JsonError(404, "not_found", "no such system");
    return ListFor<List>(services, request, caller, id);
  });
}

template <typename List>
http::Handler FleetRoute(const ApiServices& services) {
  return WithCaller(services, [services](const Request& request, const Caller& caller) {
    return ListFor<List>(services, request, caller, std::nullopt);
  });
}

}  // namespace

void AddRegistrationRoutes(http::Router& router, const ApiServices& services) {
  router.Add(Method::kGet, "/api/v1/systems/{id}/telephones", SystemRoute<TelephoneList>(services));
  router.Add(Method::kGet, "/api/v1/systems/{id}/accounts", SystemRoute<AccountList>(services));
  router.Add(Method::kGet, "/api/v1/fleet/telephones", FleetRoute<TelephoneList>(services));
  router.Add(Method::kGet, "/api/v1/fleet/accounts", FleetRoute<AccountList>(services));
}

}  // namespace ccc::relay::api
