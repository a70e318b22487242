#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/protocol/batch.h"
#include "relay/metrics/metrics.h"
#include "relay/mqtt/mqtt_client.h"
#include "relay/store/store.h"

namespace ccc::relay::ingest {

struct IngestOptions {
  size_t max_batch_messages = 500;                // messages per store transaction at most
  std::chrono::milliseconds max_batch_delay{20};  // wait after the first message of a round
  protocol::CodecLimits limits;
  // The broker never has more than receive_maximum unacknowledged QoS 1 messages out to us,
  // so with this bound (== receive_maximum) QoS 1 messages cannot overflow the queue. QoS 0
  // messages (a misbehaving agent may publish them) beyond it are dropped and counted.
  size_t queue_capacity = 1024;
  std::chrono::milliseconds retry_backoff_min{100};
  std::chrono::milliseconds retry_backoff_max{5'000};
};

// Moves MQTT messages into storage with acknowledge-after-commit:
//   the client's I/O thread calls Enqueue() (never blocks beyond a short mutex);
//   one writer thread takes rounds of up to max_batch_messages, decodes them outside any
//   transaction, writes all decoded batches with ONE Store::IngestBatches call and, only if
//   that commits, acknowledges every message of the round. Messages that can never be
//   stored (bad topic, undecodable frame, device mismatch) are acknowledged too, counted by
//   reason and logged (rate-limited), so the broker does not redeliver them forever.
//   When the store fails nothing of the round is acknowledged; the round is retried after a
//   backoff (if the relay dies meanwhile, the broker redelivers).
//   Presence messages ("online"/"offline") go to Store::SetPresence in the same round.
// store, client and metrics must outlive the pipeline.
class IngestPipeline {
 public:
  using Clock = std::function<int64_t()>;  // Unix milliseconds

  IngestPipeline(IngestOptions options, store::Store& store, mqtt::Client& client,
                 metrics::RelayMetrics& metrics, Clock now_ms = {});
  ~IngestPipeline();  // Stop()

  IngestPipeline(const IngestPipeline&) = delete;
  IngestPipeline& operator=(const IngestPipeline&) = delete;

  // Starts the writer thread.
  void Start();
  // Processes everything already enqueued (unless the store keeps failing: then the
  // pending round is abandoned unacknowledged), then joins the writer. Call after the MQTT
  // client has stopped delivering. Idempotent.
  void Stop();

  // Any thread (normally the MQTT I/O thread). Takes ownership of the message.
  void Enqueue(mqtt::Message message);
  // A handler for mqtt::Client::Start that calls Enqueue.
  mqtt::Client::MessageHandler Handler();

  size_t queue_depth() const;

 private:
  struct Queued {
    mqtt::Message message;
    size_t oversize_bytes = 0;  // payload size when it exceeded max_message_bytes (then freed)
  };
  // One received message and what decoding made of it.
  struct Item {
    mqtt::Message message;
    size_t oversize_bytes = 0;
    int batch_index = -1;  // into batches_, or -1 when not a stored batch
    enum class Kind { kBatch, kPresence, kRejected } kind = Kind::kRejected;
    std::string device;             // kPresence: from the topic
    bool online = false;            // kPresence: the payload
    bool presence_applied = false;  // kPresence: SetPresence done (a retried round skips it)
    bool unknown_device = false;    // kPresence: the device is not registered
  };

  void Run();
  bool TakeRound();  // false when stopping and nothing is left
  void DecodeRound();
  void Reject(Item& item, const std::string& device, std::string_view reason,
              const std::string& detail);
  Status WriteRound(store::IngestOutcome& outcome, int64_t& commit_ms);
  void Commit(const store::IngestOutcome& outcome, int64_t commit_ms);
  bool WaitBackoff(std::chrono::milliseconds delay);  // false when stopping
  bool ShouldLog(std::chrono::steady_clock::time_point& last, uint64_t& suppressed);

  const IngestOptions options_;
  store::Store& store_;
  mqtt::Client& client_;
  metrics::RelayMetrics& metrics_;
  const Clock now_ms_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Queued> queue_;      // guarded by mutex_
  bool stopping_ = false;         // guarded by mutex_
  bool overflow_logged_ = false;  // guarded by mutex_

  // Writer thread only; reused across rounds to avoid reallocation.
  std::vector<Item> round_;
  std::vector<protocol::Batch> batches_;
  std::chrono::steady_clock::time_point last_reject_log_{};
  uint64_t suppressed_reject_logs_ = 0;
  std::chrono::steady_clock::time_point last_store_log_{};
  uint64_t suppressed_store_logs_ = 0;

  std::thread writer_;
};

}  // namespace ccc::relay::ingest
