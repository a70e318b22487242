#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status/status.h"

// The little URL handling single sign-on needs: checking provider endpoints and building
// query strings and form bodies. Not a general URL library.
namespace ccc::relay::oidc {

using FormFields = std::vector<std::pair<std::string, std::string>>;

struct UrlParts {
  std::string scheme;  // lower-case
  std::string host;    // lower-case; IPv6 without brackets
  int port = 0;        // 0 = the scheme's default
  std::string path;    // from the first '/' on, including any query; may be empty
};

// Absolute http(s) URLs only; no user info ("user@host"), no fragment, no whitespace or
// control characters. kInvalidArgument otherwise.
Result<UrlParts> ParseHttpUrl(std::string_view url);

// "localhost", 127.0.0.0/8 or ::1.
bool IsLoopbackHost(std::string_view host);

// Provider endpoints (issuer, authorization, token, JWKS) must use https; plain http is
// accepted only for loopback hosts, where tests run their provider. kInvalidArgument
// naming `what` otherwise.
Status CheckProviderUrl(std::string_view url, std::string_view what);

// RFC 3986 percent-encoding of everything but unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string PercentEncode(std::string_view text);

// application/x-www-form-urlencoded ("a=1&b=x%20y"); also used for query strings.
std::string FormEncode(const FormFields& fields);

// url + ('?' or '&') + FormEncode(fields).
std::string AppendQuery(std::string_view url, const FormFields& fields);

}  // namespace ccc::relay::oidc
