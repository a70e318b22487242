#include "relay/ingest/ingest_pipeline.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "common/protocol/topic.h"

namespace ccc::relay::ingest {
namespace {

constexpr int64_t kNowMs = 1'700'000'000'000;

bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

// Records acknowledgements; everything else is inert.
class FakeClient : public mqtt::Client {
 public:
  void Start(std::vector<mqtt::Subscription>, MessageHandler, ConnectionHandler) override {}
  void Stop() override {}
  void Ack(uint64_t ack_token) override {
    std::lock_guard lock(mutex_);
    acks_.push_back(ack_token);
  }
  void Publish(std::string, std::string, uint8_t, bool, PublishDone) override {}
  bool connected() const override { return true; }

  std::vector<uint64_t> acks() const {
    std::lock_guard lock(mutex_);
    return acks_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<uint64_t> acks_;
};

// A real SQLite store with a hook in front of IngestBatches (to fail it or to look at
// acknowledgements at commit time).
class HookedStore : public store::Store {
 public:
  explicit HookedStore(std::unique_ptr<store::Store> inner) : inner_(std::move(inner)) {}

  std::function<Status()> before_ingest;
  std::atomic<int> ingest_calls{0};

  Result<store::IngestOutcome> IngestBatches(const std::vector<protocol::Batch>& batches,
                                             int64_t now_ms) override {
    ++ingest_calls;
    if (before_ingest) {
      Status status = before_ingest();
      if (!status.ok()) return status;
    }
    return inner_->IngestBatches(batches, now_ms);
  }
  Status SetPresence(const std::string& d, bool online, int64_t now_ms) override {
    return inner_->SetPresence(d, online, now_ms);
  }
  Status RegisterDevice(const std::string& d, int64_t now_ms) override {
    return inner_->RegisterDevice(d, now_ms);
  }
  Status RemoveDevice(const std::string& d) override { return inner_->RemoveDevice(d); }
  Result<std::optional<store::Device>> FindDevice(const std::string& d) override {
    return inner_->FindDevice(d);
  }
  Result<std::vector<store::Device>> ListDevices() override { return inner_->ListDevices(); }
  Result<std::vector<store::RollupPoint>> Samples(const std::string& d, store::Resolution r,
                                                  int64_t from, int64_t to) override {
    return inner_->Samples(d, r, from, to);
  }
  Result<std::vector<store::StoredRecord>> Records(const std::string& d, const std::string& s,
                                                   uint64_t after, size_t limit) override {
    return inner_->Records(d, s, after, limit);
  }
  Result<uint64_t> CountRecords(const std::string& d, const std::string& s) override {
    return inner_->CountRecords(d, s);
  }
  Result<uint64_t> CountSamples(const std::string& d) override { return inner_->CountSamples(d); }
  Result<uint64_t> ApplyRetention(const store::RetentionPolicy& p, int64_t now_ms) override {
    return inner_->ApplyRetention(p, now_ms);
  }
  bool Healthy() override { return inner_->Healthy(); }

 private:
  std::unique_ptr<store::Store> inner_;
};

protocol::Batch Telemetry(const std::string& device, uint64_t first_seq, size_t count,
                          int64_t sent_ms = kNowMs) {
  protocol::Batch batch;
  batch.device = device;
  batch.stream = "telemetry";
  batch.epoch = 1;
  batch.range_lo = first_seq;
  batch.range_hi = first_seq + count - 1;
  batch.sent_ms = sent_ms;
  for (size_t i = 0; i < count; ++i) {
    batch.records.push_back(
        {first_seq + i, kNowMs - 60'000 + static_cast<int64_t>(first_seq + i) * 1000,
         R"({"cpu_pct": 12.5, "mem_used_bytes": 100, "mem_total_bytes": 400})"});
  }
  return batch;
}

mqtt::Message Message(std::string topic, std::string payload, uint64_t token) {
  mqtt::Message m;
  m.topic = std::move(topic);
  m.payload = std::move(payload);
  m.qos = 1;
  m.ack_token = token;
  return m;
}

mqtt::Message UpMessage(const protocol::Batch& batch, uint64_t token) {
  auto frame = protocol::EncodeBatch(batch);
  EXPECT_TRUE(frame.ok()) << frame.status().ToString();
  return Message(protocol::UpTopic(batch.device, batch.stream), *frame, token);
}

class IngestPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ingest_pipeline_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto inner = store::OpenSqliteStore({dir_ + "/relay.db", false});
    ASSERT_TRUE(inner.ok()) << inner.status().ToString();
    store_ = std::make_unique<HookedStore>(std::move(inner).value());
    ASSERT_TRUE(store_->RegisterDevice("dev-a", kNowMs).ok());
    options_.max_batch_delay = std::chrono::milliseconds(1);
    options_.retry_backoff_min = std::chrono::milliseconds(1);
    options_.retry_backoff_max = std::chrono::milliseconds(5);
  }
  void TearDown() override {
    pipeline_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  IngestPipeline& Pipeline() {
    if (!pipeline_) {
      pipeline_ = std::make_unique<IngestPipeline>(options_, *store_, client_, metrics_,
                                                   [] { return kNowMs; });
    }
    return *pipeline_;
  }

  bool AckedCount(size_t n) {
    return WaitFor([&] { return client_.acks().size() >= n; }) && client_.acks().size() == n;
  }

  std::string dir_;
  IngestOptions options_;
  std::unique_ptr<HookedStore> store_;
  FakeClient client_;
  metrics::RelayMetrics metrics_;
  std::unique_ptr<IngestPipeline> pipeline_;
};

TEST_F(IngestPipelineTest, AcknowledgesOnlyAfterTheBatchIsCommitted) {
  std::atomic<size_t> acks_seen_by_store{99};
  store_->before_ingest = [&] {
    acks_seen_by_store = client_.acks().size();
    return Status::Ok();
  };
  Pipeline().Start();
  Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 1, 50), 7));
  ASSERT_TRUE(AckedCount(1));
  EXPECT_EQ(acks_seen_by_store.load(), 0u);
  EXPECT_EQ(client_.acks()[0], 7u);
  EXPECT_EQ(*store_->CountSamples("dev-a"), 50u);
  EXPECT_EQ(metrics_.samples_stored.value(), 50u);
  EXPECT_EQ(metrics_.records_stored.value(), 50u);
  EXPECT_EQ(metrics_.ingest_batches.value(), 1u);
  EXPECT_EQ(metrics_.messages_in.value(), 1u);
}

