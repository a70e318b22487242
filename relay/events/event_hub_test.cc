#include "relay/events/event_hub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <variant>

#include "common/sqlite/sqlite_db.h"
#include "relay/directory/directory_test_util.h"
#include "relay/store/pbx_test_bodies.h"
#include "relay/store/store.h"

namespace ccc::relay::events {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kDeadline = 5s;

using ChunkMatcher = std::function<bool(const std::string&)>;

// A chunk with a "registrations" event naming `id`: alone or with other systems of the
// same poll.
ChunkMatcher RegistrationsNaming(int64_t id) {
  return [id](const std::string& chunk) {
    static const std::regex kEvent(R"(event: registrations\ndata: \{"ids":\[([0-9,]*)\]\})");
    for (std::sregex_iterator it(chunk.begin(), chunk.end(), kEvent), end; it != end; ++it) {
      std::stringstream list((*it)[1].str());
      for (std::string item; std::getline(list, item, ',');) {
        if (item == std::to_string(id)) return true;
      }
    }
    return false;
  };
}

ChunkMatcher Containing(std::string needle) {
  return [needle = std::move(needle)](const std::string& chunk) {
    return chunk.find(needle) != std::string::npos;
  };
}

// A stream end that records what it is sent, as the HTTP server's sink would carry it.
class RecordingSink : public http::StreamSink {
 public:
  bool Send(std::string chunk) override {
    std::lock_guard lock(mu_);
    if (closed_ || refusing_) return false;
    text_ += chunk;
    arrivals_.emplace_back(Clock::now(), std::move(chunk));
    changed_.notify_all();
    return true;
  }
  void Close() override {
    std::lock_guard lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }
  bool closed() const override {
    std::lock_guard lock(mu_);
    return closed_;
  }

  // The peer left: Send fails from now on, but closed() does not tell yet.
  void RefuseFromNowOn() {
    std::lock_guard lock(mu_);
    refusing_ = true;
  }

  // True once the text received so far contains `needle`.
  bool WaitFor(const std::string& needle) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, kDeadline,
                             [&] { return text_.find(needle) != std::string::npos; });
  }

  // True once `count` chunks for which `matches` holds arrived.
  bool WaitForCount(const ChunkMatcher& matches, size_t count) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, kDeadline,
                             [&] { return ArrivalsLocked(matches).size() >= count; });
  }

  // When each chunk for which `matches` holds arrived, in order.
  std::vector<Clock::time_point> Arrivals(const ChunkMatcher& matches) const {
    std::lock_guard lock(mu_);
    return ArrivalsLocked(matches);
  }

  bool WaitClosed() {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, kDeadline, [&] { return closed_; });
  }

  std::string text() const {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Clock::time_point> ArrivalsLocked(const ChunkMatcher& matches) const {
    std::vector<Clock::time_point> times;
    for (const auto& [at, chunk] : arrivals_) {
      if (matches(chunk)) times.push_back(at);
    }
    return times;
  }

  std::string text_;
  std::vector<std::pair<Clock::time_point, std::string>> arrivals_;
  bool closed_ = false;
  bool refusing_ = false;
};

std::string SystemsEvent(int64_t id) {
  return "event: systems\ndata: {\"ids\":[" + std::to_string(id) + "]}\n\n";
}

std::string RegistrationsEvent(int64_t id) {
  return "event: registrations\ndata: {\"ids\":[" + std::to_string(id) + "]}\n\n";
}

// True when some "ids" list in the stream names `id`.
bool NamesId(const std::string& text, int64_t id) {
  static const std::regex kIds(R"(\{"ids":\[([0-9,]*)\]\})");
  for (std::sregex_iterator it(text.begin(), text.end(), kIds), end; it != end; ++it) {
    std::stringstream list((*it)[1].str());
    for (std::string item; std::getline(list, item, ',');) {
      if (item == std::to_string(id)) return true;
    }
  }
  return false;
}

