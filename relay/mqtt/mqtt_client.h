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
  uint16_t receive_maximum = 1024;  // how many unacknowledged QoS 1 messages may be in flight
  uint32_t maximum_packet_size = 1024 * 1024;  // broker must not send us larger packets
  std::chrono::milliseconds reconnect_min{200};
  std::chrono::milliseconds reconnect_max{10'000};
  // Connect + TLS handshake + CONNACK (+ SUBACK) must finish within this.
  std::chrono::milliseconds connect_timeout{10'000};
  // Last will, sent by the broker if the connection drops; none if will_topic is empty.
  std::string will_topic, will_payload;
  uint8_t will_qos = 0;
  bool will_retain = false;
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
// client's I/O thread (its own, or the IoLoop's) and must not block for long; Stop() and
// the destructor must not be called from a callback.
class Client {
 public:
  using MessageHandler = std::function<void(Message)>;
  using ConnectionHandler = std::function<void(bool connected, const std::string& reason)>;
  using PublishDone = std::function<void(Status)>;

  virtual ~Client() = default;

  // Connects in the background and keeps reconnecting with exponential backoff
  // (reconnect_min..reconnect_max, full jitter); subscribes (QoS as given) to
  // `subscriptions` after every (re)connect, also when the session was resumed.
  // on_connection(true, ...) runs once CONNACK and, if there are subscriptions, the SUBACK
  // arrived, so messages published after it reach us. on_connection(false, reason) runs
  // after every failed attempt, refused CONNACK and lost connection, and once on Stop().
  // Call once.
  virtual void Start(std::vector<Subscription> subscriptions, MessageHandler on_message,
                     ConnectionHandler on_connection) = 0;
  // Sends DISCONNECT (normal) after the writes already queued (e.g. PUBACKs of earlier
  // Ack calls), closes the connection, fails publishes still awaiting PUBACK with
  // kUnavailable, and returns when no callback will run any more. With its own I/O thread
  // the thread is joined. Idempotent; the destructor calls it.
  virtual void Stop() = 0;

  // Sends PUBACK for a QoS 1 message. Tokens of a connection that has since dropped are
  // ignored (the broker redelivers those messages). PUBACKs go out in the order the
  // messages were received [MQTT-4.6.0-2], so an ack that never comes holds back all later
  // ones: Ack every QoS 1 message, also those the application rejects. Token 0 is ignored.
  virtual void Ack(uint64_t ack_token) = 0;

  // QoS 0 or 1 publish; `done` runs exactly once (on the I/O thread, may be empty) when
  // PUBACK arrives (QoS 1) or the packet was written (QoS 0), or with an error:
  // kUnavailable when not connected or the connection drops before the PUBACK (nothing is
  // retried here: the caller decides), kPermissionDenied for reason 0x87 (ACL),
  // kTooLarge above the broker's Maximum Packet Size (or reason 0x95), kUnavailable for
  // 0x97 (quota exceeded), kInternal for other reasons >= 0x80 (the reason code is in the
  // message), kInvalidArgument for QoS > 1. Beyond the broker's Receive Maximum, QoS 1
  // publishes wait in a local queue (unbounded: the caller bounds its own window).
  virtual void Publish(std::string topic, std::string payload, uint8_t qos, bool retain,
                       PublishDone done) = 0;

  // True between on_connection(true, ...) and the next on_connection(false, ...).
  virtual bool connected() const = 0;
};

// One I/O thread shared by many clients (e.g. a load generator with 1,000 connections in
// one process). The thread starts in the constructor. Destroy (or Stop) every client made
// on a loop before the loop itself.
class IoLoop {
 public:
  IoLoop();
  ~IoLoop();
  IoLoop(const IoLoop&) = delete;
  IoLoop& operator=(const IoLoop&) = delete;

  struct Impl;  // internal to mqtt_client.cc
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// A client with its own I/O thread. Throws std::runtime_error naming the file if the CA,
// certificate or key cannot be loaded (a start-up error).
std::unique_ptr<Client> MakeClient(ClientOptions options);
// A client on a shared IoLoop (no thread of its own); `loop` must outlive the client.
std::unique_ptr<Client> MakeClient(ClientOptions options, IoLoop& loop);

}  // namespace ccc::relay::mqtt
