#include "agent/collect/registration_collector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "agent/collect/test_outbox.h"
#include "agent/sources/simulator/pbx_simulator.h"
#include "common/protocol/streams.h"

namespace ccc::agent::collect {
namespace {

using sources::TelephoneStatus;
using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr int64_t kNow = 1'700'000'000'000;

// A PBX whose registration state the test sets.
class FakeRegistrationSource : public sources::PbxSource {
 public:
  FakeRegistrationSource() {
    for (int i = 1; i <= 3; ++i) {
      sources::Telephone t;
      t.id = "tel-" + std::to_string(i);
      t.name = "Phone " + std::to_string(i);
      t.extension = std::to_string(200 + i);
      t.mac = "00:09:52:00:00:0" + std::to_string(i);
      t.model = "COMfortel D-400";
      t.status = TelephoneStatus::kRegisteredEncrypted;
      state.telephones.push_back(t);
    }
    sources::ProviderAccount a;
    a.id = "acc-01";
    a.name = "Main line";
    a.provider = "sipgate";
    a.status = sources::AccountStatus::kRegisteredEncrypted;
    state.accounts.push_back(a);
  }
  Result<sources::PbxIdentity> Identity() override {
    return sources::PbxIdentity{"SN-1", "COMtrexx Advanced", "2.6.6"};
  }
  Result<sources::RegistrationState> Registrations(int64_t now_ms) override {
    (void)now_ms;
    ++polls;
    if (fail) return *fail;
    return state;
  }
  sources::RegistrationState state;
  std::optional<Status> fail;
  int polls = 0;
};

class RegistrationCollectorTest : public ::testing::Test {
 protected:
  Status Poll() { return collector_->Poll(now_, kNow); }
  void PollOk() {
    const Status status = Poll();
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  std::vector<boost::json::object> Bodies() {
    std::vector<boost::json::object> out;
    for (const auto& r : outbox_.Records(protocol::kStreamRegistrations)) {
      out.push_back(boost::json::parse(r.body).as_object());
    }
    return out;
  }
  std::vector<std::string> Kinds() {
    std::vector<std::string> kinds;
    for (const auto& body : Bodies()) kinds.emplace_back(body.at("kind").as_string());
    return kinds;
  }

  testing::TestOutbox outbox_;
  FakeRegistrationSource source_;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
  std::unique_ptr<RegistrationCollector> collector_ =
      std::make_unique<RegistrationCollector>(source_, *outbox_, minutes(15));
};

TEST_F(RegistrationCollectorTest, FirstPollStoresASnapshotOfEverything) {
  PollOk();
  const auto bodies = Bodies();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0].at("kind"), "snapshot");
  EXPECT_EQ(bodies[0].at("telephones").as_array().size(), 3u);
  EXPECT_EQ(bodies[0].at("accounts").as_array().size(), 1u);
  EXPECT_EQ(collector_->snapshots_stored(), 1u);
}

TEST_F(RegistrationCollectorTest, RecordIsStampedWithThePollTime) {
  PollOk();
  EXPECT_EQ(outbox_.Records(protocol::kStreamRegistrations).at(0).ts_ms, kNow);
}

TEST_F(RegistrationCollectorTest, NothingIsStoredWhileNothingChanges) {
  PollOk();
  now_ += milliseconds(10'000);
  PollOk();
  now_ += milliseconds(10'000);
  PollOk();
  EXPECT_THAT(Kinds(), ::testing::ElementsAre("snapshot"));
}

TEST_F(RegistrationCollectorTest, AStatusChangeStoresOnlyThatTelephone) {
  PollOk();
  source_.state.telephones[1].status = TelephoneStatus::kRegistrationIncomplete;
  now_ += milliseconds(10'000);
  PollOk();
  const auto bodies = Bodies();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[1].at("kind"), "changes");
  ASSERT_EQ(bodies[1].at("telephones").as_array().size(), 1u);
  EXPECT_EQ(bodies[1].at("telephones").at(0).at("id"), "tel-2");
  EXPECT_EQ(bodies[1].at("telephones").at(0).at("status"), "registration_incomplete");
  EXPECT_EQ(bodies[1].at("accounts"), boost::json::array());
  EXPECT_EQ(bodies[1].at("removed_telephones"), boost::json::array());
}

TEST_F(RegistrationCollectorTest, ChangesAfterChangesAreRelativeToTheLastStoredRecord) {
  PollOk();
  source_.state.telephones[0].status = TelephoneStatus::kUnknown;
  PollOk();
  source_.state.telephones[0].status = TelephoneStatus::kRegisteredEncrypted;
  source_.state.accounts[0].status = sources::AccountStatus::kNotRegistered;
  PollOk();
  PollOk();
  const auto bodies = Bodies();
  ASSERT_EQ(bodies.size(), 3u);
  EXPECT_EQ(bodies[2].at("telephones").at(0).at("status"), "registered_encrypted");
  EXPECT_EQ(bodies[2].at("accounts").at(0).at("status"), "not_registered");
}

TEST_F(RegistrationCollectorTest, ARemovedTelephoneIsSentAsItsId) {
  PollOk();
  source_.state.telephones.erase(source_.state.telephones.begin());
  PollOk();
  const auto bodies = Bodies();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[1].at("kind"), "changes");
  EXPECT_EQ(bodies[1].at("telephones"), boost::json::array());
  EXPECT_EQ(bodies[1].at("removed_telephones"), boost::json::array({"tel-1"}));
}

TEST_F(RegistrationCollectorTest, SnapshotAgainOnceTheSnapshotIntervalPassed) {
  PollOk();
  now_ += minutes(15) - milliseconds(1);
  PollOk();
  EXPECT_THAT(Kinds(), ::testing::ElementsAre("snapshot"));
  now_ += milliseconds(1);
  PollOk();
  EXPECT_THAT(Kinds(), ::testing::ElementsAre("snapshot", "snapshot"));
}

TEST_F(RegistrationCollectorTest, TheIntervalCountsFromTheLastSnapshot) {
  PollOk();
  now_ += minutes(15);
  source_.state.telephones[0].status = TelephoneStatus::kUnknown;
  PollOk();  // due: a snapshot, which includes the change
  now_ += minutes(10);
  source_.state.telephones[0].status = TelephoneStatus::kRegisteredEncrypted;
  PollOk();
  EXPECT_THAT(Kinds(), ::testing::ElementsAre("snapshot", "snapshot", "changes"));
}

TEST_F(RegistrationCollectorTest, ARequestedSnapshotIsStoredEvenWithoutChanges) {
  PollOk();
  collector_->RequestSnapshot();
  PollOk();
  PollOk();
  EXPECT_THAT(Kinds(), ::testing::ElementsAre("snapshot", "snapshot"));
}

TEST_F(RegistrationCollectorTest, ARestartedAgentBeginsWithASnapshot) {
  PollOk();
  outbox_.Reopen();
  collector_ = std::make_unique<RegistrationCollector>(source_, *outbox_, minutes(15));
  PollOk();
  EXPECT_THAT(Kinds(), ::testing::ElementsAre("snapshot", "snapshot"));
}

TEST_F(RegistrationCollectorTest, ASourceErrorStoresNothingAndTheNextPollCatchesUp) {
  PollOk();
  source_.fail = Unavailable("PBX not reachable");
  EXPECT_EQ(Poll().code(), StatusCode::kUnavailable);
  source_.fail.reset();
  source_.state.telephones[2].status = TelephoneStatus::kUnknown;
  PollOk();
  EXPECT_THAT(Kinds(), ::testing::ElementsAre("snapshot", "changes"));
}

TEST_F(RegistrationCollectorTest, ARefusedRecordIsNotCountedAsSent) {
  source_.state.telephones[0].name =
      std::string(protocol::CodecLimits{}.max_body_bytes + 1, 'x');  // beyond the limit
  EXPECT_EQ(Poll().code(), StatusCode::kInvalidArgument);
  source_.state.telephones[0].name = "Reception";
  PollOk();
  EXPECT_THAT(Kinds(), ::testing::ElementsAre("snapshot"));
}

TEST_F(RegistrationCollectorTest, ASourceWithoutRegistrationStatusAnswersUnsupported) {
  struct IdentityOnly : sources::PbxSource {
    Result<sources::PbxIdentity> Identity() override { return sources::PbxIdentity{}; }
  } source;
  RegistrationCollector collector(source, *outbox_, minutes(15));
  EXPECT_EQ(collector.Poll(now_, kNow).code(), StatusCode::kUnsupported);
}

TEST_F(RegistrationCollectorTest, TheSimulatorsStatusChangesBecomeChangesRecords) {
  sources::PbxSimulator simulator({.serial = "SN-REG", .phones = 200});
  RegistrationCollector collector(simulator, *outbox_, std::chrono::hours(24));
  // One poll per 10-minute status slot over a day: every slot with a change stores one
  // "changes" record, the others nothing.
  int changed_slots = 0;
  std::optional<sources::RegistrationState> previous;
  for (int slot = 0; slot < 144; ++slot) {
    const int64_t at = kNow + slot * 600'000LL;
    auto state = simulator.Registrations(at);
    ASSERT_TRUE(state.ok());
    if (previous && !(*previous == *state)) ++changed_slots;
    previous = *state;
    ASSERT_TRUE(collector.Poll(now_, at).ok());
  }
  EXPECT_GT(changed_slots, 0);
  EXPECT_EQ(collector.snapshots_stored(), 1u);
  EXPECT_EQ(collector.changes_stored(), static_cast<uint64_t>(changed_slots));
}

}  // namespace
}  // namespace ccc::agent::collect
