#include "agent/pairing/pairing_client.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ccc::agent::pairing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// Headers of a JSON answer are small; a larger header block is not our relay.
constexpr std::size_t kMaxHeaderBytes = 16 * 1024;

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

bool IsIpAddress(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

bool IsPathChar(char c) { return c > 0x20 && c < 0x7f && c != '?' && c != '#'; }

Status BadUrl(const std::string& url, std::string_view why) {
  return InvalidArgument("relay URL '" + url + "' " + std::string(why));
}

std::string SecondsText(std::chrono::milliseconds ms) {
  const auto tenths = ms.count() / 100;
  return std::to_string(tenths / 10) + (tenths % 10 != 0 ? "." + std::to_string(tenths % 10) : "") +
         " s";
}

// Converts an Asio/Beast error of one step into our Status.
Status TransportError(const PairingClientOptions& options, std::string_view step,
                      const error_code& ec) {
  const std::string where = "relay " + options.relay_url + ": " + std::string(step) + ": ";
  if (ec == http::error::body_limit || ec == http::error::header_limit ||
      ec == http::error::buffer_overflow) {
    return TooLarge(where + "the answer is larger than " +
                    std::to_string(options.max_response_bytes) + " bytes");
  }
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return InvalidArgument(where + "the answer is not valid HTTP (" + ec.message() + ")");
  }
  return Unavailable(where + ec.message());
}

struct Exchange {
  const PairingClientOptions& options;
  bool tls;
  const std::string& host;
  const std::string& port;
  http::request<http::string_body> request;
  ssl::context* tls_context;
  std::optional<Result<HttpReply>>& out;

  template <typename Stream>
  asio::awaitable<void> SendAndReceive(Stream& stream) {
    error_code ec;
    co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      out = TransportError(options, "sending the request", ec);
      co_return;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.header_limit(
        static_cast<std::uint32_t>(std::min(kMaxHeaderBytes, options.max_response_bytes)));
    parser.body_limit(options.max_response_bytes);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      out = TransportError(options, "reading the answer", ec);
      co_return;
    }
    auto response = parser.release();
    HttpReply reply;
    reply.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      reply.headers[name] = std::string(field.value());
    }
    reply.body = std::move(response.body());
    out = std::move(reply);
  }

  asio::awaitable<void> Run() {
    auto executor = co_await asio::this_coro::executor;
    error_code ec;
    tcp::resolver resolver(executor);
    const auto results =
        co_await resolver.async_resolve(host, port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      out = TransportError(options, "resolving " + host, ec);
      co_return;
    }
    // Plain HTTP goes to loopback only (see PairingClientOptions::allow_insecure), also
    // when a name such as "localhost" resolves to more than that.
    std::vector<tcp::endpoint> endpoints;
    for (const auto& entry : results) {
      if (tls || options.allow_insecure || entry.endpoint().address().is_loopback()) {
        endpoints.push_back(entry.endpoint());
      }
    }
    if (endpoints.empty()) {
      out = Unavailable("relay " + options.relay_url + ": " + host +
                        " has no loopback address; plain http:// is only used on this machine");
      co_return;
    }
    beast::tcp_stream tcp_stream(executor);
    co_await tcp_stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      out = TransportError(options, "connecting to " + host + ":" + port, ec);
      co_return;
    }
    if (!tls) {
      co_await SendAndReceive(tcp_stream);
      error_code ignored;
      tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *tls_context);
    // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
    if (!IsIpAddress(host) &&
        SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(host.c_str())) != 1) {
      out = Internal("relay " + options.relay_url + ": cannot set the TLS server name");
      co_return;
    }
    stream.set_verify_callback(ssl::host_name_verification(host));
    co_await stream.async_handshake(ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      std::string step = "TLS handshake";
      if (ec.category() == asio::error::get_ssl_category()) {
        step += options.ca_file.empty() ? " (certificate checked against the system trust store)"
                                        : " (certificate checked against " + options.ca_file + ")";
      }
      out = TransportError(options, step, ec);
      co_return;
    }
    co_await SendAndReceive(stream);
    // No TLS close_notify exchange: the whole answer is in, and a peer that does not answer
    // the shutdown would only hold us until the deadline.
  }
};

}  // namespace