bool WaitUntil(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

class EventHubTest : public directory::testutil::DirectoryTest {
 protected:
  void SetUp() override {
    DirectoryTest::SetUp();
    auto store = store::OpenSqliteStore({Options().ingest_path, false});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    company_a_ = MakeCompany("Company A");
    company_b_ = MakeCompany("Company B");
    user_a_ = MakeUser(company_a_, "a@example.com");
    user_b_ = MakeUser(company_b_, "b@example.com");
  }

  void TearDown() override {
    if (hub_) hub_->Stop();
    hub_.reset();
    store_.reset();
    DirectoryTest::TearDown();
  }

  EventHubOptions FastOptions() {
    EventHubOptions options;
    options.poll_interval = 20ms;
    options.ingest_path = Options().ingest_path;
    options.registrations_interval = 0ms;  // the throttle test sets its own
    return options;
  }

  // A system of company A owned by user A whose device is paired (in the ingest allow-list).
  int64_t MakePairedSystem(const std::string& serial) {
    const int64_t system = MakeSystem(company_a_, user_a_, serial);
    Status registered = store_->RegisterDevice(serial, kNow);
    EXPECT_TRUE(registered.ok()) << registered.ToString();
    return system;
  }

  // One "registrations" record of the device, ingested as the relay's pipeline does (its
  // own seq per call, ts = kNow + seq seconds).
  void ReportRegistrations(const std::string& serial, bool snapshot,
                           const std::vector<store::TelephoneRow>& telephones) {
    const uint64_t seq = ++registration_seq_;
    protocol::Batch batch;
    batch.device = serial;
    batch.stream = "registrations";
    batch.epoch = 1;
    batch.range_lo = batch.range_hi = seq;
    batch.sent_ms = kNow;
    batch.records.push_back({seq, kNow + static_cast<int64_t>(seq) * 1000,
                             store::testing::RegistrationBody(snapshot, telephones, {})});
    auto outcome = store_->IngestBatches({batch}, kNow);
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    ASSERT_EQ(outcome->records_stored, 1u);
  }

  void StartHub(EventHubOptions options) {
    hub_ = std::make_unique<EventHub>(options, dir());
    Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  // A stream of user in company, attached to a fresh sink.
  std::shared_ptr<RecordingSink> Subscribe(int64_t company, int64_t user,
                                           std::function<bool()> still_valid = nullptr) {
    auto reserved = hub_->Reserve({company, user, std::move(still_valid)});
    if (!std::holds_alternative<std::shared_ptr<EventHub::Ticket>>(reserved)) {
      ADD_FAILURE() << "refused";
      return std::make_shared<RecordingSink>();
    }
    auto sink = std::make_shared<RecordingSink>();
    std::get<std::shared_ptr<EventHub::Ticket>>(reserved)->Attach(sink);
    return sink;
  }

  // Writes audit rows in ONE transaction, so a single poll sees all of them.
  void WriteAuditRows(const std::vector<directory::AuditEntry>& entries) {
    auto db = sqlite::Database::Open(Options().path);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(db->Exec("BEGIN IMMEDIATE").ok());
    for (const directory::AuditEntry& entry : entries) {
      auto stmt = db->Prepare(
          "INSERT INTO audit_log(ts_ms, company_id, actor, action, target_type, target_id,"
          " details_json) VALUES(?1, ?2, 'test', ?3, ?4, ?5, ?6)");
      ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
      stmt->Bind(1, kNow);
      if (entry.company_id) {
        stmt->Bind(2, *entry.company_id);
      } else {
        stmt->BindNull(2);
      }
      stmt->Bind(3, std::string_view(entry.action))
          .Bind(4, std::string_view(entry.target_type))
          .Bind(5, std::string_view(entry.target_id))
          .Bind(6, std::string_view(entry.details_json));
      ASSERT_TRUE(stmt->Run().ok());
    }
    ASSERT_TRUE(db->Exec("COMMIT").ok());
  }

  static directory::AuditEntry Row(std::optional<int64_t> company, std::string action,
                                   std::string target_type, std::string target_id,
                                   std::string details = "{}") {
    directory::AuditEntry entry;
    entry.company_id = company;
    entry.action = std::move(action);
    entry.target_type = std::move(target_type);
    entry.target_id = std::move(target_id);
    entry.details_json = std::move(details);
    return entry;
  }

  // A system change in company B that B's stream is waited for: everything the hub saw
  // before it has been delivered by then (one poll delivers in order).
  void WaitForMarkerInB(const std::shared_ptr<RecordingSink>& sink_b) {
    const int64_t marker = MakeSystem(company_b_, user_b_);
    ASSERT_TRUE(sink_b->WaitFor(SystemsEvent(marker))) << sink_b->text();
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<EventHub> hub_;
  uint64_t registration_seq_ = 0;
  int64_t company_a_ = 0;
  int64_t company_b_ = 0;
  int64_t user_a_ = 0;
  int64_t user_b_ = 0;
};

// --- Mapping audit rows ------------------------------------------------------------------

TEST(ChangesOf, ASystemRowIsASystemsChangeOfItsCompany) {
  directory::AuditEntry entry;
  entry.company_id = 3;
  entry.action = "system.pair";
  entry.target_type = "system";
  entry.target_id = "17";
  auto changes = ChangesOf(entry);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].type, kSystemsEvent);
  EXPECT_EQ(changes[0].company_id, 3);
  EXPECT_EQ(changes[0].id, 17);
}

TEST(ChangesOf, LoginsLogoutsAndFailedAttemptsChangeNothing) {
  for (const char* action : {"session.login", "session.logout", "session.login_failed",
                             "pairing.failed", "pairing.unpair_failed"}) {
    directory::AuditEntry entry;
    entry.company_id = 1;
    entry.action = action;
    entry.target_type = std::string(action).starts_with("session") ? "user" : "system";
    entry.target_id = "1";
    EXPECT_TRUE(ChangesOf(entry).empty()) << action;
  }
}

TEST(ChangesOf, AGrantChangesAuthorisationsAndTheSystemItNames) {
  directory::AuditEntry entry;
  entry.company_id = 2;
  entry.action = "authorisation.grant";
  entry.target_type = "authorisation";
  entry.target_id = "9";
  entry.details_json = R"({"user_id":4,"system_id":11})";
  auto changes = ChangesOf(entry);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].type, kAuthorisationsEvent);
  EXPECT_EQ(changes[0].id, 9);
  EXPECT_EQ(changes[1].type, kSystemsEvent);
  EXPECT_EQ(changes[1].id, 11);
}

