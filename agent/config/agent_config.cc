#include "agent/config/agent_config.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "common/protocol/topic.h"

namespace ccc::agent::config {
namespace {

using ccc::config::ConfigError;
using ccc::config::ConfigReader;
using std::chrono::milliseconds;

constexpr milliseconds kHour{3'600'000};
constexpr milliseconds kDay = 24 * kHour;

void RequireReadable(const ConfigReader& reader, std::string_view key, const std::string& path,
                     std::string_view hint_when_missing = {}) {
  if (::access(path.c_str(), R_OK) != 0) {
    const int err = errno;
    std::string message = reader.source() + ": key '" + std::string(key) + "' has value '" + path +
                          "': file is not readable (" + std::strerror(err) + ")";
    if (err == ENOENT && !hint_when_missing.empty())
      message += "; " + std::string(hint_when_missing);
    throw ConfigError(message);
  }
}

// Accepts what the pairing client can parse in principle; the client checks the rest
// (host form, loopback rule) when it is used.
void CheckRelayUrl(const ConfigReader& reader, const std::string& url) {
  if (url.empty() || url.starts_with("https://") || url.starts_with("http://")) return;
  throw ConfigError(reader.source() + ": key 'pairing.relay_url' has value '" + url +
                    "', expected a URL starting with https:// (or http:// for a relay on this "
                    "machine)");
}

}  // namespace

AgentConfig ParseAgentConfig(ConfigReader& reader, FileCheck file_check) {
  AgentConfig c;
  c.config_file = reader.source();

  c.agent.device_id = reader.String("agent.device_id");
  if (!protocol::IsValidDeviceId(c.agent.device_id)) {
    throw ConfigError(c.config_file + ": key 'agent.device_id' has value '" + c.agent.device_id +
                      "', expected 1..64 characters of [A-Za-z0-9._-] not starting with '.'");
  }
  c.agent.data_dir = reader.Path("agent.data_dir");
  c.agent.log_level =
      reader.OneOf("agent.log_level", {"trace", "debug", "info", "warn", "error"}, "info");

  auto& m = c.mqtt;
  m.host_configured = reader.Has("mqtt.host");
  m.port_configured = reader.Has("mqtt.port");
  m.host = reader.String("mqtt.host", m.host);
  if (m.host.empty()) {
    throw ConfigError(c.config_file + ": key 'mqtt.host' has value '', expected a host name");
  }
  m.port = static_cast<int>(reader.Int("mqtt.port", 1, 65535, m.port));
  m.ca_file = reader.Path("mqtt.ca_file", c.agent.data_dir + "/broker-ca.crt");
  m.cert_file = reader.Path("mqtt.cert_file", c.agent.data_dir + "/agent.crt");
  m.key_file = reader.Path("mqtt.key_file", c.agent.data_dir + "/agent.key");
  m.keep_alive = reader.Duration("mqtt.keep_alive", milliseconds(5'000), kHour, m.keep_alive);
  m.reconnect_min =
      reader.Duration("mqtt.reconnect_min", milliseconds(100), kHour, m.reconnect_min);
  m.reconnect_max = reader.Duration("mqtt.reconnect_max", m.reconnect_min, kDay,
                                    std::max(m.reconnect_max, m.reconnect_min));
  m.flush_rate = reader.Double("mqtt.flush_rate", 0, 100'000, m.flush_rate);
  m.flush_burst = static_cast<int>(reader.Int("mqtt.flush_burst", 1, 100'000, m.flush_burst));
  m.reconnect_jitter =
      reader.Duration("mqtt.reconnect_jitter", milliseconds(0), kHour, m.reconnect_jitter);
  // The relay decodes at most 10 000 records and 4 MiB per batch (protocol::CodecLimits).
  m.max_batch_records =
      static_cast<int>(reader.Int("mqtt.max_batch_records", 1, 10'000, m.max_batch_records));
  m.max_batch_bytes = reader.Bytes("mqtt.max_batch_bytes", 1024, 1024 * 1024, m.max_batch_bytes);
  m.max_inflight = static_cast<int>(reader.Int("mqtt.max_inflight", 1, 1000, m.max_inflight));

  c.outbox.max_size =
      reader.Bytes("outbox.max_size", 1024 * 1024, 1024ull * 1024 * 1024 * 1024, c.outbox.max_size);
  c.outbox.sync_full = reader.OneOf("outbox.sync", {"full", "normal"}, "full") == "full";

  c.sampler.interval =
      reader.Duration("sampler.interval", milliseconds(100), kHour, c.sampler.interval);

  c.source.kind = reader.OneOf("source.kind", {"simulator"}, "simulator");
  c.source.serial = reader.String("source.serial", c.agent.device_id);
  if (c.source.serial.empty() || c.source.serial.size() > 64) {
    throw ConfigError(c.config_file + ": key 'source.serial' has value '" + c.source.serial +
                      "', expected 1..64 characters");
  }
  c.source.seed =
      static_cast<uint64_t>(reader.Int("source.seed", 0, std::numeric_limits<int64_t>::max(), 1));
  c.source.model = reader.String("source.model", c.source.model);
  c.source.firmware = reader.String("source.firmware", c.source.firmware);
  c.source.phones = static_cast<int>(reader.Int("source.phones", 5, 2000, c.source.phones));
  c.source.history_days =
      static_cast<int>(reader.Int("source.history_days", 0, 90, c.source.history_days));
  c.source.calls_per_hour =
      reader.Double("source.calls_per_hour", 0, 6000, c.source.calls_per_hour);
  auto& src = c.source;
  src.registrations_interval = reader.Duration("source.registrations_interval", milliseconds(100),
                                               kHour, src.registrations_interval);
  src.registrations_snapshot_interval = reader.Duration(
      "source.registrations_snapshot_interval", src.registrations_interval, 7 * kDay,
      std::max(src.registrations_snapshot_interval, src.registrations_interval));
  src.calls_interval =
      reader.Duration("source.calls_interval", milliseconds(100), kHour, src.calls_interval);
  src.information_interval = reader.Duration("source.information_interval", milliseconds(1'000),
                                             kDay, src.information_interval);

  auto& p = c.pairing;
  p.relay_url = reader.String("pairing.relay_url", "");
  CheckRelayUrl(reader, p.relay_url);
  if (reader.Has("pairing.ca_file")) p.ca_file = reader.Path("pairing.ca_file");
  p.allow_insecure = reader.Bool("pairing.allow_insecure", false);
  p.timeout =
      reader.Duration("pairing.timeout", milliseconds(1'000), milliseconds(300'000), p.timeout);

  c.site.monitoring = reader.Bool("site.monitoring", false);
  c.site.remote_configuration = reader.Bool("site.remote_configuration", false);

  reader.RejectUnknownKeys();

  if (file_check == FileCheck::kRequireReadable) {
    const std::string not_paired =
        "is this agent paired? Run `ccc-agent pair CODE --config " + c.config_file + "` first";
    RequireReadable(reader, "mqtt.ca_file", m.ca_file, not_paired);
    RequireReadable(reader, "mqtt.cert_file", m.cert_file, not_paired);
    RequireReadable(reader, "mqtt.key_file", m.key_file, not_paired);
  }
  return c;
}

AgentConfig LoadAgentConfig(const std::string& path, FileCheck file_check) {
  auto reader = ConfigReader::FromFile(path);
  return ParseAgentConfig(reader, file_check);
}

}  // namespace ccc::agent::config
