#pragma once

#include <optional>
#include <string>
#include <string_view>

// Unpadded base64url (RFC 4648 section 5), as JOSE (RFC 7515) and PKCE (RFC 7636) use it.
namespace ccc::relay::oidc {

std::string Base64UrlEncode(std::string_view bytes);

// Strict decoding: only A-Z a-z 0-9 - _, no padding, no whitespace, a length that is not
// 1 mod 4, and unused trailing bits zero (so every byte string has exactly one accepted
// encoding). nullopt otherwise.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace ccc::relay::oidc
