#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// What the agent's sysinfo body says about the PBX itself (issue 5 contract, section 1):
//   {"serial","model","firmware",...,"information":{"hardware_revision","mac","booted_at_ms",
//    "licences":[{"name","total","used"}],"modules":[{"slot","module","ports"}]}}
// Pure functions over the stored JSON text; values of the wrong type read as absent, so a
// newer or broken agent never breaks a page.
namespace ccc::relay::api {

// The fields GET /api/v1/systems/{id}/information adds to its answer:
// "hardware_revision" (string or null), "booted_at" (RFC 3339 or null) and "uptime_s"
// (now - booted_at in whole seconds, never negative, or null).
void AddInformationFields(std::string_view sysinfo_json, int64_t now_ms, boost::json::object& out);

// The body of GET /api/v1/systems/{id}/licences: {model, serial, firmware,
// hardware_revision, mac, booted_at, uptime_s, licences:[{name,total,used}],
// modules:[{slot,module,ports}], reported_at}. nullopt when the sysinfo has no
// "information" object (the agent never reported it). `serial` is the system's; reported_ms
// the time of the sysinfo record (reported_at, null when unknown).
std::optional<boost::json::object> LicencesJson(std::string_view sysinfo_json,
                                                const std::string& serial,
                                                std::optional<int64_t> reported_ms, int64_t now_ms);

}  // namespace ccc::relay::api
