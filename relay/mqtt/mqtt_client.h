#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status/status.h"

namespace ccc::relay::mqtt {

// A minimal MQTT 5 client over TLS (client certificate) for the relay.
//
// Why not Paho: Paho C sends PUBACK for a QoS 1 message before the application has seen
// it (eclipse-paho/paho.mqtt.c#522), so a relay killed between receipt and its database
// commit would lose data. This client hands every message to the application with an
// ack token and sends PUBACK only when the application calls Ack(), i.e. after commit.
// With a persistent session (clean_start=false), unacknowledged messages are redelivered
// by the broker after a reconnect or restart.
struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8883;
  std::string client_id;
  std::string ca_file, cert_file, key_file;
  bool clean_start = false;
  uint32_t session_expiry_s = 7 * 24 * 3600;
  uint16_t keep_alive_s = 30;
  uint16_t receive_maximum = 1024;    // how many unacknowledged QoS 1 messages may be in flight
  uint32_t maximum_packet_size = 1024 * 1024;  // broker must not send us larger packets
  std::chrono::milliseconds reconnect_min{200};
  std::chrono::milliseconds reconnect_max{10'000};
};

struct Message {
  std::string topic;
  std::string payload;
  uint8_t qos = 0;
  bool retain = false;
  uint64_t ack_token = 0;  // pass to Ack(); 0 for QoS 0 (nothing to acknowledge)
};

struct Subscription {
  std::string filter;
  uint8_t qos = 1;
};

// Thread-safety: Start/Stop/Publish/Ack may be called from any thread. Callbacks run on the
// client's own I/O thread and must not block for long.
class Client {
 public:
  using MessageHandler = std::function<void(Message)>;
  using ConnectionHandler = std::function<void(bool connected, const std::string& reason)>;
  using PublishDone = std::function<void(Status)>;

  virtual ~Client() = default;

  // Connects in the background and keeps reconnecting with backoff + jitter; subscribes
  // to `subscriptions` after every (re)connect whose session was not resumed.
  virtual void Start(std::vector<Subscription> subscriptions, MessageHandler on_message,
                     ConnectionHandler on_connection) = 0;
  // Sends DISCONNECT (normal) and joins the I/O thread.
  virtual void Stop() = 0;

  // Sends PUBACK for a QoS 1 message. Tokens of a connection that has since dropped are
  // ignored (the broker redelivers those messages).
  virtual void Ack(uint64_t ack_token) = 0;

  // QoS 0 or 1 publish; `done` runs when PUBACK arrives (QoS 1) or the packet was written
  // (QoS 0), or with an error (reason code >= 0x80, disconnect before ack).
  virtual void Publish(std::string topic, std::string payload, uint8_t qos, bool retain,
                       PublishDone done) = 0;

  virtual bool connected() const = 0;
};

std::unique_ptr<Client> MakeClient(ClientOptions options);

}  // namespace ccc::relay::mqtt
