#include "agent/collect/registration_body.h"

#include <boost/json.hpp>

namespace ccc::agent::collect {
namespace {

boost::json::object TelephoneJson(const sources::Telephone& t, boost::json::storage_ptr sp) {
  boost::json::object o(sp);
  o.reserve(8);
  o.emplace("id", t.id);
  o.emplace("name", t.name);
  o.emplace("extension", t.extension);
  o.emplace("kind", sources::ToWire(t.kind));
  o.emplace("dect_base_id", t.dect_base_id);
  o.emplace("mac", t.mac);
  o.emplace("model", t.model);
  o.emplace("status", sources::ToWire(t.status));
  return o;
}

boost::json::object AccountJson(const sources::ProviderAccount& a, boost::json::storage_ptr sp) {
  boost::json::object o(sp);
  o.reserve(6);
  o.emplace("id", a.id);
  o.emplace("name", a.name);
  o.emplace("provider", a.provider);
  o.emplace("number", a.number);
  o.emplace("stun_server", a.stun_server);
  o.emplace("status", sources::ToWire(a.status));
  return o;
}

boost::json::array IdsJson(const std::vector<std::string>& ids, boost::json::storage_ptr sp) {
  boost::json::array out(sp);
  out.reserve(ids.size());
  for (const std::string& id : ids) out.emplace_back(id);
  return out;
}

}  // namespace

std::string RegistrationBody(const RegistrationUpdate& update) {
  // One arena for the whole document: a 2,000-phone snapshot makes ~20,000 small values.
  boost::json::monotonic_resource arena;
  boost::json::storage_ptr sp(&arena);
  const bool changes = update.kind == RegistrationUpdateKind::kChanges;

  boost::json::array telephones(sp);
  telephones.reserve(update.telephones.size());
  for (const auto& t : update.telephones) telephones.emplace_back(TelephoneJson(t, sp));
  boost::json::array accounts(sp);
  accounts.reserve(update.accounts.size());
  for (const auto& a : update.accounts) accounts.emplace_back(AccountJson(a, sp));

  boost::json::object body(sp);
  body.emplace("kind", changes ? "changes" : "snapshot");
  body.emplace("telephones", std::move(telephones));
  body.emplace("accounts", std::move(accounts));
  if (changes) {
    body.emplace("removed_telephones", IdsJson(update.removed_telephones, sp));
    body.emplace("removed_accounts", IdsJson(update.removed_accounts, sp));
  }
  return boost::json::serialize(body);
}

}  // namespace ccc::agent::collect
