#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "relay/http/router.h"

namespace ccc::relay::http {

struct HttpServerOptions {
  std::string listen = "127.0.0.1";       // IPv4 or IPv6 address
  uint16_t port = 8080;                   // 0 = any free port, see HttpServer::port()
  size_t body_limit = 1024 * 1024;        // larger request bodies -> 413
  size_t threads = 2;                     // handler threads (handlers run on them directly)
  std::chrono::seconds idle_timeout{60};  // a connection idle or stalled this long is closed
  // Peers whose X-Forwarded-For is believed (see client_address.h); empty: none.
  std::vector<std::string> trusted_proxies;
  // Streaming responses (Response::stream) are exempt from idle_timeout; instead a write
  // that makes no progress for this long drops the peer, and a stream whose unsent bytes
  // would exceed stream_queue_limit is closed.
  std::chrono::milliseconds stream_write_timeout{30'000};
  size_t stream_queue_limit = 256 * 1024;
};

// HTTP/1.1 server with keep-alive that hands every request to a Router. Malformed requests
// get 400, bodies above the limit 413, all as JSON errors; a handler that throws yields 500.
// Streaming responses hold no handler thread while open; Stop() closes them (their sinks
// then refuse chunks and may outlive the server). The router must outlive the server.
class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const Router& router);
  ~HttpServer();  // Stop()

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads. Unavailable when the address cannot be bound.
  Status Start();
  // Stops accepting, drops open connections and joins the threads. Idempotent.
  void Stop();

  // The bound port (meaningful after a successful Start()).
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ccc::relay::http
