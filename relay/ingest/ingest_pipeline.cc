#include "relay/ingest/ingest_pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/protocol/topic.h"

namespace ccc::relay::ingest {
namespace {

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr auto kLogInterval = std::chrono::seconds(1);

}  // namespace

IngestPipeline::IngestPipeline(IngestOptions options, store::Store& store, mqtt::Client& client,
                               metrics::RelayMetrics& metrics, Clock now_ms)
    : options_(std::move(options)),
      store_(store),
      client_(client),
      metrics_(metrics),
      now_ms_(now_ms ? std::move(now_ms) : Clock(SystemNowMs)) {
  round_.reserve(options_.max_batch_messages);
  batches_.reserve(options_.max_batch_messages);
}

IngestPipeline::~IngestPipeline() { Stop(); }

void IngestPipeline::Start() {
  std::lock_guard lock(mutex_);
  if (writer_.joinable() || stopping_) return;
  writer_ = std::thread([this] { Run(); });
}

void IngestPipeline::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void IngestPipeline::Enqueue(mqtt::Message message) {
  metrics_.messages_in.Inc();
  Queued queued{std::move(message), 0};
  // Free an oversized payload right away: only its size matters from here on.
  if (queued.message.payload.size() > options_.limits.max_message_bytes) {
    queued.oversize_bytes = queued.message.payload.size();
    std::string().swap(queued.message.payload);
  }
  size_t depth;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.queue_capacity) {
      if (queued.message.qos == 0) {
        metrics_.messages_dropped.Inc();
        return;
      }
      // Cannot happen while the broker honours our receive maximum; keeping the message is
      // still better than losing an acknowledgeable one.
      if (!overflow_logged_) {
        overflow_logged_ = true;
        spdlog::error(
            "ingest queue above its bound of {} QoS 1 messages (broker ignores "
            "receive maximum?)",
            options_.queue_capacity);
      }
    }
    queue_.push_back(std::move(queued));
    depth = queue_.size();
  }
  metrics_.ingest_queue_depth.Set(static_cast<double>(depth));
  // The writer only waits for the first message of a round or for a full round.
  if (depth == 1 || depth == options_.max_batch_messages) cv_.notify_one();
}

mqtt::Client::MessageHandler IngestPipeline::Handler() {
  return [this](mqtt::Message message) { Enqueue(std::move(message)); };
}

size_t IngestPipeline::queue_depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void IngestPipeline::Run() {
  while (TakeRound()) {
    auto t0 = std::chrono::steady_clock::now();
    DecodeRound();
    auto t1 = std::chrono::steady_clock::now();
    auto backoff = options_.retry_backoff_min;
    for (;;) {
      store::IngestOutcome outcome;
      int64_t commit_ms = 0;
      Status status = WriteRound(outcome, commit_ms);
      if (status.ok()) {
        Commit(outcome, commit_ms);
        auto t2 = std::chrono::steady_clock::now();
        using us = std::chrono::microseconds;
        spdlog::debug("ingest round: {} messages, {} batches, decode {} us, store {} us",
                      round_.size(), batches_.size(),
                      std::chrono::duration_cast<us>(t1 - t0).count(),
                      std::chrono::duration_cast<us>(t2 - t1).count());
        break;
      }
      metrics_.store_errors.Inc();
      if (ShouldLog(last_store_log_, suppressed_store_logs_)) {
        spdlog::error("store write of {} messages failed, retrying in {} ms: {}", round_.size(),
                      backoff.count(), status.ToString());
      }
      if (!WaitBackoff(backoff)) {
        spdlog::warn("shutting down with {} messages unacknowledged; the broker redelivers them",
                     round_.size());
        break;
      }
      backoff = std::min(backoff * 2, options_.retry_backoff_max);
    }
  }
}

bool IngestPipeline::TakeRound() {
  round_.clear();
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
  if (queue_.empty()) return false;
  if (!stopping_ && queue_.size() < options_.max_batch_messages &&
      options_.max_batch_delay.count() > 0) {
    cv_.wait_for(lock, options_.max_batch_delay,
                 [&] { return stopping_ || queue_.size() >= options_.max_batch_messages; });
  }
  size_t n = std::min(queue_.size(), options_.max_batch_messages);
  for (size_t i = 0; i < n; ++i) {
    round_.emplace_back();
    round_.back().message = std::move(queue_.front().message);
    round_.back().oversize_bytes = queue_.front().oversize_bytes;
    queue_.pop_front();
  }
  size_t depth = queue_.size();
  lock.unlock();
  metrics_.ingest_queue_depth.Set(static_cast<double>(depth));
  return true;
}

