#include "agent/agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "agent/sources/simulator/pbx_simulator.h"
#include "common/protocol/batch.h"
#include "common/protocol/streams.h"

namespace ccc::agent {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using uplink::PublishOutcome;
namespace fs = std::filesystem;

const std::string kTestData = CCC_AGENT_TESTDATA;

// Records every publish; the test decides when and how each one ends.
class FakePublisher : public uplink::Publisher {
 public:
  struct Sent {
    std::string topic;
    protocol::Batch batch;
    uplink::PublishCallback on_result;
  };

  void Start(uplink::ConnectionCallback on_connection) override {
    on_connection_ = std::move(on_connection);
    if (on_start) on_start();
  }
  void Stop() override { stopped_ = true; }
  void Publish(std::string topic, std::string payload, uplink::PublishCallback on_result) override {
    auto batch = protocol::DecodeBatch(payload);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    sent_.push_back({std::move(topic), std::move(*batch), std::move(on_result)});
  }

  void Connect() { on_connection_(true, {}); }
  void Disconnect() { on_connection_(false, "test: connection lost"); }
  void Finish(size_t index, PublishOutcome outcome, int reason = 0) {
    sent_.at(index).on_result({outcome, reason, "test"});
  }
  void FinishAll(PublishOutcome outcome) {
    for (size_t i = finished_; i < sent_.size(); ++i) Finish(i, outcome);
    finished_ = sent_.size();
  }
  std::vector<const Sent*> SentOn(std::string_view stream) const {
    std::vector<const Sent*> out;
    for (const auto& s : sent_) {
      if (s.batch.stream == stream) out.push_back(&s);
    }
    return out;
  }

  std::function<void()> on_start;
  std::vector<Sent> sent_;
  size_t finished_ = 0;
  bool stopped_ = false;

