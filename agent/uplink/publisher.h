#pragma once

#include <functional>
#include <string>

namespace ccc::agent::uplink {

// How one publish ended, the way fluent-bit's outputs answer ok/retry/error.
enum class PublishOutcome {
  kDelivered,  // the broker acknowledged it (PUBACK with a success reason code)
  kRetry,      // not known to be delivered: disconnected, timed out; send again later
  kDrop,       // the broker refused it (reason code >= 0x80, e.g. 0x87 not authorized):
               // sending the same again will not help; count and log it
};

struct PublishResult {
  PublishOutcome outcome = PublishOutcome::kRetry;
  int reason_code = 0;  // MQTT 5 reason code when the broker gave one
  std::string detail;   // for logs
};

// Called exactly once per Publish, on any thread (often a library thread, sometimes inside
// Publish itself): it must only hand the result over, never block or call back into the
// publisher.
using PublishCallback = std::function<void(PublishResult)>;

// connected = true after every (re)connect (session established, presence "online" sent),
// false after every loss; `detail` says why. Same threading rules as PublishCallback.
using ConnectionCallback = std::function<void(bool connected, std::string detail)>;

// The uplink as the agent loop sees it (at-least-once, QoS 1, one device).
// Publish may be called from one thread at a time; Start/Stop from the owner's thread.
class Publisher {
 public:
  virtual ~Publisher() = default;

  // Starts connecting in the background and keeps reconnecting (with backoff) until Stop.
  virtual void Start(ConnectionCallback on_connection) = 0;
  // Says goodbye (presence "offline", DISCONNECT) and stops. No callback runs once Stop
  // returns; publishes still pending are never reported.
  virtual void Stop() = 0;
  virtual void Publish(std::string topic, std::string payload, PublishCallback on_result) = 0;
};

}  // namespace ccc::agent::uplink
