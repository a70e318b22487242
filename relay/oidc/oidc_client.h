#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "relay/oidc/discovery.h"
#include "relay/oidc/http_fetcher.h"
#include "relay/oidc/jwks.h"
#include "relay/oidc/jwt.h"
#include "relay/oidc/login_state_store.h"
#include "relay/oidc/oidc_config.h"
#include "relay/oidc/oidc_error.h"

// The relay as an OpenID Connect relying party: authorization code flow with PKCE (S256),
// state and nonce (OpenID Connect Core 1.0 section 3.1). It proves who the provider says
// the user is; matching that identity to a relay user is the API layer's job.
//
// Thread-safe: handlers on several HTTP threads may begin and complete logins at once.
// Calls may block on the provider for up to the fetcher's timeout (10 s).
namespace ccc::relay::oidc {

struct LoginRedirect {
  std::string url;    // the provider's authorization endpoint with all parameters
  std::string state;  // also set as a cookie, so the callback comes from the same browser
};

struct Callback {
  std::string code;
  std::string state;
  std::string error;  // "error" parameter: the provider refused or the user cancelled
  std::string error_description;
};

struct CompletedLogin {
  IdTokenClaims claims;
  std::string return_to;
};

class OidcClient {
 public:
  // `config` must be enabled. now_ms: unix milliseconds (tests pass a fake clock).
  OidcClient(OidcConfig config, std::unique_ptr<HttpFetcher> fetcher,
             std::function<int64_t()> now_ms);

  const OidcConfig& config() const { return config_; }

  // Starts a login that ends at `return_to` (already checked by the caller). Fails only
  // with kProviderUnavailable (discovery).
  OidcResult<LoginRedirect> BeginLogin(std::string return_to);

  // Finishes the login named by callback.state (single use: a second call with the same
  // state is kStateInvalid): checks for a provider error, exchanges the code at the token
  // endpoint with the PKCE verifier and client credentials, and verifies the ID token
  // against discovery, JWKS and the login's nonce.
  OidcResult<CompletedLogin> CompleteLogin(const Callback& callback);

 private:
  OidcResult<std::string> ExchangeCode(const ProviderMetadata& provider, const std::string& code,
                                       const std::string& verifier);

  const OidcConfig config_;
  std::unique_ptr<HttpFetcher> fetcher_;
  std::function<int64_t()> now_ms_;
  DiscoveryCache discovery_;
  JwksCache jwks_;
  LoginStateStore logins_;
};

// The production client: libcurl with the config's ca_file, the system clock.
std::unique_ptr<OidcClient> NewOidcClient(const OidcConfig& config);

}  // namespace ccc::relay::oidc
