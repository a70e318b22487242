#include "agent/agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
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

// A PBX whose answers the test sets. Only Identity is supported unless the test turns the
// other methods on.
class FakePbx : public sources::PbxSource {
 public:
  FakePbx() {
    for (int i = 1; i <= 3; ++i) {
      sources::Telephone t;
      t.id = "tel-" + std::to_string(i);
      t.name = "Phone " + std::to_string(i);
      t.extension = std::to_string(200 + i);
      t.mac = "00:09:52:00:00:0" + std::to_string(i);
      t.model = "COMfortel D-400";
      t.status = sources::TelephoneStatus::kRegisteredEncrypted;
      registrations.telephones.push_back(t);
    }
    registrations.accounts.push_back({"acc-01", "Main line", "sipgate", "+49 521 1234", "",
                                      sources::AccountStatus::kRegisteredEncrypted});
    information.model = identity.model;
    information.serial = identity.serial;
    information.firmware = identity.firmware;
    information.hardware_revision = "C";
    information.mac = "00:09:52:00:AA:01";
    information.booted_at_ms = 1'699'990'000'000;
    information.licences = {{"Users", 50, 24}};
    information.modules = {{1, "COMmander 8a/b module", 8}};
  }

  Result<sources::PbxIdentity> Identity() override {
    ++identity_calls;
    return identity;
  }
  Result<sources::RegistrationState> Registrations(int64_t now_ms) override {
    (void)now_ms;
    ++registration_calls;
    if (!has_registrations) return Unsupported("no registration status");
    return registrations;
  }
  Result<std::vector<sources::CallRecord>> CallsAfter(uint64_t cursor, size_t max_records,
                                                      int64_t now_ms) override {
    (void)now_ms;
    ++call_reads;
    if (!has_calls) return Unsupported("no call data");
    std::vector<sources::CallRecord> out;
    for (const auto& c : calls) {
      if (c.id > cursor && out.size() < max_records) out.push_back(c);
    }
    return out;
  }
  Result<sources::PbxInformation> Information(int64_t now_ms) override {
    ++information_calls;
    if (!has_information) return Unsupported("no system information");
    sources::PbxInformation now = information;
    now.uptime_s = (now_ms - now.booted_at_ms) / 1000;
    return now;
  }

  void AddCalls(size_t count) {
    for (size_t i = 0; i < count; ++i) {
      sources::CallRecord c;
      c.id = 5000 + calls.size();
      c.start_ms = 1'699'999'000'000 + static_cast<int64_t>(calls.size()) * 1000;
      c.duration_s = 42;
      c.external_number = "+4930" + std::to_string(c.id);
      c.call_type = "business";
      calls.push_back(c);
    }
  }

