#include "relay/api/pbx_information.h"

#include <algorithm>
#include <boost/json.hpp>
#include <utility>

#include "relay/api/api_context.h"

namespace ccc::relay::api {
namespace {

namespace json = boost::json;

std::optional<json::object> ParseObject(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

const json::object* Information(const json::object& sysinfo) {
  const json::value* info = sysinfo.if_contains("information");
  return info != nullptr && info->is_object() ? &info->as_object() : nullptr;
}

json::value Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return nullptr;
  return *v;
}

std::string TextOrEmpty(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<int64_t> Integer(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->as_uint64());
  }
  return std::nullopt;
}

json::value OptionalInteger(const std::optional<int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

void AddBootFields(const json::object* info, int64_t now_ms, json::object& out) {
  std::optional<int64_t> booted = info != nullptr ? Integer(*info, "booted_at_ms") : std::nullopt;
  if (booted && *booted < 0) booted.reset();
  out["booted_at"] = booted ? json::value(Rfc3339(*booted)) : json::value(nullptr);
  out["uptime_s"] =
      booted ? json::value(std::max<int64_t>(0, (now_ms - *booted) / 1000)) : json::value(nullptr);
}

}  // namespace

void AddInformationFields(std::string_view sysinfo_json, int64_t now_ms, json::object& out) {
  std::optional<json::object> sysinfo = ParseObject(sysinfo_json);
  const json::object* info = sysinfo ? Information(*sysinfo) : nullptr;
  out["hardware_revision"] = info != nullptr ? Text(*info, "hardware_revision") : nullptr;
  AddBootFields(info, now_ms, out);
}

std::optional<json::object> LicencesJson(std::string_view sysinfo_json, const std::string& serial,
                                         std::optional<int64_t> reported_ms, int64_t now_ms) {
  std::optional<json::object> sysinfo = ParseObject(sysinfo_json);
  if (!sysinfo) return std::nullopt;
  const json::object* info = Information(*sysinfo);
  if (info == nullptr) return std::nullopt;

  json::array licences;
  if (const json::value* list = info->if_contains("licences"); list && list->is_array()) {
    for (const json::value& item : list->as_array()) {
      if (!item.is_object()) continue;
      const json::object& l = item.as_object();
      licences.emplace_back(json::object{{"name", TextOrEmpty(l, "name")},
                                         {"total", OptionalInteger(Integer(l, "total"))},
                                         {"used", OptionalInteger(Integer(l, "used"))}});
    }
  }
  json::array modules;
  if (const json::value* list = info->if_contains("modules"); list && list->is_array()) {
    for (const json::value& item : list->as_array()) {
      if (!item.is_object()) continue;
      const json::object& m = item.as_object();
      modules.emplace_back(json::object{{"slot", OptionalInteger(Integer(m, "slot"))},
                                        {"module", TextOrEmpty(m, "module")},
                                        {"ports", OptionalInteger(Integer(m, "ports"))}});
    }
  }
  json::object out;
  out["model"] = TextOrEmpty(*sysinfo, "model");
  out["serial"] = serial;
  out["firmware"] = TextOrEmpty(*sysinfo, "firmware");
  out["hardware_revision"] = Text(*info, "hardware_revision");
  out["mac"] = Text(*info, "mac");
  AddBootFields(info, now_ms, out);
  out["licences"] = std::move(licences);
  out["modules"] = std::move(modules);
  out["reported_at"] = reported_ms ? json::value(Rfc3339(*reported_ms)) : json::value(nullptr);
  return out;
}

}  // namespace ccc::relay::api
