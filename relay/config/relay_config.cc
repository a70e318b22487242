#include "relay/config/relay_config.h"

#include <algorithm>
#include <filesystem>

#include "common/logging/logging.h"
#include "relay/http/client_address.h"

namespace ccc::relay::config {
namespace {

using ccc::config::ConfigError;
using std::chrono::milliseconds;

constexpr milliseconds kHour{3600 * 1000};
constexpr milliseconds kDay = 24 * kHour;
constexpr size_t kBrokerMaxPacketBytes = 16 * 1024 * 1024 + 64 * 1024;

std::string Describe(const ccc::config::ConfigReader& reader, std::string_view key,
                     const std::string& value, std::string_view expected) {
  return reader.source() + ": key '" + std::string(key) + "' has value \"" + value +
         "\", expected " + std::string(expected);
}

}  // namespace

RelayConfig LoadRelayConfigKeys(ccc::config::ConfigReader& r) {
  RelayConfig c;
  c.data_dir = r.Path("relay.data_dir");
  c.log_level = r.String("relay.log_level", "info");
  if (!logging::IsValidLevel(c.log_level)) {
    throw ConfigError(
        Describe(r, "relay.log_level", c.log_level, "one of trace, debug, info, warn, error"));
  }

  c.http_listen = r.String("http.listen", "127.0.0.1");
  if (!http::IsIpAddress(c.http_listen)) {
    throw ConfigError(Describe(r, "http.listen", c.http_listen, "an IPv4 or IPv6 address"));
  }
  c.http_port = static_cast<uint16_t>(r.Int("http.port", 0, 65535, 8080));
  c.http_threads = static_cast<size_t>(r.Int("http.threads", 1, 64, 4));
  if (r.Has("http.web_root")) c.http_web_root = r.Path("http.web_root");
  const std::string proxies = r.String("http.trusted_proxies", "");
  for (size_t start = 0; start < proxies.size();) {
    size_t comma = proxies.find(',', start);
    std::string entry =
        proxies.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    entry.erase(0, entry.find_first_not_of(' '));
    entry.erase(entry.find_last_not_of(' ') + 1);
    if (!http::IsIpAddress(entry)) {
      throw ConfigError(
          Describe(r, "http.trusted_proxies", proxies, "comma-separated IPv4 or IPv6 addresses"));
    }
    c.http_trusted_proxies.push_back(entry);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }

  c.mqtt.host = r.String("mqtt.host", "127.0.0.1");
  if (c.mqtt.host.empty()) {
    throw ConfigError(Describe(r, "mqtt.host", c.mqtt.host, "a host name or address"));
  }
  c.mqtt.port = static_cast<uint16_t>(r.Int("mqtt.port", 1, 65535, 8883));
  c.mqtt.ca_file = r.Path("mqtt.ca_file");
  c.mqtt.cert_file = r.Path("mqtt.cert_file");
  c.mqtt.key_file = r.Path("mqtt.key_file");
  c.mqtt.client_id = r.String("mqtt.client_id", "ccc-relay-1");
  if (c.mqtt.client_id.empty() || c.mqtt.client_id.size() > 128) {
    throw ConfigError(Describe(r, "mqtt.client_id", c.mqtt.client_id, "1 to 128 characters"));
  }
  c.mqtt.keep_alive_s =
      static_cast<uint16_t>(r.Duration("mqtt.keep_alive", std::chrono::seconds(5),
                                       std::chrono::seconds(3600), std::chrono::seconds(30))
                                .count() /
                            1000);
  c.mqtt.clean_start = false;
  c.mqtt_shared_subscription = r.Bool("mqtt.shared_subscription", false);

  c.store_backend = r.OneOf("store.backend", {"sqlite"}, "sqlite");
  std::filesystem::path store_path = r.String("store.path", "relay.db");
  if (store_path.empty()) {
    throw ConfigError(Describe(r, "store.path", "", "a file name"));
  }
  c.store_path = store_path.is_absolute()
                     ? store_path.string()
                     : (std::filesystem::path(c.data_dir) / store_path).lexically_normal().string();
  c.store_sync_full = r.OneOf("store.sync", {"full", "normal"}, "full") == "full";
  std::filesystem::path directory_path = r.String("directory.path", "directory.db");
  if (directory_path.empty()) {
    throw ConfigError(Describe(r, "directory.path", "", "a file name"));
  }
  c.directory_path =
      directory_path.is_absolute()
          ? directory_path.string()
          : (std::filesystem::path(c.data_dir) / directory_path).lexically_normal().string();

  c.ingest_max_batch_messages =
      static_cast<size_t>(r.Int("ingest.max_batch_messages", 1, 10'000, 500));
  c.ingest_max_batch_delay =
      r.Duration("ingest.max_batch_delay", milliseconds(0), milliseconds(10'000), milliseconds(20));
  c.codec_limits.max_message_bytes =
      static_cast<size_t>(r.Bytes("ingest.max_message_bytes", 1024, 16ull << 20, 256ull << 10));
  c.codec_limits.max_decoded_bytes =
      static_cast<size_t>(r.Bytes("ingest.max_decoded_bytes", 1024, 256ull << 20, 4ull << 20));
  // Mosquitto (config/mosquitto/ccc.conf max_packet_size) accepts packets up to 16 MiB from
  // agents. Accepting as much lets the relay see, count and acknowledge an oversized message
  // instead of the broker silently discarding it; the pipeline frees such a payload as soon
  // as it arrives, so queued memory stays bounded by max_message_bytes per message.
  c.mqtt.maximum_packet_size = static_cast<uint32_t>(
      std::max<size_t>(kBrokerMaxPacketBytes, c.codec_limits.max_message_bytes + 64 * 1024));

  c.retention.raw_ms = r.Duration("retention.raw", kHour, 3650 * kDay, 48 * kHour).count();
  c.retention.minute_ms = r.Duration("retention.minute", kHour, 3650 * kDay, 14 * kDay).count();
  c.retention.hour_ms = r.Duration("retention.hour", kHour, 3650 * kDay, 400 * kDay).count();
  if (c.retention.minute_ms < c.retention.raw_ms || c.retention.hour_ms < c.retention.minute_ms) {
    throw ConfigError(r.source() +
                      ": retention must not shrink with coarser resolution (raw <= minute <= "
                      "hour)");
  }

  return c;
}

RelayConfig LoadRelayConfig(ccc::config::ConfigReader& r) {
  RelayConfig c = LoadRelayConfigKeys(r);
  r.RejectUnknownKeys();
  return c;
}

RelayConfig LoadRelayConfigFile(const std::string& path) {
  auto reader = ccc::config::ConfigReader::FromFile(path);
  return LoadRelayConfig(reader);
}

}  // namespace ccc::relay::config
