#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "agent/uplink/publisher.h"

namespace ccc::agent::uplink {

struct MqttPublisherOptions {
  std::string host = "127.0.0.1";
  int port = 8883;
  std::string ca_file;  // PEM; the broker's certificate must chain to it and match `host`
  std::string cert_file;
  std::string key_file;
  std::string device_id;  // MQTT client id, = certificate CN
  std::chrono::milliseconds keep_alive{30'000};
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{60'000};
  std::chrono::seconds session_expiry{7 * 24 * 3600};
  int max_inflight = 32;
  uint64_t seed = 0;  // for the reconnect jitter
};

// Publisher over Eclipse Paho C++ (MQTT 5, TLS with client certificate, QoS 1).
// - Persistent session: clean_start = false, session expiry as configured, client id =
//   device id; last will "offline" (retained, QoS 1) on .../presence; "online" (retained) is
//   published after every connect.
// - Its own reconnect thread with exponential backoff and full jitter (Paho's automatic
//   reconnect is off): each connection gets a fresh Paho client, so messages of a lost
//   connection are never resent behind the agent's back — the agent rewinds its outbox.
// - On a lost connection every pending publish is reported kRetry at once.
// Thread-safety: see Publisher. Callbacks run on Paho's or the reconnect thread.
class MqttPublisher final : public Publisher {
 public:
  explicit MqttPublisher(MqttPublisherOptions options);
  ~MqttPublisher() override;

  void Start(ConnectionCallback on_connection) override;
  void Stop() override;
  void Publish(std::string topic, std::string payload, PublishCallback on_result) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ccc::agent::uplink
