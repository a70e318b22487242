#include "relay/oidc/pkce.h"

#include <openssl/sha.h>

#include "relay/auth/secret_tokens.h"
#include "relay/oidc/base64url.h"

namespace ccc::relay::oidc {

std::string NewPkceVerifier() { return auth::NewSecretToken(); }

std::string PkceChallengeS256(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(digest), SHA256_DIGEST_LENGTH));
}

}  // namespace ccc::relay::oidc
