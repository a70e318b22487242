#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "common/status/status.h"
#include "relay/oidc/url.h"

// How single sign-on talks to the provider: a GET (discovery, JWKS) and a form POST (token
// endpoint). An interface so that unit tests can feed provider answers without a network;
// production uses NewCurlFetcher. No redirects are followed.
namespace ccc::relay::oidc {

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

struct FormPost {
  std::string url;
  FormFields fields;
  std::string basic_user;      // with basic_password: "Authorization: Basic ..." when set
  std::string basic_password;  // (client_secret_basic; both already form-encoded by caller)
};

// Implementations are safe to call from several threads at once.
class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  // Any HTTP status is a reply; kUnavailable when no reply arrived (connection, TLS,
  // timeout), kTooLarge when the body exceeds the size limit.
  virtual Result<HttpReply> Get(const std::string& url) = 0;
  virtual Result<HttpReply> PostForm(const FormPost& post) = 0;
};

struct CurlFetcherOptions {
  std::string ca_file;  // extra trusted CA certificates (PEM), besides the system's
  std::chrono::milliseconds timeout{10000};  // whole transfer, connect included
  std::size_t max_body_bytes = 1024 * 1024;
};

// libcurl behind HttpFetcher: https (and http, the caller checks which URLs it allows),
// peer and host verification on, no redirects, no proxies from the environment for
// loopback hosts.
std::unique_ptr<HttpFetcher> NewCurlFetcher(CurlFetcherOptions options);

}  // namespace ccc::relay::oidc
