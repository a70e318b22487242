#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "relay/oidc/http_fetcher.h"
#include "relay/oidc/oidc_error.h"

// OpenID Provider metadata (OpenID Connect Discovery 1.0): where to send the browser, where
// to exchange the code and where the signing keys are.
namespace ccc::relay::oidc {

struct ProviderMetadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  // token_endpoint_auth_methods_supported; empty when the provider does not say (the
  // default is then client_secret_basic).
  std::vector<std::string> token_auth_methods;
};

// issuer without trailing '/' + "/.well-known/openid-configuration".
std::string DiscoveryUrl(std::string_view issuer);

// Validates a discovery document: "issuer" equal to expected_issuer exactly (section 4.3:
// prevents a provider impersonating another), authorization_endpoint, token_endpoint and
// jwks_uri present and https (http only on loopback), and, where the provider lists them,
// "code" among response_types_supported, "S256" among code_challenge_methods_supported
// and "RS256" among id_token_signing_alg_values_supported. kInvalidArgument with the reason.
Result<ProviderMetadata> ParseDiscovery(std::string_view json, std::string_view expected_issuer);

// Fetches the document once and keeps it for kMaxAgeMs; a failed refresh keeps the old
// document. Thread-safe; `fetcher` must outlive it.
class DiscoveryCache {
 public:
  static constexpr int64_t kMaxAgeMs = 60 * 60 * 1000;

  DiscoveryCache(HttpFetcher& fetcher, std::string issuer, std::function<int64_t()> now_ms);

  // kProviderUnavailable when nothing valid could be fetched.
  OidcResult<ProviderMetadata> Get();

 private:
  HttpFetcher& fetcher_;
  const std::string issuer_;
  std::function<int64_t()> now_ms_;
  std::mutex mutex_;
  std::optional<ProviderMetadata> metadata_;
  int64_t fetched_ms_ = 0;
};

}  // namespace ccc::relay::oidc