void IngestPipeline::DecodeRound() {
  batches_.clear();
  for (Item& item : round_) {
    auto topic = protocol::ParseTopic(item.message.topic);
    if (!topic.ok()) {
      Reject(item, "", "bad_topic", topic.status().message());
      continue;
    }
    if (topic->kind == protocol::TopicKind::kPresence) {
      const std::string& payload = item.message.payload;
      if (payload != "online" && payload != "offline") {
        Reject(item, topic->device, "malformed", "presence payload is not online/offline");
        continue;
      }
      item.kind = Item::Kind::kPresence;
      item.device = std::move(topic->device);
      item.online = payload == "online";
      continue;
    }
    if (topic->kind != protocol::TopicKind::kUp) {
      Reject(item, topic->device, "bad_topic", "not an uplink topic");
      continue;
    }
    if (item.oversize_bytes > 0) {
      Reject(item, topic->device, "too_large",
             "message of " + std::to_string(item.oversize_bytes) + " bytes exceeds " +
                 std::to_string(options_.limits.max_message_bytes));
      continue;
    }
    auto batch = protocol::DecodeBatch(item.message.payload, options_.limits);
    if (!batch.ok()) {
      Reject(item, topic->device, protocol::DecodeErrorReason(batch.status()),
             batch.status().message());
      continue;
    }
    if (batch->device != topic->device) {
      Reject(item, topic->device, "device_mismatch", "batch names device '" + batch->device + "'");
      continue;
    }
    if (batch->stream != topic->name) {
      Reject(
          item, topic->device, "bad_topic",
          "batch stream '" + batch->stream + "' differs from topic stream '" + topic->name + "'");
      continue;
    }
    item.kind = Item::Kind::kBatch;
    item.batch_index = static_cast<int>(batches_.size());
    batches_.push_back(std::move(batch).value());
    // The payload is no longer needed; free it now rather than after the commit.
    std::string().swap(item.message.payload);
  }
}

void IngestPipeline::Reject(Item& item, const std::string& device, std::string_view reason,
                            const std::string& detail) {
  item.kind = Item::Kind::kRejected;
  metrics_.decode_errors.WithLabel(reason).Inc();
  if (ShouldLog(last_reject_log_, suppressed_reject_logs_)) {
    // Codec messages already start with their reason word.
    std::string_view prefix = detail.starts_with(reason) ? std::string_view() : reason;
    spdlog::warn("dropping message from device '{}' on topic '{}' ({} bytes): {}{}{}", device,
                 item.message.topic.substr(0, 200),
                 std::max(item.oversize_bytes, item.message.payload.size()), prefix,
                 prefix.empty() ? "" : ": ", detail);
  }
  std::string().swap(item.message.payload);
}

Status IngestPipeline::WriteRound(store::IngestOutcome& outcome, int64_t& commit_ms) {
  for (Item& item : round_) {
    if (item.kind != Item::Kind::kPresence || item.presence_applied) continue;
    Status status = store_.SetPresence(item.device, item.online, now_ms_());
    if (status.code() == StatusCode::kNotFound) {
      item.unknown_device = true;
    } else if (!status.ok()) {
      return status;
    }
    item.presence_applied = true;
  }
  if (!batches_.empty()) {
    auto result = store_.IngestBatches(batches_, now_ms_());
    if (!result.ok()) return result.status();
    outcome = *result;
  }
  commit_ms = now_ms_();
  return Status::Ok();
}

void IngestPipeline::Commit(const store::IngestOutcome& outcome, int64_t commit_ms) {
  for (const Item& item : round_) {
    if (item.message.ack_token != 0) client_.Ack(item.message.ack_token);
    if (item.unknown_device) metrics_.unknown_device.Inc();
  }
  metrics_.records_stored.Inc(outcome.records_stored);
  metrics_.samples_stored.Inc(outcome.samples_stored);
  metrics_.duplicates_dropped.Inc(outcome.duplicates_dropped);
  metrics_.unknown_device.Inc(outcome.unknown_device);
  metrics_.invalid_records.Inc(outcome.invalid_records);
  metrics_.ingest_batches.Inc(batches_.size());
  for (const protocol::Batch& batch : batches_) {
    int64_t lag_ms = std::max<int64_t>(0, commit_ms - batch.sent_ms);
    metrics_.ingest_lag_seconds.Observe(static_cast<double>(lag_ms) / 1000.0);
  }
}

bool IngestPipeline::WaitBackoff(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !cv_.wait_for(lock, delay, [&] { return stopping_; });
}

bool IngestPipeline::ShouldLog(std::chrono::steady_clock::time_point& last, uint64_t& suppressed) {
  auto now = std::chrono::steady_clock::now();
  if (now - last < kLogInterval) {
    ++suppressed;
    return false;
  }
  if (suppressed > 0) {
    spdlog::warn("{} similar log lines suppressed in the last interval", suppressed);
    suppressed = 0;
  }
  last = now;
  return true;
}

}  // namespace ccc::relay::ingest