  sources::PbxIdentity identity{"SN-1", "COMtrexx Advanced", "2.6.6"};
  bool has_registrations = false;
  bool has_calls = false;
  bool has_information = false;
  sources::RegistrationState registrations;
  std::vector<sources::CallRecord> calls;
  sources::PbxInformation information;
  int identity_calls = 0;
  int registration_calls = 0;
  int call_reads = 0;
  int information_calls = 0;
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
                                     source ? source : &pbx_, clock_);
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

  // Stored bodies of `stream` that are not acknowledged; only while nothing is in flight
  // (it rewinds the outbox).
  std::vector<boost::json::object> StoredBodies(std::string_view stream) {
    std::vector<boost::json::object> out;
    outbox_->Rewind();
    for (;;) {
      auto batch = outbox_->NextBatch(stream, 10'000, 64 * 1024 * 1024);
      EXPECT_TRUE(batch.ok());
      if (!batch.ok() || !batch->has_value()) break;
      for (const auto& r : (*batch)->records) {
        out.push_back(boost::json::parse(r.body).as_object());
      }
    }
    outbox_->Rewind();
    return out;
  }
  std::vector<std::string> RegistrationKinds() {
    std::vector<std::string> kinds;
    for (const auto& body : StoredBodies(protocol::kStreamRegistrations)) {
      kinds.emplace_back(body.at("kind").as_string());
    }
    return kinds;
  }
  // Ids of the calls in every batch published so far, in publish order.
  std::vector<uint64_t> PublishedCallIds() {
    std::vector<uint64_t> ids;
    for (const auto* sent : publisher_.SentOn(protocol::kStreamCalls)) {
      for (const auto& r : sent->batch.records) {
        ids.push_back(boost::json::parse(r.body).at("id").to_number<uint64_t>());
      }
    }
    return ids;
  }

  fs::path dir_;
  AgentOptions options_;
  AgentClock clock_;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
  int64_t wall_ms_ = 1'700'000'000'000;
  FakePublisher publisher_;
  sources::HostSampler sampler_{{kTestData + "/proc_stat_1", kTestData + "/meminfo"}};
  FakePbx pbx_;  // identity only, unless a test turns more on
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

TEST_F(AgentTest, WaitsForTheReconnectJitterBeforeDrainingABacklogFromBeforeStartUp) {
  options_.reconnect_jitter = milliseconds(5'000);
  options_.seed = 7;
  options_.max_batch_records = 1;  // the start-up event, sysinfo and sample: 3 batches
  options_.sample_interval = milliseconds(60'000);
  options_.thinning_check_interval = std::chrono::hours(1);
  MakeAgent();
  Poll();
  agent_.reset();
  outbox_.reset();
  MakeAgent();  // restarted with 3 records it could not send before
  Poll();
  publisher_.Connect();
  Poll();
  EXPECT_TRUE(publisher_.sent_.empty());
  const auto wake = agent_->NextWakeup();
  EXPECT_GT(wake, now_);
  EXPECT_LE(wake, now_ + milliseconds(5'000));
  now_ = wake;
  Poll();
  EXPECT_EQ(publisher_.sent_.size(), 6u);
}

TEST_F(AgentTest, WaitsForTheReconnectJitterWhenABacklogGrewDuringAnOutage) {
  options_.reconnect_jitter = milliseconds(5'000);
  options_.seed = 7;
  options_.max_batch_records = 1;
  options_.thinning_check_interval = std::chrono::hours(1);
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  publisher_.FinishAll(PublishOutcome::kDelivered);
  Poll();
  publisher_.Disconnect();
  for (int i = 0; i < 3; ++i) {
    Advance(options_.sample_interval);
    Poll();
  }
  const size_t before = publisher_.sent_.size();
  publisher_.Connect();
  Poll();
  EXPECT_EQ(publisher_.sent_.size(), before);
  EXPECT_GT(agent_->NextWakeup(), now_);
}

// A new agent reads the PBX's call history once in its life; that is no outage backlog, so
// live data goes out at once.
TEST_F(AgentTest, AFreshAgentsCallHistoryDoesNotDelayItsFirstPublish) {
  pbx_.has_calls = true;
  pbx_.AddCalls(1'234);
  options_.reconnect_jitter = milliseconds(5'000);
  options_.max_batch_records = 500;
  options_.thinning_check_interval = std::chrono::hours(1);
  MakeAgent();
  Poll();
  ASSERT_GT(outbox_->BacklogUpperBound(), options_.max_batch_records);
  publisher_.Connect();
  Poll();
  EXPECT_EQ(publisher_.SentOn(protocol::kStreamTelemetry).size(), 1u);
  EXPECT_FALSE(publisher_.SentOn(protocol::kStreamCalls).empty());
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

// PBX data (issue 5): registration status, call data, device information.

TEST_F(AgentTest, RegistrationSnapshotOfTheSimulatorIsPublishedAfterStart) {
  sources::PbxSimulator simulator({.serial = "SN-1"});
  MakeAgent(64ull * 1024 * 1024, 256 * 1024, &simulator);
  Poll();
  publisher_.Connect();
  Poll();
  auto sent = publisher_.SentOn(protocol::kStreamRegistrations);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]->topic, "ccc/v1/dev/pbx-001/up/registrations");
  ASSERT_EQ(sent[0]->batch.records.size(), 1u);
  EXPECT_EQ(sent[0]->batch.records[0].ts_ms, wall_ms_);
  const auto body = boost::json::parse(sent[0]->batch.records[0].body).as_object();
  EXPECT_EQ(body.at("kind"), "snapshot");
  EXPECT_EQ(body.at("telephones").as_array().size(), 24u);
  EXPECT_FALSE(body.at("accounts").as_array().empty());
}

TEST_F(AgentTest, UnchangedRegistrationsStoreNothingAfterTheSnapshot) {
  pbx_.has_registrations = true;
  options_.registrations_interval = milliseconds(10'000);
  MakeAgent();
  for (int i = 0; i < 5; ++i) {
    Poll();
    Advance(milliseconds(10'000));
  }
  EXPECT_EQ(pbx_.registration_calls, 5);
  EXPECT_THAT(RegistrationKinds(), ::testing::ElementsAre("snapshot"));
}

TEST_F(AgentTest, RegistrationChangesAreStoredAtTheNextPoll) {
  pbx_.has_registrations = true;
  options_.registrations_interval = milliseconds(10'000);
  MakeAgent();
  Poll();
  pbx_.registrations.telephones[2].status = sources::TelephoneStatus::kUnknown;
  pbx_.registrations.accounts.clear();
  Advance(milliseconds(9'999));
  Poll();
  EXPECT_THAT(RegistrationKinds(), ::testing::ElementsAre("snapshot"));
  Advance(milliseconds(1));
  Poll();
  const auto bodies = StoredBodies(protocol::kStreamRegistrations);
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[1].at("kind"), "changes");
  EXPECT_EQ(bodies[1].at("telephones").at(0).at("id"), "tel-3");
  EXPECT_EQ(bodies[1].at("telephones").at(0).at("status"), "unknown");
  EXPECT_EQ(bodies[1].at("removed_accounts"), boost::json::array({"acc-01"}));
  EXPECT_EQ(agent_->counters().registration_changes, 1u);
}

TEST_F(AgentTest, RegistrationSnapshotIsRepeatedEverySnapshotInterval) {
  pbx_.has_registrations = true;
  options_.registrations_interval = milliseconds(10'000);
  options_.registrations_snapshot_interval = milliseconds(60'000);
  MakeAgent();
  for (int i = 0; i <= 12; ++i) {
    Poll();
    Advance(milliseconds(10'000));
  }
  EXPECT_THAT(RegistrationKinds(), ::testing::ElementsAre("snapshot", "snapshot", "snapshot"));
}

TEST_F(AgentTest, ARestartedAgentSendsARegistrationSnapshotFirst) {
  pbx_.has_registrations = true;
  MakeAgent();
  Poll();
  agent_.reset();
  outbox_.reset();
  MakeAgent();
  Poll();
  EXPECT_THAT(RegistrationKinds(), ::testing::ElementsAre("snapshot", "snapshot"));
}

TEST_F(AgentTest, RegistrationSnapshotFollowsWhenRegistrationRecordsWereThinned) {
  pbx_.has_registrations = true;
  options_.sample_interval = milliseconds(100);
  options_.registrations_interval = milliseconds(100);
  options_.registrations_snapshot_interval = std::chrono::hours(1);
  MakeAgent(/*max_bytes=*/32 * 1024, /*reserve=*/16 * 1024);
  Poll();
  // Changes every poll, telemetry every poll: the outbox fills and thins both streams.
  for (int i = 0; i < 400; ++i) {
    pbx_.registrations.telephones[0].name = "Phone " + std::to_string(i);
    Advance(milliseconds(100));
    Poll();
    if (agent_->counters().registration_snapshots >= 2) break;
  }
  EXPECT_GE(agent_->counters().registration_snapshots, 2u);
}

TEST_F(AgentTest, TelemetryThinningAloneSendsNoRegistrationSnapshot) {
  pbx_.has_registrations = true;
  options_.sample_interval = milliseconds(100);
  options_.registrations_snapshot_interval = std::chrono::hours(1);
  MakeAgent(/*max_bytes=*/32 * 1024, /*reserve=*/16 * 1024);
  Poll();
  // Only telemetry grows; the snapshot was handed out (in flight) so it cannot be thinned.
  publisher_.Connect();
  Poll();
  ASSERT_EQ(publisher_.SentOn(protocol::kStreamRegistrations).size(), 1u);
  publisher_.Disconnect();
  uint64_t thinned = 0;
  for (int i = 0; i < 400 && thinned == 0; ++i) {
    Advance(milliseconds(100));
    Poll();
    auto stats = outbox_->Stats();
    ASSERT_TRUE(stats.ok());
    for (const auto& s : stats->streams) {
      if (s.stream == protocol::kStreamTelemetry) thinned = s.dropped;
    }
  }
  ASSERT_GT(thinned, 0u);
  Advance(options_.registrations_interval);
  Poll();
  EXPECT_EQ(agent_->counters().registration_snapshots, 1u);
}

TEST_F(AgentTest, ASourceWithoutPbxDataIsAskedOnceAndThenLeftAlone) {
  options_.thinning_check_interval = std::chrono::hours(1);
  MakeAgent();
  Poll();
  for (int i = 0; i < 5; ++i) {
    Advance(std::chrono::minutes(1));
    Poll();
  }
  EXPECT_EQ(pbx_.registration_calls, 1);
  EXPECT_EQ(pbx_.call_reads, 1);
  EXPECT_EQ(pbx_.information_calls, 1);
  EXPECT_EQ(Depth(protocol::kStreamRegistrations), 0u);
  EXPECT_EQ(Depth(protocol::kStreamCalls), 0u);
  EXPECT_GT(agent_->NextWakeup(), now_);
}

TEST_F(AgentTest, CallsArePublishedOnTheirTopicWithTheCursorStored) {
  pbx_.has_calls = true;
  pbx_.AddCalls(3);
  MakeAgent();
  Poll();
  EXPECT_EQ(outbox_->Cursor("calls")->value_or(""), "5002");
  publisher_.Connect();
  Poll();
  auto sent = publisher_.SentOn(protocol::kStreamCalls);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]->topic, "ccc/v1/dev/pbx-001/up/calls");
  EXPECT_THAT(PublishedCallIds(), ::testing::ElementsAre(5000, 5001, 5002));
  EXPECT_EQ(agent_->counters().calls_stored, 3u);
}

TEST_F(AgentTest, NewCallsAreReadEveryCallsInterval) {
  pbx_.has_calls = true;
  pbx_.AddCalls(1);
  options_.calls_interval = milliseconds(5'000);
  MakeAgent();
  Poll();
  pbx_.AddCalls(2);
  Advance(milliseconds(4'999));
  Poll();
  EXPECT_EQ(Depth(protocol::kStreamCalls), 1u);
  Advance(milliseconds(1));
  Poll();
  EXPECT_EQ(Depth(protocol::kStreamCalls), 3u);
}

TEST_F(AgentTest, ALongCallHistoryIsReadPageByPageAcrossLoopRounds) {
  pbx_.has_calls = true;
  pbx_.AddCalls(1'234);
  options_.calls_pages_per_round = 1;
  options_.sample_interval = std::chrono::hours(1);
  options_.thinning_check_interval = std::chrono::hours(1);
  MakeAgent();
  Poll();
  EXPECT_EQ(Depth(protocol::kStreamCalls), 500u);
  EXPECT_LE(agent_->NextWakeup(), now_) << "the rest is read at once, in the next rounds";
  Poll();
  EXPECT_EQ(Depth(protocol::kStreamCalls), 1'000u);
  Poll();
  EXPECT_EQ(Depth(protocol::kStreamCalls), 1'234u);
  EXPECT_GT(agent_->NextWakeup(), now_);
  EXPECT_EQ(outbox_->Cursor("calls")->value_or(""), "6233");
}

TEST_F(AgentTest, ARestartedAgentReadsCallsAfterItsStoredCursor) {
  pbx_.has_calls = true;
  pbx_.AddCalls(2);
  MakeAgent();
  Poll();
  agent_.reset();
  outbox_.reset();
  pbx_.AddCalls(1);
  MakeAgent();
  Poll();
  publisher_.Connect();
  Poll();
  EXPECT_THAT(PublishedCallIds(), ::testing::ElementsAre(5000, 5001, 5002));
}

TEST_F(AgentTest, FullOutboxPausesCallsWithoutMovingTheCursorAndResumesWithoutAGap) {
  pbx_.has_calls = true;
  pbx_.AddCalls(1'500);
  options_.calls_page_records = 100;
  options_.calls_interval = milliseconds(1'000);
  options_.sample_interval = std::chrono::hours(1);
  options_.max_batch_records = 100;
  MakeAgent(/*max_bytes=*/96 * 1024, /*reserve=*/16 * 1024);
  for (int i = 0; i < 20 && !agent_->counters().source_paused; ++i) Poll();
  ASSERT_TRUE(agent_->counters().source_paused);
  const std::string cursor = outbox_->Cursor("calls")->value_or("");
  const uint64_t stored = Depth(protocol::kStreamCalls);
  EXPECT_EQ(cursor, std::to_string(5000 + stored - 1));
  auto events = StoredBodies(protocol::kStreamEvents);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].at("type"), "outbox_full");

  Advance(milliseconds(1'000));
  Poll();
  EXPECT_EQ(outbox_->Cursor("calls")->value_or(""), cursor);
  EXPECT_EQ(Depth(protocol::kStreamCalls), stored);

  publisher_.Connect();
  for (int i = 0; i < 200 && PublishedCallIds().size() < 1'500; ++i) {
    Poll();
    publisher_.FinishAll(PublishOutcome::kDelivered);
    Advance(milliseconds(1'000));
  }
  std::vector<uint64_t> expected;
  for (const auto& c : pbx_.calls) expected.push_back(c.id);
  EXPECT_EQ(PublishedCallIds(), expected);
  EXPECT_FALSE(agent_->counters().source_paused);
}

TEST_F(AgentTest, SysinfoCarriesTheDeviceInformationFromTheStart) {
  sources::PbxSimulator simulator({.serial = "SN-1"});
  MakeAgent(64ull * 1024 * 1024, 256 * 1024, &simulator);
  const auto sysinfo = StoredBodies(protocol::kStreamSystemInfo);
  ASSERT_EQ(sysinfo.size(), 1u);
  auto expected = simulator.Information(wall_ms_);
  ASSERT_TRUE(expected.ok());
  const auto& info = sysinfo[0].at("information").as_object();
  EXPECT_EQ(info.at("booted_at_ms").to_number<int64_t>(), expected->booted_at_ms);
  EXPECT_EQ(info.at("hardware_revision").as_string(), expected->hardware_revision);
  EXPECT_EQ(info.at("mac").as_string(), expected->mac);
  EXPECT_EQ(info.at("licences").as_array().size(), expected->licences.size());
  EXPECT_EQ(info.at("modules").as_array().size(), expected->modules.size());
  EXPECT_FALSE(info.contains("uptime_s"));
  EXPECT_EQ(sysinfo[0].at("serial"), "SN-1");
}

TEST_F(AgentTest, PassingUptimeSendsNoNewSysinfo) {
  pbx_.has_information = true;
  options_.information_interval = milliseconds(60'000);
  MakeAgent();
  for (int i = 0; i < 5; ++i) {
    Advance(milliseconds(60'000));
    Poll();
  }
  EXPECT_EQ(pbx_.information_calls, 6);
  EXPECT_EQ(Depth(protocol::kStreamSystemInfo), 1u);
}

TEST_F(AgentTest, ARestartOfThePbxSendsSysinfoWithTheNewStartTime) {
  pbx_.has_information = true;
  options_.information_interval = milliseconds(60'000);
  MakeAgent();
  pbx_.information.booted_at_ms = wall_ms_ + 30'000;
  Advance(milliseconds(60'000));
  Poll();
  const auto sysinfo = StoredBodies(protocol::kStreamSystemInfo);
  ASSERT_EQ(sysinfo.size(), 2u);
  EXPECT_EQ(sysinfo[1].at("information").at("booted_at_ms").to_number<int64_t>(),
            pbx_.information.booted_at_ms);
}

TEST_F(AgentTest, ALicenceChangeSendsSysinfoAtTheNextInformationPoll) {
  pbx_.has_information = true;
  options_.information_interval = milliseconds(60'000);
  MakeAgent();
  pbx_.information.licences[0].used = 25;
  Advance(milliseconds(59'999));
  Poll();
  EXPECT_EQ(Depth(protocol::kStreamSystemInfo), 1u);
  Advance(milliseconds(1));
  Poll();
  const auto sysinfo = StoredBodies(protocol::kStreamSystemInfo);
  ASSERT_EQ(sysinfo.size(), 2u);
  EXPECT_EQ(sysinfo[1].at("information").at("licences").at(0).at("used").to_number<int>(), 25);
}

TEST_F(AgentTest, AnIdentityChangeSendsSysinfoWithTheKnownInformation) {
  pbx_.has_information = true;
  MakeAgent();
  pbx_.identity.firmware = "2.7.0";
  Advance(options_.sample_interval);
  Poll();
  const auto sysinfo = StoredBodies(protocol::kStreamSystemInfo);
  ASSERT_EQ(sysinfo.size(), 2u);
  EXPECT_EQ(sysinfo[1].at("firmware"), "2.7.0");
  EXPECT_TRUE(sysinfo[1].contains("information"));
}

// A 2,000-phone snapshot is several times max_batch_bytes: it must still be published, alone.
TEST_F(AgentTest, ARecordLargerThanMaxBatchBytesIsPublishedAloneInItsOwnBatch) {
  pbx_.has_registrations = true;
  for (int i = 4; i <= 400; ++i) {
    auto t = pbx_.registrations.telephones[0];
    t.id = "tel-" + std::to_string(i);
    pbx_.registrations.telephones.push_back(t);
  }
  options_.max_batch_bytes = 4 * 1024;
  options_.registrations_interval = milliseconds(1'000);
  MakeAgent();
  Poll();
  for (int i = 0; i < 2; ++i) {
    pbx_.registrations.telephones[i].status = sources::TelephoneStatus::kUnknown;
    Advance(milliseconds(1'000));
    Poll();
  }
  const auto kinds = RegistrationKinds();
  ASSERT_THAT(kinds, ::testing::ElementsAre("snapshot", "changes", "changes"));
  publisher_.Connect();
  Poll();
  auto sent = publisher_.SentOn(protocol::kStreamRegistrations);
  ASSERT_EQ(sent.size(), 2u);
  ASSERT_EQ(sent[0]->batch.records.size(), 1u);
  EXPECT_GT(sent[0]->batch.records[0].body.size(), options_.max_batch_bytes * 10);
  EXPECT_EQ(sent[0]->batch.range_lo, 1u);
  EXPECT_EQ(sent[0]->batch.range_hi, 1u);
  EXPECT_EQ(sent[1]->batch.records.size(), 2u);
  EXPECT_EQ(sent[1]->batch.range_lo, 2u);
  publisher_.FinishAll(PublishOutcome::kDelivered);
  Poll();
  EXPECT_EQ(Depth(protocol::kStreamRegistrations), 0u);
}

}  // namespace
}  // namespace ccc::agent