TEST_F(IngestPipelineTest, WritesARoundOfMessagesInOneStoreCall) {
  options_.max_batch_delay = std::chrono::milliseconds(10'000);
  options_.max_batch_messages = 3;
  Pipeline().Start();
  Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 1, 10), 1));
  Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 11, 10), 2));
  Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 21, 10), 3));
  ASSERT_TRUE(AckedCount(3));
  EXPECT_EQ(store_->ingest_calls.load(), 1);
  EXPECT_EQ(*store_->CountSamples("dev-a"), 30u);
}

TEST_F(IngestPipelineTest, GarbageIsAcknowledgedAndCountedByReason) {
  protocol::Batch other = Telemetry("dev-b", 1, 1);
  auto other_frame = protocol::EncodeBatch(other);
  ASSERT_TRUE(other_frame.ok());
  auto events_frame = protocol::EncodeBatch([] {
    auto b = Telemetry("dev-a", 1, 1);
    b.stream = "events";
    b.records[0].body = R"({"type":"agent_started","message":"hi"})";
    return b;
  }());
  ASSERT_TRUE(events_frame.ok());
  Pipeline().Start();
  Pipeline().Enqueue(Message(protocol::UpTopic("dev-a", "telemetry"), "not a frame", 1));
  Pipeline().Enqueue(Message("ccc/v1/dev/dev-a/sideways/x", *other_frame, 2));
  Pipeline().Enqueue(Message(protocol::UpTopic("dev-a", "telemetry"), *other_frame, 3));
  Pipeline().Enqueue(Message(protocol::UpTopic("dev-a", "telemetry"), *events_frame, 4));
  Pipeline().Enqueue(
      Message(protocol::UpTopic("dev-a", "telemetry"), std::string(300 * 1024, 'x'), 5));
  ASSERT_TRUE(AckedCount(5));
  EXPECT_EQ(metrics_.decode_errors.WithLabel("bad_magic").value(), 1u);
  EXPECT_EQ(metrics_.decode_errors.WithLabel("bad_topic").value(), 2u);
  EXPECT_EQ(metrics_.decode_errors.WithLabel("device_mismatch").value(), 1u);
  EXPECT_EQ(metrics_.decode_errors.WithLabel("too_large").value(), 1u);
  EXPECT_EQ(*store_->CountSamples("dev-a"), 0u);
  EXPECT_EQ(metrics_.ingest_batches.value(), 0u);
}

TEST_F(IngestPipelineTest, GarbageDoesNotHoldBackValidMessagesOfTheSameRound) {
  options_.max_batch_delay = std::chrono::milliseconds(10'000);
  options_.max_batch_messages = 2;
  Pipeline().Start();
  Pipeline().Enqueue(Message(protocol::UpTopic("dev-a", "telemetry"), "CCB\x01garbage", 1));
  Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 1, 5), 2));
  ASSERT_TRUE(AckedCount(2));
  EXPECT_EQ(*store_->CountSamples("dev-a"), 5u);
  EXPECT_EQ(metrics_.decode_errors.WithLabel("bad_compression").value(), 1u);
}

TEST_F(IngestPipelineTest, UnknownDeviceIsAcknowledgedAndCounted) {
  Pipeline().Start();
  Pipeline().Enqueue(UpMessage(Telemetry("stranger", 1, 5), 9));
  ASSERT_TRUE(AckedCount(1));
  EXPECT_EQ(metrics_.unknown_device.value(), 1u);
  EXPECT_EQ(metrics_.samples_stored.value(), 0u);
}