TEST(ChangesOf, NewsAndTheMinimumFirmwareConcernEveryCompany) {
  directory::AuditEntry news;
  news.action = "news.add";
  news.target_type = "news";
  news.target_id = "5";
  auto changes = ChangesOf(news);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].type, kNewsEvent);
  EXPECT_FALSE(changes[0].company_id.has_value());

  directory::AuditEntry firmware;
  firmware.action = "operator.minimum_firmware";
  firmware.target_type = "operator_setting";
  changes = ChangesOf(firmware);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].type, kSystemsEvent);
  EXPECT_FALSE(changes[0].company_id.has_value());
  EXPECT_FALSE(changes[0].id.has_value());
}

TEST(ChangesOf, ApiTokensAndCompaniesAreNotEvents) {
  directory::AuditEntry entry;
  entry.company_id = 1;
  entry.action = "api_token.create";
  entry.target_type = "api_token";
  entry.target_id = "3";
  EXPECT_TRUE(ChangesOf(entry).empty());
}

TEST(CredentialEndOf, NamesTheUserOfALogoutADisableAndADeletedToken) {
  directory::AuditEntry logout;
  logout.action = "session.logout";
  logout.target_id = "7";
  EXPECT_EQ(CredentialEndOf(logout), 7);
  directory::AuditEntry token;
  token.action = "api_token.delete";
  token.details_json = R"({"name":"x","user_id":8})";
  EXPECT_EQ(CredentialEndOf(token), 8);
  directory::AuditEntry rename;
  rename.action = "system.rename";
  rename.target_id = "7";
  EXPECT_FALSE(CredentialEndOf(rename).has_value());
}

