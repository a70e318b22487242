#include "relay/oidc/url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ccc::relay::oidc {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

Result<UrlParts> ParseHttpUrl(std::string_view url) {
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7F) return InvalidArgument("URL contains spaces or control bytes");
  }
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return InvalidArgument("URL is not absolute");
  UrlParts parts;
  parts.scheme = Lower(url.substr(0, scheme_end));
  if (parts.scheme != "http" && parts.scheme != "https") {
    return InvalidArgument("URL scheme must be http or https");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) return InvalidArgument("URL has a fragment");
  size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  if (authority_end != std::string_view::npos) parts.path = std::string(rest.substr(authority_end));
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("URL must not contain user information");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("URL has a broken IPv6 host");
    parts.host = Lower(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return InvalidArgument("URL has a broken IPv6 host");
      port_text = after.substr(1);
    }
  } else {
    size_t colon = authority.find(':');
    parts.host = Lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (parts.host.empty()) return InvalidArgument("URL has no host");
  if (!port_text.empty() || authority.ends_with(':')) {
    auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), parts.port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || parts.port < 1 ||
        parts.port > 65535) {
      return InvalidArgument("URL has an invalid port");
    }
  }
  return parts;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    static const in6_addr kLoopback = IN6ADDR_LOOPBACK_INIT;
    return std::equal(std::begin(v6.s6_addr), std::end(v6.s6_addr), std::begin(kLoopback.s6_addr));
  }
  return false;
}

Status CheckProviderUrl(std::string_view url, std::string_view what) {
  auto parts = ParseHttpUrl(url);
  if (!parts.ok()) {
    return InvalidArgument(std::string(what) + " '" + std::string(url) +
                           "': " + parts.status().message());
  }
  if (parts->scheme == "http" && !IsLoopbackHost(parts->host)) {
    return InvalidArgument(std::string(what) + " '" + std::string(url) +
                           "' must use https (plain http is allowed only for loopback hosts)");
  }
  return Status::Ok();
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

std::string FormEncode(const FormFields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += PercentEncode(name);
    out.push_back('=');
    out += PercentEncode(value);
  }
  return out;
}

std::string AppendQuery(std::string_view url, const FormFields& fields) {
  std::string out(url);
  out.push_back(url.find('?') == std::string_view::npos ? '?' : '&');
  out += FormEncode(fields);
  return out;
}

}  // namespace ccc::relay::oidc
