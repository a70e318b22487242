#pragma once

#include <optional>
#include <string>

#include "agent/sources/pbx_source.h"

namespace ccc::agent::collect {

// What a "sysinfo" record tells about the site.
struct SysinfoFacts {
  sources::PbxIdentity identity;
  std::string agent_version;
  std::string hostname;
  bool opt_in_monitoring = false;  // site-side opt-ins (FEATURES A5)
  bool opt_in_remote_configuration = false;
  // Device information, licences and expansion; absent when the source reports none (yet).
  std::optional<sources::PbxInformation> information;
};

// The JSON body of a "sysinfo" record, compact:
//   {"serial","model","firmware","agent_version","hostname",
//    "opt_in":{"monitoring","remote_configuration"},
//    "information":{"hardware_revision","mac","booted_at_ms",
//                   "licences":[{"name","total","used"}],"modules":[{"slot","module","ports"}]}}
// "information" only when known. No uptime on the wire: the reader derives it from
// booted_at_ms (issue 5 contract, section 1).
std::string SysinfoBody(const SysinfoFacts& facts);

}  // namespace ccc::agent::collect
