#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "relay/store/store.h"

// Builds "registrations" and "calls" record bodies as the agent sends them (issue 5
// contract, section 1). For tests, benchmarks and the seeding tool; link Boost::json.
namespace ccc::relay::store::testing {

inline boost::json::object TelephoneJson(const TelephoneRow& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"extension", t.extension},
          {"kind", t.kind},
          {"dect_base_id", t.dect_base_id},
          {"mac", t.mac},
          {"model", t.model},
          {"status", t.status}};
}

inline boost::json::object AccountJson(const AccountRow& a) {
  return {{"id", a.id},
          {"name", a.name},
          {"provider", a.provider},
          {"number", a.number},
          {"stun_server", a.stun_server},
          {"status", a.status}};
}

inline std::string RegistrationBody(bool snapshot, const std::vector<TelephoneRow>& telephones,
                                    const std::vector<AccountRow>& accounts,
                                    const std::vector<std::string>& removed_telephones = {},
                                    const std::vector<std::string>& removed_accounts = {}) {
  boost::json::object body;
  body["kind"] = snapshot ? "snapshot" : "changes";
  boost::json::array& tel = body["telephones"].emplace_array();
  for (const TelephoneRow& t : telephones) tel.push_back(TelephoneJson(t));
  boost::json::array& acc = body["accounts"].emplace_array();
  for (const AccountRow& a : accounts) acc.push_back(AccountJson(a));
  if (!snapshot) {
    boost::json::array& rt = body["removed_telephones"].emplace_array();
    for (const std::string& id : removed_telephones) rt.emplace_back(id);
    boost::json::array& ra = body["removed_accounts"].emplace_array();
    for (const std::string& id : removed_accounts) ra.emplace_back(id);
  }
  return boost::json::serialize(body);
}

inline std::string CallBody(const CallRow& c) {
  boost::json::object body{{"id", c.call_id},
                           {"start_ms", c.start_ms},
                           {"duration_s", c.duration_s},
                           {"direction", c.direction},
                           {"result", c.result},
                           {"external_number", c.external_number},
                           {"external_name", c.external_name},
                           {"billing_number", c.billing_number},
                           {"billing_name", c.billing_name},
                           {"real_name", c.real_name},
                           {"own_number", c.own_number},
                           {"call_type", c.call_type}};
  return boost::json::serialize(body);
}

// A SIP desk phone "tel-<n>" with extension 200 + n, registered encrypted.
inline TelephoneRow DeskPhone(int n, std::string status = "registered_encrypted") {
  TelephoneRow t;
  t.id = "tel-" + std::to_string(10000 + n).substr(1);
  t.name = "Phone " + std::to_string(n);
  t.extension = std::to_string(200 + n);
  t.kind = "sip_desk";
  t.mac = "00:09:52:00:" + std::to_string(10 + n % 90) + ":" + std::to_string(10 + n / 90 % 90);
  t.model = "COMfortel D-400";
  t.status = std::move(status);
  return t;
}

// A deterministic call: number n, every minute from start_ms0; every third unsuccessful,
// directions rotating, names cycling through a few people.
inline CallRow SampleCall(uint64_t n, int64_t start_ms0) {
  static const char* const kNames[] = {"Anna Becker", "Jörg Müller", "Zoë Schmidt", "Tom Weber",
                                       "Ines Wagner"};
  static const char* const kDirections[] = {"incoming", "outgoing", "internal"};
  static const char* const kTypes[] = {"business", "private", "forwarding"};
  CallRow c;
  c.call_id = n;
  c.start_ms = start_ms0 + static_cast<int64_t>(n) * 60'000;
  c.result = n % 3 == 0 ? "unsuccessful" : "successful";
  c.duration_s = n % 3 == 0 ? 0 : static_cast<int64_t>((n * 37) % 1800);
  c.direction = kDirections[n % 3 == 0 ? 0 : (n / 3) % 3];
  c.external_number = "+49301" + std::to_string(1000000 + (n * 7919) % 9000000);
  c.external_name = kNames[n % 5];
  c.billing_number = std::to_string(200 + n % 40);
  c.billing_name = "Sales";
  c.real_name = kNames[(n + 2) % 5];
  c.own_number = "+495219876500";
  c.call_type = kTypes[n % 3];
  return c;
}

}  // namespace ccc::relay::store::testing
