#pragma once

#include <memory>
#include <string_view>

#include "common/status/status.h"

// An RSA public key from a provider's JWKS, able to check RS256 signatures
// (RSASSA-PKCS1-v1_5 with SHA-256). Immutable; copies share the key; safe to use from
// several threads at once. OpenSSL stays inside rsa_key.cc.
namespace ccc::relay::oidc {

inline constexpr int kMinRsaBits = 2048;
inline constexpr int kMaxRsaBits = 8192;

class RsaPublicKey {
 public:
  // From the JWK members "n" and "e" (unpadded base64url, big-endian). kInvalidArgument
  // when they do not decode strictly, do not form a valid RSA key, or the modulus has
  // fewer than kMinRsaBits or more than kMaxRsaBits bits.
  static Result<RsaPublicKey> FromJwk(std::string_view n, std::string_view e);

  // True when `signature` is a valid RS256 signature of `signed_data` by this key.
  bool VerifyRs256(std::string_view signed_data, std::string_view signature) const;

  int bits() const;

 private:
  struct Key;
  explicit RsaPublicKey(std::shared_ptr<const Key> key);
  std::shared_ptr<const Key> key_;
};

}  // namespace ccc::relay::oidc
