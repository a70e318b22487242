#include "relay/http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>

namespace ccc::relay::http {
namespace {

bool IsTrusted(std::string_view address, const std::vector<std::string>& trusted) {
  return std::find(trusted.begin(), trusted.end(), address) != trusted.end();
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

bool IsIpAddress(std::string_view text) {
  std::string copy(text);
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, copy.c_str(), buf) == 1 || inet_pton(AF_INET6, copy.c_str(), buf) == 1;
}

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies) {
  if (forwarded_for.empty() || !IsTrusted(peer, trusted_proxies)) return std::string(peer);
  while (!forwarded_for.empty()) {
    size_t comma = forwarded_for.rfind(',');
    std::string_view entry =
        Trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for =
        comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
    if (!IsIpAddress(entry)) break;  // garbage: stop believing the header here
    if (!IsTrusted(entry, trusted_proxies)) return std::string(entry);
  }
  return std::string(peer);
}

}  // namespace ccc::relay::http