TEST(FormatEvent, WritesTypeAndIdsOrAnEmptyObject) {
  EXPECT_EQ(FormatEvent("groups", std::vector<int64_t>{1, 2}),
            "event: groups\ndata: {\"ids\":[1,2]}\n\n");
  EXPECT_EQ(FormatEvent("news", std::nullopt), "event: news\ndata: {}\n\n");
}

// --- The hub -----------------------------------------------------------------------------

TEST_F(EventHubTest, ANewStreamGetsTheRetryDelayAndReady) {
  StartHub(FastOptions());
  auto sink = Subscribe(company_a_, user_a_);
  EXPECT_EQ(sink->text(), "retry: 3000\nevent: ready\ndata: {}\n\n");
}

TEST_F(EventHubTest, ACreatedSystemReachesItsCompanyOnly) {
  StartHub(FastOptions());
  auto sink_a = Subscribe(company_a_, user_a_);
  auto sink_b = Subscribe(company_b_, user_b_);
  const int64_t system = MakeSystem(company_a_, user_a_);
  ASSERT_TRUE(sink_a->WaitFor(SystemsEvent(system))) << sink_a->text();
  WaitForMarkerInB(sink_b);
  EXPECT_FALSE(NamesId(sink_b->text(), system)) << sink_b->text();
}

TEST_F(EventHubTest, ChangesOfOnePollBecomeOneEventWithAllIds) {
  StartHub(FastOptions());
  auto sink = Subscribe(company_a_, user_a_);
  WriteAuditRows({Row(company_a_, "system.rename", "system", "31"),
                  Row(company_a_, "system.rename", "system", "32"),
                  Row(company_a_, "system.rename", "system", "31"),
                  Row(company_a_, "group.create", "group", "4")});
  ASSERT_TRUE(sink->WaitFor("event: groups\ndata: {\"ids\":[4]}\n\n")) << sink->text();
  EXPECT_THAT(sink->text(), HasSubstr("event: systems\ndata: {\"ids\":[31,32]}\n\n"));
  EXPECT_EQ(sink->text().find("event: systems"), sink->text().rfind("event: systems"));
}

TEST_F(EventHubTest, TooManyIdsAreLeftOut) {
  EventHubOptions options = FastOptions();
  options.max_ids = 2;
  StartHub(options);
  auto sink = Subscribe(company_a_, user_a_);
  WriteAuditRows({Row(company_a_, "system.rename", "system", "1"),
                  Row(company_a_, "system.rename", "system", "2"),
                  Row(company_a_, "system.rename", "system", "3")});
  EXPECT_TRUE(sink->WaitFor("event: systems\ndata: {}\n\n")) << sink->text();
}

TEST_F(EventHubTest, ChangesBeforeTheStartAreNotReported) {
  const int64_t before = MakeSystem(company_a_, user_a_);
  StartHub(FastOptions());
  auto sink = Subscribe(company_a_, user_a_);
  auto sink_b = Subscribe(company_b_, user_b_);
  WaitForMarkerInB(sink_b);
  EXPECT_FALSE(NamesId(sink->text(), before)) << sink->text();
}

