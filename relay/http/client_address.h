#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ccc::relay::http {

// The address of the client a request comes from, for throttling and the audit log.
// Behind a reverse proxy the TCP peer is the proxy; only when the peer is one of
// `trusted_proxies` is X-Forwarded-For believed, and then read from the right: the
// rightmost entry that is not itself a trusted proxy is the client (entries further left
// were written by the client and may be forged). Without a usable entry the peer is used.
// Addresses compare as text, so list them as the proxies connect (e.g. "127.0.0.1", "::1").
// True for a literal IPv4 or IPv6 address (no host names).
bool IsIpAddress(std::string_view text);

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies);

}  // namespace ccc::relay::http
