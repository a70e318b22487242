#include "agent/collect/sysinfo_body.h"

#include <boost/json.hpp>

namespace ccc::agent::collect {
namespace {

boost::json::object InformationJson(const sources::PbxInformation& info) {
  boost::json::array licences;
  licences.reserve(info.licences.size());
  for (const auto& l : info.licences) {
    licences.emplace_back(
        boost::json::object{{"name", l.name}, {"total", l.total}, {"used", l.used}});
  }
  boost::json::array modules;
  modules.reserve(info.modules.size());
  for (const auto& m : info.modules) {
    modules.emplace_back(
        boost::json::object{{"slot", m.slot}, {"module", m.module}, {"ports", m.ports}});
  }
  boost::json::object o;
  o.emplace("hardware_revision", info.hardware_revision);
  o.emplace("mac", info.mac);
  o.emplace("booted_at_ms", info.booted_at_ms);
  o.emplace("licences", std::move(licences));
  o.emplace("modules", std::move(modules));
  return o;
}

}  // namespace

std::string SysinfoBody(const SysinfoFacts& facts) {
  boost::json::object body;
  body["serial"] = facts.identity.serial;
  body["model"] = facts.identity.model;
  body["firmware"] = facts.identity.firmware;
  body["agent_version"] = facts.agent_version;
  body["hostname"] = facts.hostname;
  body["opt_in"] = {{"monitoring", facts.opt_in_monitoring},
                    {"remote_configuration", facts.opt_in_remote_configuration}};
  if (facts.information) body["information"] = InformationJson(*facts.information);
  return boost::json::serialize(body);
}

}  // namespace ccc::agent::collect