TEST_F(IngestPipelineTest, RedeliveredBatchIsCountedAsDuplicates) {
  Pipeline().Start();
  Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 1, 5), 1));
  ASSERT_TRUE(AckedCount(1));
  Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 1, 5), 2));
  ASSERT_TRUE(AckedCount(2));
  EXPECT_EQ(metrics_.duplicates_dropped.value(), 5u);
  EXPECT_EQ(*store_->CountSamples("dev-a"), 5u);
}

TEST_F(IngestPipelineTest, StoreFailureLeavesTheRoundUnacknowledgedAndRetriesIt) {
  std::atomic<int> failures_left{3};
  std::atomic<size_t> acks_during_failures{0};
  store_->before_ingest = [&]() -> Status {
    if (failures_left > 0) {
      --failures_left;
      acks_during_failures += client_.acks().size();
      return Unavailable("disk on fire");
    }
    return Status::Ok();
  };
  Pipeline().Start();
  Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 1, 5), 4));
  ASSERT_TRUE(AckedCount(1));
  EXPECT_EQ(acks_during_failures.load(), 0u);
  EXPECT_EQ(metrics_.store_errors.value(), 3u);
  EXPECT_EQ(store_->ingest_calls.load(), 4);
  EXPECT_EQ(*store_->CountSamples("dev-a"), 5u);
}

TEST_F(IngestPipelineTest, StopAbandonsAFailingRoundWithoutAcknowledging) {
  store_->before_ingest = [] { return Unavailable("down"); };
  Pipeline().Start();
  Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 1, 5), 4));
  ASSERT_TRUE(WaitFor([&] { return metrics_.store_errors.value() >= 1; }));
  Pipeline().Stop();
  EXPECT_TRUE(client_.acks().empty());
}

TEST_F(IngestPipelineTest, PresenceUpdatesTheDeviceAndIsAcknowledged) {
  Pipeline().Start();
  Pipeline().Enqueue(Message(protocol::PresenceTopic("dev-a"), "online", 11));
  ASSERT_TRUE(AckedCount(1));
  auto device = store_->FindDevice("dev-a");
  ASSERT_TRUE(device.ok() && device->has_value());
  EXPECT_TRUE((*device)->online);
  Pipeline().Enqueue(Message(protocol::PresenceTopic("dev-a"), "offline", 12));
  ASSERT_TRUE(AckedCount(2));
  EXPECT_FALSE((*store_->FindDevice("dev-a"))->online);
}

TEST_F(IngestPipelineTest, PresenceOfAnUnknownDeviceIsCounted) {
  Pipeline().Start();
  Pipeline().Enqueue(Message(protocol::PresenceTopic("stranger"), "online", 1));
  Pipeline().Enqueue(Message(protocol::PresenceTopic("dev-a"), "sideways", 2));
  ASSERT_TRUE(AckedCount(2));
  EXPECT_EQ(metrics_.unknown_device.value(), 1u);
  EXPECT_EQ(metrics_.decode_errors.WithLabel("malformed").value(), 1u);
}

TEST_F(IngestPipelineTest, LagIsCommitTimeMinusSentTimeClampedAtZero) {
  Pipeline().Start();
  Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 1, 1, kNowMs - 1'500), 1));
  Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 2, 1, kNowMs + 60'000), 2));
  ASSERT_TRUE(AckedCount(2));
  auto lag = metrics_.ingest_lag_seconds.Take();
  EXPECT_EQ(lag.count, 2u);
  EXPECT_DOUBLE_EQ(lag.sum, 1.5);
  EXPECT_EQ(lag.cumulative[0], 1u);  // le 0.005: the one from the future
}

TEST_F(IngestPipelineTest, StopStoresEverythingAlreadyQueued) {
  options_.max_batch_messages = 2;
  for (uint64_t i = 0; i < 5; ++i) {
    Pipeline().Enqueue(UpMessage(Telemetry("dev-a", 1 + i * 10, 10), i + 1));
  }
  EXPECT_EQ(Pipeline().queue_depth(), 5u);
  Pipeline().Start();
  Pipeline().Stop();
  EXPECT_EQ(client_.acks().size(), 5u);
  EXPECT_EQ(*store_->CountSamples("dev-a"), 50u);
  EXPECT_EQ(metrics_.ingest_queue_depth.value(), 0);
}

TEST_F(IngestPipelineTest, QosZeroMessagesBeyondTheBoundAreDropped) {
  options_.queue_capacity = 2;
  for (uint64_t i = 0; i < 3; ++i) {
    auto m = UpMessage(Telemetry("dev-a", 1 + i, 1), 0);
    m.qos = 0;
    Pipeline().Enqueue(std::move(m));
  }
  auto qos1 = UpMessage(Telemetry("dev-a", 10, 1), 5);
  Pipeline().Enqueue(std::move(qos1));
  EXPECT_EQ(Pipeline().queue_depth(), 3u);
  EXPECT_EQ(metrics_.messages_dropped.value(), 1u);
}

}  // namespace
}  // namespace ccc::relay::ingest