TEST_F(EventHubTest, ADeviceGoingOnlineIsASystemsEventOfItsCompany) {
  const int64_t system = MakeSystem(company_a_, user_a_, "PBX-ONLINE-1");
  StartHub(FastOptions());
  auto sink_a = Subscribe(company_a_, user_a_);
  auto sink_b = Subscribe(company_b_, user_b_);
  ASSERT_TRUE(store_->RegisterDevice("PBX-ONLINE-1", kNow).ok());
  ASSERT_TRUE(store_->SetPresence("PBX-ONLINE-1", true, kNow).ok());
  ASSERT_TRUE(sink_a->WaitFor(SystemsEvent(system))) << sink_a->text();
  WaitForMarkerInB(sink_b);
  EXPECT_FALSE(NamesId(sink_b->text(), system)) << sink_b->text();
}

TEST_F(EventHubTest, ADeviceLeavingTheAllowListIsASystemsEvent) {
  const int64_t system = MakeSystem(company_a_, user_a_, "PBX-GONE-1");
  ASSERT_TRUE(store_->RegisterDevice("PBX-GONE-1", kNow).ok());
  StartHub(FastOptions());
  auto sink = Subscribe(company_a_, user_a_);
  ASSERT_TRUE(store_->RemoveDevice("PBX-GONE-1").ok());
  EXPECT_TRUE(sink->WaitFor(SystemsEvent(system))) << sink->text();
}

TEST_F(EventHubTest, NewSysinfoIsASystemsEvent) {
  const int64_t system = MakeSystem(company_a_, user_a_, "PBX-SYSINFO-1");
  ASSERT_TRUE(store_->RegisterDevice("PBX-SYSINFO-1", kNow).ok());
  StartHub(FastOptions());
  auto sink = Subscribe(company_a_, user_a_);
  ReportDevice("PBX-SYSINFO-1", false, std::nullopt, R"({"firmware":"2.6.7"})");
  EXPECT_TRUE(sink->WaitFor(SystemsEvent(system))) << sink->text();
}

