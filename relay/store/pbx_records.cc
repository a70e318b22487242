#include "relay/store/pbx_records.h"

#include <boost/json.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

// The agent writes these bodies with the same wire-name tables, so they are checked alike.
#include "common/protocol/pbx_wire.h"

namespace ccc::relay::store {
namespace {

namespace json = boost::json;
namespace wire = ccc::protocol;

constexpr int64_t kMaxCallId = (int64_t{1} << 53) - 1;

Status Invalid(std::string_view what) { return InvalidArgument(std::string(what)); }

// A string field: absent -> "", present -> must be a string of at most kMaxPbxText bytes.
Status OptionalText(const json::object& o, std::string_view key, std::string& out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return Status::Ok();
  if (!v->is_string()) return Invalid(std::string(key) + " must be a string");
  const json::string& s = v->get_string();
  if (s.size() > kMaxPbxText) return Invalid(std::string(key) + " is too long");
  out.assign(s.data(), s.size());
  return Status::Ok();
}

Status RequiredText(const json::object& o, std::string_view key, std::string& out) {
  if (o.if_contains(key) == nullptr) return Invalid(std::string(key) + " is missing");
  CCC_RETURN_IF_ERROR(OptionalText(o, key, out));
  if (out.empty()) return Invalid(std::string(key) + " must not be empty");
  return Status::Ok();
}

template <typename E>
Status RequiredWireName(const json::object& o, std::string_view key, std::string& out) {
  CCC_RETURN_IF_ERROR(RequiredText(o, key, out));
  if (!wire::FromWire<E>(out)) return Invalid(std::string(key) + " '" + out + "' is not known");
  return Status::Ok();
}

// An integer in [min, max]; JSON doubles are refused.
Status RequiredInt(const json::object& o, std::string_view key, int64_t min, int64_t max,
                   int64_t& out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return Invalid(std::string(key) + " is missing");
  if (v->is_int64()) {
    out = v->get_int64();
  } else if (v->is_uint64() &&
             v->get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    out = static_cast<int64_t>(v->get_uint64());
  } else {
    return Invalid(std::string(key) + " must be an integer");
  }
  if (out < min || out > max) return Invalid(std::string(key) + " is out of range");
  return Status::Ok();
}

const json::array* OptionalArray(const json::object& o, std::string_view key, Status& status) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    status = Invalid(std::string(key) + " must be an array");
    return nullptr;
  }
  return &v->get_array();
}

Status ParseTelephone(const json::value& v, TelephoneRow& t) {
  if (!v.is_object()) return Invalid("a telephone must be an object");
  const json::object& o = v.get_object();
  CCC_RETURN_IF_ERROR(RequiredText(o, "id", t.id));
  CCC_RETURN_IF_ERROR(RequiredWireName<wire::TelephoneKind>(o, "kind", t.kind));
  CCC_RETURN_IF_ERROR(RequiredWireName<wire::TelephoneStatus>(o, "status", t.status));
  CCC_RETURN_IF_ERROR(OptionalText(o, "name", t.name));
  CCC_RETURN_IF_ERROR(OptionalText(o, "extension", t.extension));
  CCC_RETURN_IF_ERROR(OptionalText(o, "dect_base_id", t.dect_base_id));
  CCC_RETURN_IF_ERROR(OptionalText(o, "mac", t.mac));
  return OptionalText(o, "model", t.model);
}

Status ParseAccount(const json::value& v, AccountRow& a) {
  if (!v.is_object()) return Invalid("an account must be an object");
  const json::object& o = v.get_object();
  CCC_RETURN_IF_ERROR(RequiredText(o, "id", a.id));
  CCC_RETURN_IF_ERROR(RequiredWireName<wire::AccountStatus>(o, "status", a.status));
  CCC_RETURN_IF_ERROR(OptionalText(o, "name", a.name));
  CCC_RETURN_IF_ERROR(OptionalText(o, "provider", a.provider));
  CCC_RETURN_IF_ERROR(OptionalText(o, "number", a.number));
  return OptionalText(o, "stun_server", a.stun_server);
}

Status ParseIds(const json::array& a, std::string_view key, std::vector<std::string>& out) {
  out.reserve(a.size());
  for (const json::value& v : a) {
    if (!v.is_string() || v.get_string().empty() || v.get_string().size() > kMaxPbxText) {
      return Invalid(std::string(key) + " must hold non-empty strings");
    }
    out.emplace_back(v.get_string().data(), v.get_string().size());
  }
  return Status::Ok();
}

Result<json::value> ParseObject(std::string_view body, json::storage_ptr sp) {
  json::error_code ec;
  json::value value = json::parse(body, ec, std::move(sp));
  if (ec) return Invalid("body is not JSON: " + ec.message());
  if (!value.is_object()) return Invalid("body is not a JSON object");
  return value;
}

}  // namespace

