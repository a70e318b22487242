#include "relay/oidc/discovery.h"

#include <algorithm>
#include <boost/json.hpp>

#include "relay/oidc/url.h"

namespace ccc::relay::oidc {
namespace {

namespace json = boost::json;

// nullopt when absent; a present member that is not an array of strings is an error.
Result<std::optional<std::vector<std::string>>> StringList(const json::object& doc,
                                                           std::string_view name) {
  auto it = doc.find(name);
  if (it == doc.end()) return std::optional<std::vector<std::string>>();
  if (!it->value().is_array()) {
    return InvalidArgument("discovery member '" + std::string(name) + "' is not an array");
  }
  std::vector<std::string> values;
  for (const json::value& v : it->value().get_array()) {
    if (!v.is_string()) {
      return InvalidArgument("discovery member '" + std::string(name) + "' holds non-strings");
    }
    values.emplace_back(v.get_string());
  }
  return std::optional<std::vector<std::string>>(std::move(values));
}

Status RequireListed(const json::object& doc, std::string_view name, std::string_view value) {
  auto list = StringList(doc, name);
  if (!list.ok()) return list.status();
  if (*list && std::find((*list)->begin(), (*list)->end(), value) == (*list)->end()) {
    return InvalidArgument("provider does not list '" + std::string(value) + "' in " +
                           std::string(name));
  }
  return Status::Ok();
}

Result<std::string> Endpoint(const json::object& doc, std::string_view name) {
  auto it = doc.find(name);
  if (it == doc.end() || !it->value().is_string()) {
    return InvalidArgument("discovery document has no '" + std::string(name) + "'");
  }
  std::string url(it->value().get_string());
  if (Status s = CheckProviderUrl(url, name); !s.ok()) return s;
  return url;
}

}  // namespace

std::string DiscoveryUrl(std::string_view issuer) {
  while (issuer.ends_with('/')) issuer.remove_suffix(1);
  return std::string(issuer) + "/.well-known/openid-configuration";
}

Result<ProviderMetadata> ParseDiscovery(std::string_view text, std::string_view expected_issuer) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec || !root.is_object()) return InvalidArgument("discovery document is not a JSON object");
  const json::object& doc = root.get_object();
  ProviderMetadata metadata;
  auto issuer = doc.find("issuer");
  if (issuer == doc.end() || !issuer->value().is_string() ||
      issuer->value().get_string() != expected_issuer) {
    return InvalidArgument("discovery issuer is not exactly '" + std::string(expected_issuer) +
                           "'");
  }
  metadata.issuer = std::string(expected_issuer);
  for (auto [name, target] : {std::pair{"authorization_endpoint", &metadata.authorization_endpoint},
                              std::pair{"token_endpoint", &metadata.token_endpoint},
                              std::pair{"jwks_uri", &metadata.jwks_uri}}) {
    auto url = Endpoint(doc, name);
    if (!url.ok()) return url.status();
    *target = std::move(*url);
  }
  CCC_RETURN_IF_ERROR(RequireListed(doc, "response_types_supported", "code"));
  CCC_RETURN_IF_ERROR(RequireListed(doc, "code_challenge_methods_supported", "S256"));
  CCC_RETURN_IF_ERROR(RequireListed(doc, "id_token_signing_alg_values_supported", "RS256"));
  auto methods = StringList(doc, "token_endpoint_auth_methods_supported");
  if (!methods.ok()) return methods.status();
  if (*methods) metadata.token_auth_methods = std::move(**methods);
  return metadata;
}

DiscoveryCache::DiscoveryCache(HttpFetcher& fetcher, std::string issuer,
                               std::function<int64_t()> now_ms)
    : fetcher_(fetcher), issuer_(std::move(issuer)), now_ms_(std::move(now_ms)) {}

OidcResult<ProviderMetadata> DiscoveryCache::Get() {
  std::lock_guard lock(mutex_);
  int64_t now = now_ms_();
  if (metadata_ && now - fetched_ms_ < kMaxAgeMs) return *metadata_;
  std::string url = DiscoveryUrl(issuer_);
  Status failure;
  auto reply = fetcher_.Get(url);
  if (!reply.ok()) {
    failure = reply.status();
  } else if (reply->status != 200) {
    failure = Unavailable(url + " answered HTTP " + std::to_string(reply->status));
  } else {
    auto parsed = ParseDiscovery(reply->body, issuer_);
    if (parsed.ok()) {
      metadata_ = std::move(*parsed);
      fetched_ms_ = now;
      return *metadata_;
    }
    failure = parsed.status();
  }
  if (metadata_) return *metadata_;  // keep working with the last good document
  return Fail(OidcError::kProviderUnavailable, failure.ToString());
}

}  // namespace ccc::relay::oidc