TEST_F(EventHubTest, ANewLastSeenAloneIsNoEvent) {
  const int64_t system = MakeSystem(company_a_, user_a_, "PBX-SEEN-1");
  ASSERT_TRUE(store_->RegisterDevice("PBX-SEEN-1", kNow).ok());
  ASSERT_TRUE(store_->SetPresence("PBX-SEEN-1", true, kNow).ok());
  StartHub(FastOptions());
  auto sink = Subscribe(company_a_, user_a_);
  ASSERT_TRUE(store_->SetPresence("PBX-SEEN-1", true, kNow + 60'000).ok());
  const int64_t marker = MakeSystem(company_a_, user_a_);
  ASSERT_TRUE(sink->WaitFor(SystemsEvent(marker))) << sink->text();
  EXPECT_FALSE(NamesId(sink->text(), system)) << sink->text();
}

TEST_F(EventHubTest, ChangedTelephonesAreARegistrationsEventNamingTheSystem) {
  const int64_t system = MakePairedSystem("PBX-REG-1");
  StartHub(FastOptions());
  auto sink = Subscribe(company_a_, user_a_);
  ReportRegistrations("PBX-REG-1", true, {store::testing::DeskPhone(1)});
  ASSERT_TRUE(sink->WaitFor(RegistrationsEvent(system))) << sink->text();
  ReportRegistrations("PBX-REG-1", false, {store::testing::DeskPhone(1, "unknown")});
  EXPECT_TRUE(sink->WaitForCount(RegistrationsNaming(system), 2)) << sink->text();
}

TEST_F(EventHubTest, ARegistrationReportThatChangesNothingIsNoEvent) {
  const int64_t system = MakePairedSystem("PBX-REG-SAME");
  StartHub(FastOptions());
  auto sink = Subscribe(company_a_, user_a_);
  ReportRegistrations("PBX-REG-SAME", true, {store::testing::DeskPhone(1)});
  ASSERT_TRUE(sink->WaitFor(RegistrationsEvent(system))) << sink->text();
  // The periodic snapshot repeating what the relay has.
  ReportRegistrations("PBX-REG-SAME", true, {store::testing::DeskPhone(1)});
  const int64_t marker = MakeSystem(company_a_, user_a_);
  ASSERT_TRUE(sink->WaitFor(SystemsEvent(marker))) << sink->text();
  EXPECT_EQ(sink->Arrivals(Containing("event: registrations")).size(), 1u) << sink->text();
}

TEST_F(EventHubTest, RegistrationsChangesBeforeTheStartAreNotReported) {
  const int64_t system = MakePairedSystem("PBX-REG-EARLY");
  ReportRegistrations("PBX-REG-EARLY", true, {store::testing::DeskPhone(1)});
  StartHub(FastOptions());
  auto sink = Subscribe(company_a_, user_a_);
  const int64_t marker = MakeSystem(company_a_, user_a_);
  ASSERT_TRUE(sink->WaitFor(SystemsEvent(marker))) << sink->text();
  EXPECT_THAT(sink->text(), ::testing::Not(HasSubstr(RegistrationsEvent(system))));
}

TEST_F(EventHubTest, AnotherCompanyGetsNoRegistrationsEvent) {
  const int64_t system = MakePairedSystem("PBX-REG-2");
  StartHub(FastOptions());
  auto sink_a = Subscribe(company_a_, user_a_);
  auto sink_b = Subscribe(company_b_, user_b_);
  ReportRegistrations("PBX-REG-2", true, {store::testing::DeskPhone(1)});
  ASSERT_TRUE(sink_a->WaitFor(RegistrationsEvent(system))) << sink_a->text();
  WaitForMarkerInB(sink_b);
  EXPECT_THAT(sink_b->text(), ::testing::Not(HasSubstr("event: registrations"))) << sink_b->text();
}

TEST_F(EventHubTest, AUserWithoutARoleOnTheSystemGetsNoRegistrationsEvent) {
  const int64_t system = MakePairedSystem("PBX-REG-3");
  const int64_t colleague = MakeUser(company_a_, "colleague@example.com", true);
  StartHub(FastOptions());
  auto owner = Subscribe(company_a_, user_a_);
  auto without_role = Subscribe(company_a_, colleague);
  ReportRegistrations("PBX-REG-3", true, {store::testing::DeskPhone(1)});
  ASSERT_TRUE(owner->WaitFor(RegistrationsEvent(system))) << owner->text();
  // A later change the colleague does get: everything of the earlier poll has arrived.
  const int64_t marker = MakeSystem(company_a_, colleague);
  ASSERT_TRUE(without_role->WaitFor(SystemsEvent(marker))) << without_role->text();
  EXPECT_THAT(without_role->text(), ::testing::Not(HasSubstr("event: registrations")))
      << without_role->text();
}

TEST_F(EventHubTest, AUserGrantedAnyRoleOnTheSystemGetsTheRegistrationsEvent) {
  const int64_t system = MakePairedSystem("PBX-REG-4");
  const int64_t colleague = MakeUser(company_a_);
  auto granted = dir().UpsertAuthorisation(colleague, system, {policy::Role::kBackup}, user_a_,
                                           kNow, ActorFor(user_a_));
  ASSERT_TRUE(granted.ok()) << granted.status().ToString();
  StartHub(FastOptions());
  auto sink = Subscribe(company_a_, colleague);
  ReportRegistrations("PBX-REG-4", true, {store::testing::DeskPhone(1)});
  EXPECT_TRUE(sink->WaitFor(RegistrationsEvent(system))) << sink->text();
}

TEST_F(EventHubTest, ASystemGetsAtMostOneRegistrationsEventPerInterval) {
  constexpr auto kInterval = 1s;
  const int64_t system = MakePairedSystem("PBX-REG-5");
  const int64_t other = MakePairedSystem("PBX-REG-6");
  EventHubOptions options = FastOptions();
  options.registrations_interval = kInterval;
  StartHub(options);
  auto sink = Subscribe(company_a_, user_a_);
  ReportRegistrations("PBX-REG-5", true, {store::testing::DeskPhone(1)});
  ASSERT_TRUE(sink->WaitFor(RegistrationsEvent(system))) << sink->text();
  // Two more changes within the interval, and one of another system, which is not held back.
  ReportRegistrations("PBX-REG-5", false, {store::testing::DeskPhone(2)});
  ReportRegistrations("PBX-REG-6", true, {store::testing::DeskPhone(1)});
  ReportRegistrations("PBX-REG-5", false, {store::testing::DeskPhone(3)});
  ASSERT_TRUE(sink->WaitForCount(RegistrationsNaming(other), 1)) << sink->text();
  // Held back, not dropped: one event when the interval is over.
  ASSERT_TRUE(sink->WaitForCount(RegistrationsNaming(system), 2)) << sink->text();
  const std::vector<Clock::time_point> sent = sink->Arrivals(RegistrationsNaming(system));
  ASSERT_EQ(sent.size(), 2u) << sink->text();
  // The hub takes its clock before the access check and the send: a little slack.
  EXPECT_GE(sent[1] - sent[0], kInterval - 100ms);
  EXPECT_LT(sink->Arrivals(RegistrationsNaming(other))[0], sent[1])
      << "another system's change waited for the first system's interval";
}

TEST_F(EventHubTest, WithoutTheIngestDatabaseThereAreNoRegistrationsEvents) {
  MakePairedSystem("PBX-REG-7");
  EventHubOptions options = FastOptions();
  options.ingest_path.clear();
  StartHub(options);
  auto sink = Subscribe(company_a_, user_a_);
  ReportRegistrations("PBX-REG-7", true, {store::testing::DeskPhone(1)});
  const int64_t marker = MakeSystem(company_a_, user_a_);
  ASSERT_TRUE(sink->WaitFor(SystemsEvent(marker))) << sink->text();
  EXPECT_THAT(sink->text(), ::testing::Not(HasSubstr("event: registrations"))) << sink->text();
}

TEST_F(EventHubTest, NewsReachesEveryCompany) {
  StartHub(FastOptions());
  auto sink_a = Subscribe(company_a_, user_a_);
  auto sink_b = Subscribe(company_b_, user_b_);
  auto id = dir().AddNews("Maintenance window", "Sunday 02:00", kNow, OperatorActor());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const std::string event = "event: news\ndata: {\"ids\":[" + std::to_string(*id) + "]}\n\n";
  EXPECT_TRUE(sink_a->WaitFor(event)) << sink_a->text();
  EXPECT_TRUE(sink_b->WaitFor(event)) << sink_b->text();
}

TEST_F(EventHubTest, ALogoutInTheAuditLogChecksTheUsersStreamsAtOnce) {
  StartHub(FastOptions());  // the periodic check (60 s) does not come into play
  std::atomic<bool> valid{true};
  auto sink = Subscribe(company_a_, user_a_, [&valid] { return valid.load(); });
  auto other = Subscribe(company_a_, MakeUser(company_a_), [] { return false; });
  valid = false;
  WriteAuditRows({Row(company_a_, "session.logout", "user", std::to_string(user_a_))});
  EXPECT_TRUE(sink->WaitClosed());
  EXPECT_FALSE(other->closed()) << "only the logged-out user's streams are checked";
}

TEST_F(EventHubTest, ThePeriodicCheckClosesStreamsWhoseSessionEnded) {
  EventHubOptions options = FastOptions();
  options.session_check_interval = 50ms;
  StartHub(options);
  std::atomic<bool> valid{true};
  auto sink = Subscribe(company_a_, user_a_, [&valid] { return valid.load(); });
  valid = false;
  EXPECT_TRUE(sink->WaitClosed());
  EXPECT_TRUE(WaitUntil([&] { return hub_->stream_count() == 0; }));
}

TEST_F(EventHubTest, HeartbeatsKeepTheStreamAlive) {
  EventHubOptions options = FastOptions();
  options.heartbeat_interval = 50ms;
  StartHub(options);
  auto sink = Subscribe(company_a_, user_a_);
  EXPECT_TRUE(sink->WaitFor(": ping\n\n"));
}

TEST_F(EventHubTest, AStreamWhosePeerLeftIsForgotten) {
  EventHubOptions options = FastOptions();
  options.heartbeat_interval = 50ms;
  StartHub(options);
  auto sink = Subscribe(company_a_, user_a_);
  sink->RefuseFromNowOn();
  EXPECT_TRUE(WaitUntil([&] { return hub_->stream_count() == 0; }));
}

TEST_F(EventHubTest, AUserGetsAtMostTheConfiguredNumberOfStreams) {
  EventHubOptions options = FastOptions();
  options.max_streams_per_user = 2;
  StartHub(options);
  auto first = Subscribe(company_a_, user_a_);
  auto second = Subscribe(company_a_, user_a_);
  auto third = hub_->Reserve({company_a_, user_a_, nullptr});
  ASSERT_TRUE(std::holds_alternative<Refusal>(third));
  EXPECT_EQ(std::get<Refusal>(third), Refusal::kTooManyForUser);
  EXPECT_TRUE(std::holds_alternative<std::shared_ptr<EventHub::Ticket>>(
      hub_->Reserve({company_b_, user_b_, nullptr})));
  first->Close();  // the peer left: its slot is free again
  EXPECT_TRUE(std::holds_alternative<std::shared_ptr<EventHub::Ticket>>(
      hub_->Reserve({company_a_, user_a_, nullptr})));
}

TEST_F(EventHubTest, TheRelayGetsAtMostTheConfiguredNumberOfStreams) {
  EventHubOptions options = FastOptions();
  options.max_streams = 2;
  StartHub(options);
  auto first = Subscribe(company_a_, user_a_);
  auto second = Subscribe(company_b_, user_b_);
  auto third = hub_->Reserve({company_a_, MakeUser(company_a_), nullptr});
  ASSERT_TRUE(std::holds_alternative<Refusal>(third));
  EXPECT_EQ(std::get<Refusal>(third), Refusal::kTooManyStreams);
}

TEST_F(EventHubTest, AnUnattachedTicketFreesItsSlot) {
  StartHub(FastOptions());
  {
    auto reserved = hub_->Reserve({company_a_, user_a_, nullptr});
    ASSERT_TRUE(std::holds_alternative<std::shared_ptr<EventHub::Ticket>>(reserved));
    EXPECT_EQ(hub_->stream_count(), 1u);
  }
  EXPECT_EQ(hub_->stream_count(), 0u);
}

TEST_F(EventHubTest, NothingIsReservedBeforeStartOrAfterStop) {
  hub_ = std::make_unique<EventHub>(FastOptions(), dir());
  auto before = hub_->Reserve({company_a_, user_a_, nullptr});
  ASSERT_TRUE(std::holds_alternative<Refusal>(before));
  EXPECT_EQ(std::get<Refusal>(before), Refusal::kNotRunning);
  ASSERT_TRUE(hub_->Start().ok());
  hub_->Stop();
  EXPECT_TRUE(std::holds_alternative<Refusal>(hub_->Reserve({company_a_, user_a_, nullptr})));
}

TEST_F(EventHubTest, StopClosesEveryStream) {
  StartHub(FastOptions());
  auto sink_a = Subscribe(company_a_, user_a_);
  auto sink_b = Subscribe(company_b_, user_b_);
  hub_->Stop();
  EXPECT_TRUE(sink_a->closed());
  EXPECT_TRUE(sink_b->closed());
  EXPECT_EQ(hub_->stream_count(), 0u);
}

}  // namespace
}  // namespace ccc::relay::events