Result<RegistrationRecord> ParseRegistrationRecord(std::string_view body) {
  // One arena per record: a 2,000-phone snapshot allocates its tree in a few large blocks.
  json::monotonic_resource arena(body.size() * 2 + 1024);
  Result<json::value> parsed = ParseObject(body, &arena);
  if (!parsed.ok()) return parsed.status();
  const json::object& o = parsed->get_object();
  RegistrationRecord r;
  std::string kind;
  CCC_RETURN_IF_ERROR(RequiredText(o, "kind", kind));
  if (kind == "snapshot") {
    r.snapshot = true;
  } else if (kind != "changes") {
    return Invalid("kind '" + kind + "' is not snapshot or changes");
  }
  Status status;
  if (const json::array* a = OptionalArray(o, "telephones", status)) {
    r.telephones.resize(a->size());
    for (size_t i = 0; i < a->size(); ++i) {
      CCC_RETURN_IF_ERROR(ParseTelephone((*a)[i], r.telephones[i]));
    }
  }
  CCC_RETURN_IF_ERROR(status);
  if (const json::array* a = OptionalArray(o, "accounts", status)) {
    r.accounts.resize(a->size());
    for (size_t i = 0; i < a->size(); ++i)
      CCC_RETURN_IF_ERROR(ParseAccount((*a)[i], r.accounts[i]));
  }
  CCC_RETURN_IF_ERROR(status);
  for (std::string_view key : {"removed_telephones", "removed_accounts"}) {
    const json::array* a = OptionalArray(o, key, status);
    CCC_RETURN_IF_ERROR(status);
    if (a == nullptr) continue;
    if (r.snapshot && !a->empty()) return Invalid(std::string(key) + " in a snapshot");
    CCC_RETURN_IF_ERROR(
        ParseIds(*a, key, key == "removed_telephones" ? r.removed_telephones : r.removed_accounts));
  }
  return r;
}

Result<CallRow> ParseCallRecord(std::string_view body) {
  unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof(buffer));
  Result<json::value> parsed = ParseObject(body, &arena);
  if (!parsed.ok()) return parsed.status();
  const json::object& o = parsed->get_object();
  CallRow c;
  int64_t id = 0;
  CCC_RETURN_IF_ERROR(RequiredInt(o, "id", 1, kMaxCallId, id));
  c.call_id = static_cast<uint64_t>(id);
  CCC_RETURN_IF_ERROR(
      RequiredInt(o, "start_ms", 0, std::numeric_limits<int64_t>::max(), c.start_ms));
  CCC_RETURN_IF_ERROR(
      RequiredInt(o, "duration_s", 0, std::numeric_limits<int32_t>::max(), c.duration_s));
  CCC_RETURN_IF_ERROR(RequiredWireName<wire::CallDirection>(o, "direction", c.direction));
  CCC_RETURN_IF_ERROR(RequiredWireName<wire::CallResult>(o, "result", c.result));
  CCC_RETURN_IF_ERROR(OptionalText(o, "external_number", c.external_number));
  CCC_RETURN_IF_ERROR(OptionalText(o, "external_name", c.external_name));
  CCC_RETURN_IF_ERROR(OptionalText(o, "billing_number", c.billing_number));
  CCC_RETURN_IF_ERROR(OptionalText(o, "billing_name", c.billing_name));
  CCC_RETURN_IF_ERROR(OptionalText(o, "real_name", c.real_name));
  CCC_RETURN_IF_ERROR(OptionalText(o, "own_number", c.own_number));
  CCC_RETURN_IF_ERROR(OptionalText(o, "call_type", c.call_type));
  return c;
}

std::string FoldForSearch(std::string_view text) {
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto b = static_cast<unsigned char>(out[i]);
    if (b >= 'A' && b <= 'Z') {
      out[i] = static_cast<char>(b + 32);
    } else if (b == 0xC3 && i + 1 < out.size()) {
      // U+00C0..U+00DE are C3 80..C3 9E; their lower-case forms are C3 A0..C3 BE.
      const auto next = static_cast<unsigned char>(out[i + 1]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97) out[i + 1] = static_cast<char>(next + 32);
      ++i;
    }
  }
  return out;
}

std::string CallSearchText(const CallRow& c) {
  std::string joined;
  joined.reserve(c.external_number.size() + c.external_name.size() + c.billing_number.size() +
                 c.billing_name.size() + c.real_name.size() + c.own_number.size() + 5);
  for (const std::string* part : {&c.external_number, &c.external_name, &c.billing_number,
                                  &c.billing_name, &c.real_name, &c.own_number}) {
    if (part != &c.external_number) joined += '\x1f';
    joined += *part;
  }
  return FoldForSearch(joined);
}

}  // namespace ccc::relay::store
