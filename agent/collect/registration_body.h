#pragma once

#include <string>

#include "agent/collect/registration_diff.h"

namespace ccc::agent::collect {

// The JSON body of a "registrations" record (issue 5 contract, section 1), compact:
//   {"kind":"snapshot"|"changes",
//    "telephones":[{"id","name","extension","kind","dect_base_id","mac","model","status"}],
//    "accounts":[{"id","name","provider","number","stun_server","status"}],
//    "removed_telephones":[ids],"removed_accounts":[ids]}
// Enums by their wire names (sources::ToWire); text fields the PBX leaves empty are "" (never
// null or missing); removed_* are present in "changes" records only (possibly empty).
std::string RegistrationBody(const RegistrationUpdate& update);

}  // namespace ccc::agent::collect