RelayError ParseRelayError(const HttpReply& reply) {
  RelayError error;
  boost::system::error_code ec;
  const auto value = boost::json::parse(reply.body, ec);
  if (ec || !value.is_object()) return error;
  const auto* inner = value.as_object().if_contains("error");
  if (inner == nullptr || !inner->is_object()) return error;
  if (const auto* code = inner->as_object().if_contains("code"); code && code->is_string()) {
    error.code = std::string(code->as_string());
  }
  if (const auto* m = inner->as_object().if_contains("message"); m && m->is_string()) {
    error.message = std::string(m->as_string());
  }
  return error;
}

Result<PairingClient> PairingClient::Create(PairingClientOptions options) {
  const std::string& url = options.relay_url;
  bool tls = false;
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return BadUrl(url, "must start with https:// (or http:// for a relay on this machine)");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return BadUrl(url, "must not have a query or fragment");
  }
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return BadUrl(url, "must not contain user information");
  }
  std::string host;
  std::string_view port_text;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl(url, "has an unterminated IPv6 address");
    host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(":")) return BadUrl(url, "has text after the IPv6 address");
      port_text = after.substr(1);
    }
    error_code ec;
    asio::ip::make_address_v6(host, ec);
    if (ec) return BadUrl(url, "has an invalid IPv6 address");
  } else {
    const auto colon = authority.find(':');
    host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (!std::all_of(host.begin(), host.end(), IsHostChar)) {
      return BadUrl(url, "has an invalid host name");
    }
  }
  if (host.empty()) return BadUrl(url, "has no host");
  std::string port = tls ? "443" : "80";
  if (!port_text.empty() || authority.ends_with(":")) {
    if (port_text.empty() || port_text.size() > 5 ||
        !std::all_of(port_text.begin(), port_text.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(port_text)) < 1 || std::stoi(std::string(port_text)) > 65535) {
      return BadUrl(url, "has an invalid port (expected 1..65535)");
    }
    port = std::to_string(std::stoi(std::string(port_text)));
  }
  if (!std::all_of(path.begin(), path.end(), IsPathChar)) {
    return BadUrl(url, "has characters that are not allowed in a URL path");
  }
  while (path.ends_with("/")) path.remove_suffix(1);
  if (!tls && !options.allow_insecure && !IsLoopbackHost(host)) {
    return BadUrl(url,
                  "uses plain http:// to another machine: the confirmation code and the "
                  "certificate would cross the network unprotected; use https://");
  }
  return PairingClient(std::move(options), tls, std::move(host), std::move(port),
                       std::string(path));
}

Result<HttpReply> PairingClient::PostJson(std::string_view path, std::string_view json) const {
  // Everything the coroutine refers to is declared before the I/O context: on a timeout its
  // suspended frame is destroyed with the context, before these.
  std::optional<Result<HttpReply>> out;
  ssl::context tls_context(ssl::context::tls_client);
  if (tls_) {
    error_code ec;
    tls_context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                                ssl::context::no_tlsv1_1,
                            ec);
    tls_context.set_verify_mode(ssl::verify_peer, ec);
    if (!options_.ca_file.empty()) {
      tls_context.load_verify_file(options_.ca_file, ec);
      if (ec) {
        return NotFound("cannot read the relay's CA file " + options_.ca_file + " ([pairing] " +
                        "ca_file): " + ec.message());
      }
    } else {
      tls_context.set_default_verify_paths(ec);
      if (ec) return Internal("cannot load the system trust store: " + ec.message());
    }
  }

  const bool ipv6 = host_.find(':') != std::string::npos;
  const std::string host_header =
      (ipv6 ? "[" + host_ + "]" : host_) + ((port_ == (tls_ ? "443" : "80")) ? "" : ":" + port_);
  http::request<http::string_body> request{http::verb::post, prefix_ + std::string(path), 11};
  request.set(http::field::host, host_header);
  request.set(http::field::user_agent, options_.user_agent);
  request.set(http::field::content_type, "application/json");
  request.set(http::field::accept, "application/json");
  request.set(http::field::connection, "close");
  request.body() = std::string(json);
  request.prepare_payload();

  Exchange exchange{options_, tls_, host_, port_, std::move(request), tls_ ? &tls_context : nullptr,
                    out};
  asio::io_context io_context;
  asio::co_spawn(io_context, exchange.Run(), [&out](std::exception_ptr error) {
    if (error && !out) out = Internal("relay request failed unexpectedly");
  });
  io_context.run_for(options_.timeout);
  if (!out) {
    return Unavailable("relay " + options_.relay_url + ": no complete answer within " +
                       SecondsText(options_.timeout));
  }
  return *std::move(out);
}

}  // namespace ccc::agent::pairing
