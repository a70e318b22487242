#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status/status.h"
#include "relay/oidc/http_fetcher.h"
#include "relay/oidc/oidc_error.h"
#include "relay/oidc/rsa_key.h"

// The provider's signing keys (JSON Web Key Set, RFC 7517).
namespace ccc::relay::oidc {

using KeySet = std::map<std::string, RsaPublicKey, std::less<>>;  // kid -> key ("" = no kid)

// Parses a JWKS document and keeps the keys usable for RS256 ID tokens: kty "RSA", "use"
// absent or "sig", "alg" absent or "RS256". Other keys (EC, encryption keys, ...) are
// skipped; a usable-looking RSA key that does not parse is an error, as is a document that
// is not {"keys":[...]} or repeats a kid. kInvalidArgument with the reason.
Result<KeySet> ParseJwks(std::string_view json);

// Fetches and caches one provider's key set. Thread-safe.
class JwksCache {
 public:
  // Keys are kept this long before the next look-up fetches them again.
  static constexpr int64_t kMaxAgeMs = 60 * 60 * 1000;
  // An unknown kid causes a refetch (key rotation), but not more often than this, so that
  // tokens with made-up kids cannot make the relay hammer the provider.
  static constexpr int64_t kMinRefetchIntervalMs = 30 * 1000;

  // `fetcher` must outlive the cache. now_ms: unix milliseconds (tests pass a fake clock).
  JwksCache(HttpFetcher& fetcher, std::function<int64_t()> now_ms);

  // The key named `kid` in the set at jwks_uri. kid "" (token header without "kid") is
  // answered only when the set holds exactly one key. Failures: kProviderUnavailable (fetch
  // or parse failed and nothing cached), kIdTokenInvalid (no such key, even after a refetch).
  OidcResult<RsaPublicKey> Find(const std::string& jwks_uri, std::string_view kid);

 private:
  Status RefreshLocked(const std::string& jwks_uri, int64_t now);
  const RsaPublicKey* LookupLocked(std::string_view kid) const;

  HttpFetcher& fetcher_;
  std::function<int64_t()> now_ms_;
  std::mutex mutex_;
  std::string uri_;  // the set in keys_ came from here
  KeySet keys_;
  int64_t fetched_ms_ = 0;
  bool fetched_ = false;
};

}  // namespace ccc::relay::oidc
