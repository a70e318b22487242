#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/config/config_reader.h"
#include "common/protocol/batch.h"
#include "relay/mqtt/mqtt_client.h"
#include "relay/store/store.h"

namespace ccc::relay::config {

// The relay's configuration file (brief "Config files", Relay). Paths are absolute after
// loading: ca/cert/key and data_dir resolve against the config file's folder, store.path
// against data_dir.
struct RelayConfig {
  std::string data_dir;
  std::string log_level = "info";

  std::string http_listen = "127.0.0.1";
  uint16_t http_port = 8080;  // 0 = any free port
  // [http] trusted_proxies: comma-separated addresses of reverse proxies whose
  // X-Forwarded-For names the client (throttling, audit log). Empty: none.
  std::vector<std::string> http_trusted_proxies;
  size_t http_threads = 4;  // handler threads; a login holds one for ~70 ms (Argon2id)
  // [http] web_root: the built portal (Vite output) served at "/"; absolute after loading
  // (relative to the config file's folder). Empty: unset, see http::ResolveWebRoot.
  std::string http_web_root;

  mqtt::ClientOptions mqtt;  // host, port, tls files, client_id, keep_alive from [mqtt]
  // [mqtt] shared_subscription: several relays split the load through a shared
  // subscription. Only for brokers that keep shared subscriptions across restarts
  // (see protocol::RelayUpSubscription); a single relay does not need it.
  bool mqtt_shared_subscription = false;

  std::string store_backend = "sqlite";
  std::string store_path;  // absolute
  bool store_sync_full = true;
  std::string directory_path;  // absolute; [directory] path, default data_dir/directory.db

  size_t ingest_max_batch_messages = 500;
  std::chrono::milliseconds ingest_max_batch_delay{20};
  protocol::CodecLimits codec_limits;  // max_message_bytes, max_decoded_bytes from [ingest]

  store::RetentionPolicy retention;
};

// Reads and validates every key, then rejects unknown ones. Throws config::ConfigError
// naming the file, key and value.
RelayConfig LoadRelayConfig(ccc::config::ConfigReader& reader);
// The same without the final unknown-key check, for callers that read further sections
// (pairing, broker, oidc, auth) from the same reader and then call RejectUnknownKeys().
RelayConfig LoadRelayConfigKeys(ccc::config::ConfigReader& reader);
RelayConfig LoadRelayConfigFile(const std::string& path);

}  // namespace ccc::relay::config
