#include "relay/oidc/jwks.h"

#include <boost/json.hpp>

namespace ccc::relay::oidc {
namespace {

namespace json = boost::json;

std::optional<std::string_view> StringMember(const json::object& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end() || !it->value().is_string()) return std::nullopt;
  return std::string_view(it->value().get_string());
}

}  // namespace

Result<KeySet> ParseJwks(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec || !root.is_object()) return InvalidArgument("JWKS is not a JSON object");
  const json::object& object = root.get_object();
  auto keys_it = object.find("keys");
  if (keys_it == object.end() || !keys_it->value().is_array()) {
    return InvalidArgument("JWKS has no \"keys\" array");
  }
  KeySet keys;
  for (const json::value& entry : keys_it->value().get_array()) {
    if (!entry.is_object()) return InvalidArgument("JWKS entry is not an object");
    const json::object& jwk = entry.get_object();
    if (StringMember(jwk, "kty") != "RSA") continue;
    auto use = StringMember(jwk, "use");
    if (jwk.contains("use") && use != "sig") continue;
    auto alg = StringMember(jwk, "alg");
    if (jwk.contains("alg") && alg != "RS256") continue;
    auto kid = StringMember(jwk, "kid");
    if (jwk.contains("kid") && !kid) return InvalidArgument("JWKS entry has a non-string kid");
    auto n = StringMember(jwk, "n");
    auto e = StringMember(jwk, "e");
    if (!n || !e) return InvalidArgument("RSA key without n or e");
    auto key = RsaPublicKey::FromJwk(*n, *e);
    if (!key.ok()) {
      return InvalidArgument("RSA key '" + std::string(kid.value_or("")) +
                             "': " + key.status().message());
    }
    std::string name(kid.value_or(""));
    if (!keys.emplace(name, std::move(*key)).second) {
      return InvalidArgument("JWKS repeats kid '" + name + "'");
    }
  }
  return keys;
}

JwksCache::JwksCache(HttpFetcher& fetcher, std::function<int64_t()> now_ms)
    : fetcher_(fetcher), now_ms_(std::move(now_ms)) {}

Status JwksCache::RefreshLocked(const std::string& jwks_uri, int64_t now) {
  auto reply = fetcher_.Get(jwks_uri);
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) {
    return Unavailable("JWKS " + jwks_uri + " answered HTTP " + std::to_string(reply->status));
  }
  auto keys = ParseJwks(reply->body);
  if (!keys.ok()) return keys.status();
  keys_ = std::move(*keys);
  uri_ = jwks_uri;
  fetched_ms_ = now;
  fetched_ = true;
  return Status::Ok();
}

const RsaPublicKey* JwksCache::LookupLocked(std::string_view kid) const {
  if (kid.empty()) return keys_.size() == 1 ? &keys_.begin()->second : nullptr;
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

OidcResult<RsaPublicKey> JwksCache::Find(const std::string& jwks_uri, std::string_view kid) {
  std::lock_guard lock(mutex_);
  int64_t now = now_ms_();
  bool stale = !fetched_ || uri_ != jwks_uri || now - fetched_ms_ >= kMaxAgeMs;
  if (stale) {
    Status refreshed = RefreshLocked(jwks_uri, now);
    // A provider that is briefly down does not stop logins while the old keys are known.
    if (!refreshed.ok() && (!fetched_ || uri_ != jwks_uri)) {
      return Fail(OidcError::kProviderUnavailable, refreshed.ToString());
    }
  }
  if (const RsaPublicKey* key = LookupLocked(kid)) return *key;
  if (!stale && now - fetched_ms_ >= kMinRefetchIntervalMs) {
    Status refreshed = RefreshLocked(jwks_uri, now);
    if (!refreshed.ok()) return Fail(OidcError::kProviderUnavailable, refreshed.ToString());
    if (const RsaPublicKey* key = LookupLocked(kid)) return *key;
  }
  return Fail(OidcError::kIdTokenInvalid,
              kid.empty() ? "token names no key and the provider has " +
                                std::to_string(keys_.size()) + " keys"
                          : "no signing key with kid '" + std::string(kid) + "'");
}

}  // namespace ccc::relay::oidc
