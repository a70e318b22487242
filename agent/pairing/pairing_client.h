#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "common/status/status.h"

namespace ccc::agent::pairing {

// How to reach the relay's pairing API.
struct PairingClientOptions {
  // "https://host[:port][/prefix]" or "http://..." (see allow_insecure). Request paths are
  // appended to the prefix.
  std::string relay_url;
  // PEM trust anchors for the relay's HTTPS certificate; empty: the system trust store.
  std::string ca_file;
  // Plain http:// is refused unless the host is a loopback address ("localhost",
  // 127.0.0.0/8, ::1): the confirmation code and the certificate must not cross a network
  // in clear text. This lifts that rule (for test set-ups only).
  bool allow_insecure = false;
  // For the whole request: resolve, connect, TLS handshake, write, read.
  std::chrono::milliseconds timeout{30'000};
  // Larger answers (headers + body) are refused with kTooLarge.
  std::size_t max_response_bytes = 1 << 20;
  std::string user_agent = "ccc-agent";
};

// A complete HTTP answer; any status code counts as an answer.
struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; last one wins
};

// The relay's {"error":{"code","message"}} of a non-2xx answer. Empty fields when the body
// is not such an object (e.g. a proxy's HTML page).
struct RelayError {
  std::string code;
  std::string message;
};
RelayError ParseRelayError(const HttpReply& reply);

// A blocking HTTP(S) client for the few JSON requests of `ccc-agent pair` / `unpair`.
// One connection per request (Connection: close), no redirects, no proxies, TLS 1.2+ with
// certificate and host name verification. Each PostJson runs its own I/O context on the
// calling thread; an object may be used from one thread at a time.
class PairingClient {
 public:
  // kInvalidArgument naming the problem when the URL is malformed, not http(s), has user
  // info, a query or a fragment, or is plain http to a non-loopback host without
  // allow_insecure. No network traffic.
  static Result<PairingClient> Create(PairingClientOptions options);

  // POSTs `json` to <prefix><path> with Content-Type: application/json.
  // Errors: kUnavailable when the relay cannot be reached or the request does not complete
  // in time (DNS, connect, TLS including certificate checks, timeout, connection closed
  // early) - try again later; kTooLarge when the answer exceeds max_response_bytes;
  // kInvalidArgument when the answer is not valid HTTP; kNotFound when ca_file cannot be
  // read. The message says what failed and names the relay.
  Result<HttpReply> PostJson(std::string_view path, std::string_view json) const;

  // "https://relay.example.com" as the user wrote it, for messages.
  const std::string& relay_url() const { return options_.relay_url; }

 private:
  PairingClient(PairingClientOptions options, bool tls, std::string host, std::string port,
                std::string prefix)
      : options_(std::move(options)),
        tls_(tls),
        host_(std::move(host)),
        port_(std::move(port)),
        prefix_(std::move(prefix)) {}

  PairingClientOptions options_;
  bool tls_;
  std::string host_;    // without IPv6 brackets
  std::string port_;    // decimal
  std::string prefix_;  // "" or "/something" without a trailing slash
};

}  // namespace ccc::agent::pairing
