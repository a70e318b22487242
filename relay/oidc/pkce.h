#pragma once

#include <string>
#include <string_view>

// Proof Key for Code Exchange (RFC 7636), method S256.
namespace ccc::relay::oidc {

// A fresh code_verifier: 43 characters of base64url (256 random bits), within RFC 7636's
// 43..128 unreserved characters.
std::string NewPkceVerifier();

// code_challenge = BASE64URL(SHA256(ASCII(code_verifier))), unpadded.
std::string PkceChallengeS256(std::string_view verifier);

}  // namespace ccc::relay::oidc