 private:
  uplink::ConnectionCallback on_connection_;
};

// A PBX whose firmware string changes (and grows the sysinfo body) on every call.
class ChangingSource : public sources::PbxSource {
 public:
  Result<sources::PbxIdentity> Identity() override {
    ++calls;
    return sources::PbxIdentity{"SN-1", "COMtrexx Advanced",
                                std::to_string(calls) + std::string(2000, 'f')};
  }
  int calls = 0;
};

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("agent_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_.device_id = "pbx-001";
    options_.hostname = "testhost";
    options_.sample_interval = milliseconds(1'000);
    options_.flush_rate = 0;
    options_.reconnect_jitter = milliseconds(0);
    options_.max_inflight = 8;
    options_.thinning_check_interval = milliseconds(0);
    clock_.steady = [this] { return now_; };
    clock_.wall_ms = [this] { return wall_ms_; };
  }
  void TearDown() override {
    agent_.reset();
    outbox_.reset();
    fs::remove_all(dir_);
  }

  void MakeAgent(uint64_t max_bytes = 64ull * 1024 * 1024, uint64_t reserve = 256 * 1024,
                 sources::PbxSource* source = nullptr) {
    outbox::OutboxOptions o;
    o.path = (dir_ / "outbox.db").string();
    o.max_bytes = max_bytes;
    o.alert_reserve_bytes = reserve;
    o.synchronous_full = false;
    auto outbox = outbox::Outbox::Open(o);
    ASSERT_TRUE(outbox.ok()) << outbox.status().ToString();
    outbox_ = std::move(*outbox);
    agent_ = std::make_unique<Agent>(options_, *outbox_, publisher_, &sampler_,
                                     source ? source : &simulator_, clock_);
    ASSERT_TRUE(agent_->Start().ok());
  }

  void Poll() {
    const Status status = agent_->Poll();
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  void Advance(milliseconds d) {
    now_ += d;
    wall_ms_ += d.count();
  }

  uint64_t Depth(std::string_view stream) {
    auto stats = outbox_->Stats();
    EXPECT_TRUE(stats.ok());
    for (const auto& s : stats->streams) {
      if (s.stream == stream) return s.depth;
    }
    return 0;
  }

  fs::path dir_;
  AgentOptions options_;
  AgentClock clock_;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
  int64_t wall_ms_ = 1'700'000'000'000;
  FakePublisher publisher_;
  sources::HostSampler sampler_{{kTestData + "/proc_stat_1", kTestData + "/meminfo"}};
  sources::PbxSimulator simulator_{{"SN-1", "COMtrexx Advanced", "2.6.6", 1}};
  std::unique_ptr<outbox::Outbox> outbox_;
  std::unique_ptr<Agent> agent_;
};

TEST_F(AgentTest, PublishesNothingWhileDisconnected) {
  MakeAgent();
  Poll();
  EXPECT_TRUE(publisher_.sent_.empty());
  EXPECT_EQ(Depth(protocol::kStreamTelemetry), 1u);
}

TEST_F(AgentTest, RecordsFlowToTheirStreamTopicsAfterConnect) {
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  auto telemetry = publisher_.SentOn(protocol::kStreamTelemetry);
  auto sysinfo = publisher_.SentOn(protocol::kStreamSystemInfo);
  auto events = publisher_.SentOn(protocol::kStreamEvents);
  ASSERT_EQ(telemetry.size(), 1u);
  ASSERT_EQ(sysinfo.size(), 1u);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(telemetry[0]->topic, "ccc/v1/dev/pbx-001/up/telemetry");
  EXPECT_EQ(telemetry[0]->batch.device, "pbx-001");
  EXPECT_EQ(telemetry[0]->batch.epoch, outbox_->epoch());
  EXPECT_THAT(telemetry[0]->batch.records.at(0).body, HasSubstr("\"mem_total_bytes\":8192000000"));
  EXPECT_THAT(sysinfo[0]->batch.records.at(0).body, HasSubstr("\"firmware\":\"2.6.6\""));
  EXPECT_THAT(sysinfo[0]->batch.records.at(0).body, HasSubstr("\"hostname\":\"testhost\""));
  EXPECT_THAT(events[0]->batch.records.at(0).body, HasSubstr("\"type\":\"agent_started\""));
}

TEST_F(AgentTest, SysinfoReportsTheSiteOptInsOffByDefault) {
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  auto sysinfo = publisher_.SentOn(protocol::kStreamSystemInfo);
  ASSERT_EQ(sysinfo.size(), 1u);
  EXPECT_THAT(sysinfo[0]->batch.records.at(0).body,
              HasSubstr(R"("opt_in":{"monitoring":false,"remote_configuration":false})"));
}

TEST_F(AgentTest, SysinfoReportsTheSiteOptInsTheInstallerTurnedOn) {
  options_.opt_in_monitoring = true;
  options_.opt_in_remote_configuration = true;
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  auto sysinfo = publisher_.SentOn(protocol::kStreamSystemInfo);
  ASSERT_EQ(sysinfo.size(), 1u);
  EXPECT_THAT(sysinfo[0]->batch.records.at(0).body,
              HasSubstr(R"("opt_in":{"monitoring":true,"remote_configuration":true})"));
}

TEST_F(AgentTest, DeliveredBatchesAreAcknowledged) {
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  publisher_.FinishAll(PublishOutcome::kDelivered);
  Poll();
  EXPECT_EQ(Depth(protocol::kStreamTelemetry), 0u);
  EXPECT_EQ(Depth(protocol::kStreamSystemInfo), 0u);
  EXPECT_EQ(Depth(protocol::kStreamEvents), 0u);
  EXPECT_EQ(agent_->counters().delivered_batches, 3u);
}

TEST_F(AgentTest, DeletesAcknowledgedRowsOnceNothingIsLeftToPublish) {
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  publisher_.FinishAll(PublishOutcome::kDelivered);
  Poll();
  EXPECT_FALSE(outbox_->HasAcknowledgedRows());
}

TEST_F(AgentTest, KeepsAcknowledgedRowsWhileTheWindowIsFull) {
  options_.max_batch_records = 1;
  options_.max_inflight = 2;
  MakeAgent();
  for (int i = 0; i < 5; ++i) {
    Poll();
    Advance(milliseconds(1'000));
  }
  publisher_.Connect();
  Poll();
  publisher_.Finish(0, PublishOutcome::kDelivered);
  Poll();
  ASSERT_EQ(publisher_.sent_.size(), 3u);
  EXPECT_TRUE(outbox_->HasAcknowledgedRows());
}

TEST_F(AgentTest, DeletesAcknowledgedRowsWhileDisconnected) {
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  publisher_.FinishAll(PublishOutcome::kDelivered);
  publisher_.Disconnect();
  Poll();
  EXPECT_FALSE(outbox_->HasAcknowledgedRows());
}

TEST_F(AgentTest, DeletesInBoundedChunksAndWakesAtOnceUntilDone) {
  options_.purge_chunk_rows = 1;
  options_.thinning_check_interval = milliseconds(60'000);
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  publisher_.FinishAll(PublishOutcome::kDelivered);
  Poll();
  // Three streams with one acknowledged row each: one row per round.
  EXPECT_TRUE(outbox_->HasAcknowledgedRows());
  EXPECT_LE(agent_->NextWakeup(), now_);
  Poll();
  Poll();
  EXPECT_FALSE(outbox_->HasAcknowledgedRows());
  EXPECT_GT(agent_->NextWakeup(), now_);
}

TEST_F(AgentTest, AcknowledgementsWaitForTheAckIntervalWhileBatchesAreInFlight) {
  options_.ack_interval = milliseconds(50);
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  ASSERT_EQ(publisher_.sent_.size(), 3u);
  auto stored = [&] {
    return Depth(protocol::kStreamTelemetry) + Depth(protocol::kStreamSystemInfo) +
           Depth(protocol::kStreamEvents);
  };
  // The first acknowledgement is written at once and starts the interval.
  publisher_.Finish(0, PublishOutcome::kDelivered);
  Poll();
  EXPECT_EQ(stored(), 2u);
  publisher_.Finish(1, PublishOutcome::kDelivered);
  Poll();
  EXPECT_EQ(stored(), 2u);
  Advance(milliseconds(50));
  Poll();
  EXPECT_EQ(stored(), 1u);
}

TEST_F(AgentTest, AcknowledgementsAreWrittenAtOnceWhenNothingIsLeftInFlight) {
  options_.ack_interval = milliseconds(60'000);
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  publisher_.Finish(0, PublishOutcome::kDelivered);
  publisher_.finished_ = 1;
  Poll();
  publisher_.FinishAll(PublishOutcome::kDelivered);
  Poll();
  EXPECT_EQ(Depth(protocol::kStreamTelemetry), 0u);
  EXPECT_EQ(Depth(protocol::kStreamSystemInfo), 0u);
  EXPECT_EQ(Depth(protocol::kStreamEvents), 0u);
}

TEST_F(AgentTest, ReconnectRewindsAndRedeliversUnacknowledgedBatches) {
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  ASSERT_EQ(publisher_.sent_.size(), 3u);
  const auto first = publisher_.SentOn(protocol::kStreamTelemetry).at(0)->batch;
  publisher_.Disconnect();
  Poll();
  // A late PUBACK of the old connection must not acknowledge anything.
  publisher_.FinishAll(PublishOutcome::kDelivered);
  publisher_.Connect();
  Poll();
  auto telemetry = publisher_.SentOn(protocol::kStreamTelemetry);
  ASSERT_EQ(telemetry.size(), 2u);
  EXPECT_EQ(telemetry[1]->batch.range_lo, first.range_lo);
  EXPECT_EQ(telemetry[1]->batch.range_hi, first.range_hi);
  EXPECT_EQ(telemetry[1]->batch.records, first.records);
  EXPECT_EQ(Depth(protocol::kStreamTelemetry), 1u);
}

TEST_F(AgentTest, RefusedBatchIsNotAcknowledgedAndItsStreamBacksOff) {
  options_.drop_backoff_min = milliseconds(5'000);
  options_.sample_interval = milliseconds(60'000);
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  const size_t index = static_cast<size_t>(publisher_.SentOn(protocol::kStreamTelemetry).at(0) -
                                           publisher_.sent_.data());
  publisher_.Finish(index, PublishOutcome::kDrop, 0x87);
  Poll();
  EXPECT_EQ(Depth(protocol::kStreamTelemetry), 1u);
  EXPECT_EQ(agent_->counters().dropped_batches, 1u);
  auto state = outbox_->State("uplink.last_drop");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_THAT(**state, HasSubstr("ccc/v1/dev/pbx-001/up/telemetry"));

  publisher_.FinishAll(PublishOutcome::kDelivered);
  Advance(milliseconds(4'000));
  Poll();
  EXPECT_EQ(publisher_.SentOn(protocol::kStreamTelemetry).size(), 1u);
  Advance(milliseconds(1'000));
  Poll();
  EXPECT_EQ(publisher_.SentOn(protocol::kStreamTelemetry).size(), 2u);
}

TEST_F(AgentTest, LaterBatchIsNotAcknowledgedWhenAnEarlierOneOfItsStreamFailed) {
  options_.max_batch_records = 1;
  MakeAgent();
  Poll();
  Advance(milliseconds(1'000));
  Poll();
  ASSERT_EQ(Depth(protocol::kStreamTelemetry), 2u);
  publisher_.Connect();
  Poll();
  auto telemetry = publisher_.SentOn(protocol::kStreamTelemetry);
  ASSERT_EQ(telemetry.size(), 2u);
  const auto index = [&](const FakePublisher::Sent* s) {
    return static_cast<size_t>(s - publisher_.sent_.data());
  };
  publisher_.Finish(index(telemetry[1]), PublishOutcome::kDelivered);
  Poll();
  publisher_.Finish(index(telemetry[0]), PublishOutcome::kDrop, 0x87);
  Poll();
  EXPECT_EQ(Depth(protocol::kStreamTelemetry), 2u);
}

TEST_F(AgentTest, FullOutboxPausesTheDurableSourceAndRecordsAnEvent) {
  ChangingSource source;
  options_.sample_interval = milliseconds(100);
  options_.thinning_check_interval = std::chrono::hours(1);
  MakeAgent(/*max_bytes=*/64 * 1024, /*reserve=*/16 * 1024, &source);
  for (int i = 0; i < 200 && !agent_->counters().source_paused; ++i) {
    Advance(milliseconds(100));
    Poll();
  }
  ASSERT_TRUE(agent_->counters().source_paused);
  const int calls_when_paused = source.calls;
  const uint64_t events = Depth(protocol::kStreamEvents);
  EXPECT_EQ(events, 2u);  // agent_started, outbox_full
  for (int i = 0; i < 5; ++i) {
    Advance(milliseconds(100));
    Poll();
  }
  EXPECT_EQ(source.calls, calls_when_paused);
  EXPECT_EQ(Depth(protocol::kStreamEvents), events);

  // Once the backlog is delivered the source resumes with the record it could not store.
  publisher_.Connect();
  for (int i = 0; i < 50 && agent_->counters().source_paused; ++i) {
    Poll();
    publisher_.FinishAll(PublishOutcome::kDelivered);
    Advance(milliseconds(100));
    Poll();
  }
  EXPECT_FALSE(agent_->counters().source_paused);
  Advance(milliseconds(100));
  Poll();
  EXPECT_GT(source.calls, calls_when_paused);
}

TEST_F(AgentTest, StartsConnectingBeforeWritingTheStartUpRecords) {
  bool outbox_empty_at_start = false;
  publisher_.on_start = [&] {
    outbox_empty_at_start = outbox_ && outbox_->BacklogUpperBound() == 0;
  };
  MakeAgent();
  EXPECT_TRUE(outbox_empty_at_start);
  EXPECT_GT(outbox_->BacklogUpperBound(), 0u);
}

TEST_F(AgentTest, WritesTheConnectedStateInTheRoundThatHandlesTheConnect) {
  MakeAgent();
  Poll();
  publisher_.Connect();
  publisher_.Disconnect();
  publisher_.Connect();
  Poll();
  EXPECT_EQ(outbox_->State("uplink.connected")->value_or(""), "1");
  EXPECT_EQ(publisher_.sent_.size(), 3u);
}

TEST_F(AgentTest, WritesUplinkStateForStatus) {
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  EXPECT_EQ(outbox_->State("uplink.connected")->value_or(""), "1");
  publisher_.Disconnect();
  Poll();
  EXPECT_EQ(outbox_->State("uplink.connected")->value_or(""), "0");
  EXPECT_EQ(outbox_->State("uplink.last_error")->value_or(""), "test: connection lost");
}

TEST_F(AgentTest, FlushRatePacesPublishing) {
  options_.flush_rate = 10;
  options_.flush_burst = 2;
  options_.max_batch_records = 1;
  options_.max_inflight = 100;
  MakeAgent();
  for (int i = 0; i < 10; ++i) {
    Poll();
    Advance(milliseconds(1'000));
  }
  publisher_.Connect();
  Poll();
  EXPECT_EQ(publisher_.sent_.size(), 2u);
  Advance(milliseconds(100));
  Poll();
  EXPECT_EQ(publisher_.sent_.size(), 3u);
}

TEST_F(AgentTest, WaitsForTheReconnectJitterBeforeDrainingABacklog) {
  options_.reconnect_jitter = milliseconds(5'000);
  options_.seed = 7;
  options_.max_batch_records = 1;  // the start-up event, sysinfo and sample: 3 batches
  options_.sample_interval = milliseconds(60'000);
  options_.thinning_check_interval = std::chrono::hours(1);
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  EXPECT_TRUE(publisher_.sent_.empty());
  const auto wake = agent_->NextWakeup();
  EXPECT_GT(wake, now_);
  EXPECT_LE(wake, now_ + milliseconds(5'000));
  now_ = wake;
  Poll();
  EXPECT_EQ(publisher_.sent_.size(), 3u);
}

TEST_F(AgentTest, PublishesLiveDataAtOnceAfterConnecting) {
  options_.reconnect_jitter = milliseconds(5'000);
  options_.sample_interval = milliseconds(60'000);
  options_.thinning_check_interval = std::chrono::hours(1);
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  EXPECT_EQ(publisher_.sent_.size(), 3u);
}

TEST_F(AgentTest, KeepsAtMostMaxInflightBatchesOutstanding) {
  options_.max_batch_records = 1;
  options_.max_inflight = 2;
  MakeAgent();
  for (int i = 0; i < 5; ++i) {
    Poll();
    Advance(milliseconds(1'000));
  }
  publisher_.Connect();
  Poll();
  EXPECT_EQ(publisher_.sent_.size(), 2u);
  publisher_.Finish(0, PublishOutcome::kDelivered);
  Poll();
  EXPECT_EQ(publisher_.sent_.size(), 3u);
}

}  // namespace
}  // namespace ccc::agent
