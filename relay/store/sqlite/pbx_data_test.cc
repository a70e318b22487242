#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <random>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/sqlite/migrations.h"
#include "common/sqlite/sqlite_db.h"
#include "relay/store/pbx_records.h"
#include "relay/store/pbx_test_bodies.h"
#include "relay/store/sqlite/sqlite_schema.h"
#include "relay/store/sqlite/sqlite_store.h"

namespace ccc::relay::store {
namespace {

using testing::CallBody;
using testing::DeskPhone;
using testing::RegistrationBody;
using testing::SampleCall;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kCall0 = kNow - 30ll * 24 * 3600 * 1000;  // SampleCall's start of time

AccountRow Trunk(std::string id, std::string status = "registered_encrypted") {
  AccountRow a;
  a.id = std::move(id);
  a.name = "Line " + a.id;
  a.provider = a.id == "acc-2" ? "Deutsche Telekom" : "sipgate";
  a.number = "+49 521 98765-0";
  a.stun_server = "stun.example.net";
  a.status = std::move(status);
  return a;
}

class PbxDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("relay_pbx_test_" + std::string(info->name()) + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Result<std::unique_ptr<Store>> store = OpenSqliteStore({(dir_ / "relay.db").string()});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    for (const char* d : {"dev-a", "dev-b", "dev-c"}) {
      ASSERT_TRUE(store_->RegisterDevice(d, kNow).ok());
    }
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  IngestOutcome Ingest(const std::vector<protocol::Batch>& batches) {
    Result<IngestOutcome> out = store_->IngestBatches(batches, kNow);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : IngestOutcome{};
  }

  // One record per batch; the seq is the caller's (stream "registrations", epoch 1).
  IngestOutcome Registrations(const std::string& device, uint64_t seq, int64_t ts,
                              const std::string& body) {
    protocol::Batch b;
    b.device = device;
    b.stream = "registrations";
    b.epoch = 1;
    b.range_lo = b.range_hi = seq;
    b.sent_ms = kNow;
    b.records.push_back({seq, ts, body});
    return Ingest({b});
  }

  // Calls first..last (SampleCall numbers) in one batch with seqs seq0, seq0 + 1, ...
  protocol::Batch CallBatch(const std::string& device, uint64_t seq0, uint64_t first,
                            uint64_t last) {
    protocol::Batch b;
    b.device = device;
    b.stream = "calls";
    b.epoch = 1;
    b.range_lo = seq0;
    b.range_hi = seq0 + (last - first);
    b.sent_ms = kNow;
    for (uint64_t n = first; n <= last; ++n) {
      b.records.push_back({seq0 + (n - first), kNow, CallBody(SampleCall(n, kCall0))});
    }
    return b;
  }

  // Stores calls 1..count of device, in batches of 500.
  void SeedCalls(const std::string& device, uint64_t count) {
    for (uint64_t first = 1; first <= count; first += 500) {
      Ingest({CallBatch(device, first, first, std::min(count, first + 499))});
    }
  }

  std::vector<TelephoneRow> Phones(const std::string& device) {
    TelephoneQuery q;
    q.devices = {device};
    q.limit = 1000;
    Result<TelephonePage> page = store_->Telephones(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<TelephoneRow>{};
  }

  std::vector<std::string> PhoneIds(const std::string& device) {
    std::vector<std::string> ids;
    for (const TelephoneRow& t : Phones(device)) ids.push_back(t.id);
    return ids;
  }

  CallPage CallsOf(const CallQuery& q) {
    Result<CallPage> page = store_->Calls(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? *page : CallPage{};
  }

  static std::vector<uint64_t> Ids(const std::vector<CallRow>& rows) {
    std::vector<uint64_t> ids;
    for (const CallRow& r : rows) ids.push_back(r.call_id);
    return ids;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

// ---- registrations ----

TEST_F(PbxDataTest, SnapshotStoresTelephonesAndAccountsWithTheirSince) {
  IngestOutcome out =
      Registrations("dev-a", 1, kNow - 500,
                    RegistrationBody(true, {DeskPhone(1), DeskPhone(2)}, {Trunk("acc-1")}));
  EXPECT_EQ(out.records_stored, 1u);
  std::vector<TelephoneRow> phones = Phones("dev-a");
  ASSERT_EQ(phones.size(), 2u);
  EXPECT_EQ(phones[0].device, "dev-a");
  EXPECT_EQ(phones[0].name, "Phone 1");
  EXPECT_EQ(phones[0].status, "registered_encrypted");
  EXPECT_EQ(phones[0].since_ms, kNow - 500);
  AccountQuery aq;
  aq.devices = {"dev-a"};
  Result<AccountPage> accounts = store_->Accounts(aq);
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->items.size(), 1u);
  EXPECT_EQ(accounts->items[0].provider, "sipgate");
  EXPECT_EQ(accounts->updated_ms, kNow - 500);
  EXPECT_EQ(*store_->CountRecords("dev-a", "registrations"), 0u);
}

TEST_F(PbxDataTest, SnapshotReplacesTheRowsItDoesNotName) {
  Registrations("dev-a", 1, kNow - 500,
                RegistrationBody(true, {DeskPhone(1), DeskPhone(2)}, {Trunk("acc-1")}));
  Registrations("dev-a", 2, kNow - 400, RegistrationBody(true, {DeskPhone(2), DeskPhone(3)}, {}));
  EXPECT_EQ(PhoneIds("dev-a"), (std::vector<std::string>{"tel-0002", "tel-0003"}));
  AccountQuery aq;
  aq.devices = {"dev-a"};
  EXPECT_EQ(store_->Accounts(aq)->total, 0u);
}

TEST_F(PbxDataTest, SnapshotOfOneDeviceLeavesOtherDevicesAlone) {
  Registrations("dev-a", 1, kNow - 500, RegistrationBody(true, {DeskPhone(1)}, {}));
  Registrations("dev-b", 1, kNow - 400, RegistrationBody(true, {DeskPhone(2)}, {}));
  EXPECT_EQ(PhoneIds("dev-a"), std::vector<std::string>{"tel-0001"});
}

TEST_F(PbxDataTest, ChangesUpsertAndRemoveEntries) {
  Registrations("dev-a", 1, kNow - 500,
                RegistrationBody(true, {DeskPhone(1), DeskPhone(2)}, {Trunk("acc-1")}));
  TelephoneRow renamed = DeskPhone(1);
  renamed.name = "Reception";
  Registrations("dev-a", 2, kNow - 400,
                RegistrationBody(false, {renamed, DeskPhone(5)}, {}, {"tel-0002"}, {"acc-1"}));
  std::vector<TelephoneRow> phones = Phones("dev-a");
  ASSERT_EQ(phones.size(), 2u);
  EXPECT_EQ(phones[0].id, "tel-0005");  // "Phone 5" sorts before "Reception"
  EXPECT_EQ(phones[1].name, "Reception");
  AccountQuery aq;
  aq.devices = {"dev-a"};
  EXPECT_EQ(store_->Accounts(aq)->total, 0u);
}

TEST_F(PbxDataTest, SinceIsKeptWhileTheStatusStaysAndMovesWhenItChanges) {
  Registrations("dev-a", 1, kNow - 500, RegistrationBody(true, {DeskPhone(1), DeskPhone(2)}, {}));
  Registrations(
      "dev-a", 2, kNow - 400,
      RegistrationBody(false, {DeskPhone(1), DeskPhone(2, "registration_incomplete")}, {}));
  Registrations(
      "dev-a", 3, kNow - 300,
      RegistrationBody(true, {DeskPhone(1), DeskPhone(2, "registration_incomplete")}, {}));
  std::vector<TelephoneRow> phones = Phones("dev-a");
  ASSERT_EQ(phones.size(), 2u);
  EXPECT_EQ(phones[0].since_ms, kNow - 500);
  EXPECT_EQ(phones[0].updated_ms, kNow - 400);  // the last snapshot repeated it unchanged
  EXPECT_EQ(phones[1].status, "registration_incomplete");
  EXPECT_EQ(phones[1].since_ms, kNow - 400);
}

TEST_F(PbxDataTest, RecordOlderThanTheLastSnapshotIsIgnored) {
  Registrations("dev-a", 1, kNow - 500, RegistrationBody(true, {DeskPhone(1)}, {}));
  IngestOutcome out = Registrations("dev-a", 2, kNow - 600,
                                    RegistrationBody(false, {DeskPhone(9)}, {}, {"tel-0001"}));
  EXPECT_EQ(out.records_stored, 0u);
  EXPECT_EQ(out.duplicates_dropped, 1u);
  out = Registrations("dev-a", 3, kNow - 700, RegistrationBody(true, {DeskPhone(8)}, {}));
  EXPECT_EQ(out.records_stored, 0u);
  EXPECT_EQ(PhoneIds("dev-a"), std::vector<std::string>{"tel-0001"});
}

TEST_F(PbxDataTest, OutOfOrderChangesNeverRevertANewerState) {
  Registrations("dev-a", 1, kNow - 500, RegistrationBody(true, {DeskPhone(1)}, {}));
  // Seq 3 (newer) arrives before seq 2 (older): the row keeps seq 3's status.
  Registrations("dev-a", 3, kNow - 300,
                RegistrationBody(false, {DeskPhone(1, "registration_incomplete")}, {}));
  Registrations("dev-a", 2, kNow - 400, RegistrationBody(false, {DeskPhone(1, "unknown")}, {}));
  std::vector<TelephoneRow> phones = Phones("dev-a");
  ASSERT_EQ(phones.size(), 1u);
  EXPECT_EQ(phones[0].status, "registration_incomplete");
  EXPECT_EQ(phones[0].since_ms, kNow - 300);
}

TEST_F(PbxDataTest, OlderRemovalDoesNotDeleteARowANewerRecordWrote) {
  Registrations("dev-a", 1, kNow - 500, RegistrationBody(true, {DeskPhone(1)}, {}));
  Registrations("dev-a", 3, kNow - 300, RegistrationBody(false, {DeskPhone(1)}, {}));
  Registrations("dev-a", 2, kNow - 400, RegistrationBody(false, {}, {}, {"tel-0001"}));
  EXPECT_EQ(PhoneIds("dev-a"), std::vector<std::string>{"tel-0001"});
}

TEST_F(PbxDataTest, SnapshotKeepsRowsThatANewerChangesRecordAdded) {
  Registrations("dev-a", 1, kNow - 500, RegistrationBody(true, {DeskPhone(1)}, {}));
  Registrations("dev-a", 3, kNow - 300, RegistrationBody(false, {DeskPhone(7)}, {}));
  Registrations("dev-a", 2, kNow - 400, RegistrationBody(true, {DeskPhone(2)}, {}));
  EXPECT_EQ(PhoneIds("dev-a"), (std::vector<std::string>{"tel-0002", "tel-0007"}));
}

TEST_F(PbxDataTest, RepeatedRegistrationBatchIsAppliedOnce) {
  Registrations("dev-a", 1, kNow - 500, RegistrationBody(true, {DeskPhone(1)}, {}));
  Registrations("dev-a", 2, kNow - 400, RegistrationBody(false, {}, {}, {"tel-0001"}));
  Registrations("dev-a", 3, kNow - 300, RegistrationBody(false, {DeskPhone(1)}, {}));
  // Redelivery of seq 2 must not remove the phone again.
  IngestOutcome out =
      Registrations("dev-a", 2, kNow - 400, RegistrationBody(false, {}, {}, {"tel-0001"}));
  EXPECT_EQ(out.duplicates_dropped, 1u);
  EXPECT_EQ(PhoneIds("dev-a"), std::vector<std::string>{"tel-0001"});
}

TEST_F(PbxDataTest, ChangedMsMovesOnlyWhenARowChanges) {
  auto changed_ms = [&]() -> std::optional<int64_t> {
    auto db = sqlite::Database::Open((dir_ / "relay.db").string(), {.read_only = true});
    EXPECT_TRUE(db.ok());
    auto s = db->Prepare("SELECT changed_ms FROM registration_state WHERE device = 'dev-a'");
    EXPECT_TRUE(s.ok() && *s->Step());
    if (s->ColumnIsNull(0)) return std::nullopt;
    return s->ColumnInt(0);
  };
  Registrations("dev-a", 1, kNow - 500, RegistrationBody(true, {}, {}));
  EXPECT_EQ(changed_ms(), std::nullopt);
  Registrations("dev-a", 2, kNow - 400, RegistrationBody(true, {DeskPhone(1)}, {}));
  EXPECT_EQ(changed_ms(), kNow - 400);
  Registrations("dev-a", 3, kNow - 300, RegistrationBody(true, {DeskPhone(1)}, {}));
  EXPECT_EQ(changed_ms(), kNow - 400);
  Registrations("dev-a", 4, kNow - 200, RegistrationBody(true, {}, {}));
  EXPECT_EQ(changed_ms(), kNow - 200);
}

TEST_F(PbxDataTest, InvalidRegistrationBodyIsCountedAndNotStored) {
  IngestOutcome out = Registrations(
      "dev-a", 1, kNow - 500,
      R"({"kind":"snapshot","telephones":[{"id":"t","kind":"dect","status":"on fire"}]})");
  EXPECT_EQ(out.invalid_records, 1u);
  EXPECT_EQ(out.records_stored, 0u);
  EXPECT_TRUE(Phones("dev-a").empty());
  TelephoneQuery q;
  q.devices = {"dev-a"};
  EXPECT_FALSE(store_->Telephones(q)->updated_ms.has_value());
  // Its seq is covered like any other: a resend is a duplicate, not invalid again.
  out = Registrations("dev-a", 1, kNow - 500, "{}");
  EXPECT_EQ(out.duplicates_dropped, 1u);
}

TEST_F(PbxDataTest, TelephonesFilterByTextStatusAndKind) {
  TelephoneRow dect = DeskPhone(3, "unknown");
  dect.kind = "dect";
  dect.mac = "";
  dect.name = "Jörg Müller";
  Registrations("dev-a", 1, kNow - 500,
                RegistrationBody(true, {DeskPhone(1), DeskPhone(2, "unknown"), dect}, {}));
  TelephoneQuery q;
  q.devices = {"dev-a"};
  q.q = "MÜLLER";
  EXPECT_EQ(store_->Telephones(q)->total, 1u);
  q.q = "00:09:52:00:12";  // DeskPhone(2)'s MAC prefix
  EXPECT_EQ(store_->Telephones(q)->items.at(0).id, "tel-0002");
  q.q = "";
  q.status = "unknown";
  EXPECT_EQ(store_->Telephones(q)->total, 2u);
  q.kind = "dect";
  Result<TelephonePage> page = store_->Telephones(q);
  ASSERT_EQ(page->total, 1u);
  EXPECT_EQ(page->items[0].id, "tel-0003");
}

TEST_F(PbxDataTest, TelephonesSortByExtensionNumericallyAndPage) {
  std::vector<TelephoneRow> phones;
  for (int n : {5, 100, 20, 1000, 1}) phones.push_back(DeskPhone(n));  // 205, 300, 220, 1200, 201
  Registrations("dev-a", 1, kNow - 500, RegistrationBody(true, phones, {}));
  TelephoneQuery q;
  q.devices = {"dev-a"};
  q.sort = TelephoneSort::kExtension;
  q.limit = 3;
  q.offset = 1;
  Result<TelephonePage> page = store_->Telephones(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 5u);
  std::vector<std::string> ext;
  for (const TelephoneRow& t : page->items) ext.push_back(t.extension);
  EXPECT_EQ(ext, (std::vector<std::string>{"205", "220", "300"}));
  q.descending = true;
  q.offset = 0;
  q.limit = 1;
  EXPECT_EQ(store_->Telephones(q)->items.at(0).extension, "1200");
}

TEST_F(PbxDataTest, FleetTelephonesSortBySystemInTheGivenDeviceOrder) {
  Registrations("dev-a", 1, kNow - 500, RegistrationBody(true, {DeskPhone(1)}, {}));
  Registrations("dev-b", 1, kNow - 400, RegistrationBody(true, {DeskPhone(2)}, {}));
  Registrations("dev-c", 1, kNow - 300, RegistrationBody(true, {DeskPhone(3)}, {}));
  TelephoneQuery q;
  q.devices = {"dev-c", "dev-a", "dev-c"};  // a repeat is ignored; dev-b is not visible
  q.sort = TelephoneSort::kSystem;
  Result<TelephonePage> page = store_->Telephones(q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->total, 2u);
  EXPECT_EQ(page->items[0].device, "dev-c");
  EXPECT_EQ(page->items[1].device, "dev-a");
  EXPECT_EQ(page->updated_ms, kNow - 300);
}

TEST_F(PbxDataTest, AccountsFilterByTextAndStatus) {
  Registrations("dev-a", 1, kNow - 500,
                RegistrationBody(true, {}, {Trunk("acc-1"), Trunk("acc-2", "stun_failed")}));
  AccountQuery q;
  q.devices = {"dev-a"};
  q.q = "telekom";
  EXPECT_EQ(store_->Accounts(q)->items.at(0).id, "acc-2");
  q.q = "";
  q.status = "registered_encrypted";
  EXPECT_EQ(store_->Accounts(q)->items.at(0).id, "acc-1");
  q.status.reset();
  q.sort = AccountSort::kProvider;
  q.descending = true;
  EXPECT_EQ(store_->Accounts(q)->items.at(0).provider, "sipgate");
}

TEST_F(PbxDataTest, SysinfoWithInformationIsStoredWhole) {
  const std::string body =
      R"({"serial":"dev-a","model":"COMtrexx Advanced","firmware":"2.6.6","information":)"
      R"({"hardware_revision":"B","mac":"00:09:52:AA:BB:CC","booted_at_ms":1699990000000,)"
      R"("licences":[{"name":"Users","total":50,"used":12}],)"
      R"("modules":[{"slot":1,"module":"COMmander 8a/b module","ports":8}]}})";
  protocol::Batch b;
  b.device = "dev-a";
  b.stream = "sysinfo";
  b.epoch = 1;
  b.range_lo = b.range_hi = 1;
  b.records.push_back({1, kNow, body});
  Ingest({b});
  EXPECT_EQ((*store_->FindDevice("dev-a"))->sysinfo_json, body);
}

// ---- calls ----

TEST_F(PbxDataTest, CallsAreStoredOnceAcrossDuplicateBatches) {
  IngestOutcome first = Ingest({CallBatch("dev-a", 1, 1, 10)});
  EXPECT_EQ(first.records_stored, 10u);
  IngestOutcome again = Ingest({CallBatch("dev-a", 1, 1, 10), CallBatch("dev-a", 1, 1, 10)});
  EXPECT_EQ(again.records_stored, 0u);
  EXPECT_EQ(again.duplicates_dropped, 20u);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  EXPECT_EQ(CallsOf(q).total, 10u);
  EXPECT_EQ(*store_->CountRecords("dev-a", "calls"), 0u);
}

TEST_F(PbxDataTest, CallResentWithNewSeqsIsStoredOnce) {
  Ingest({CallBatch("dev-a", 1, 1, 10)});
  // An agent that lost its outbox (new seqs) sends calls 6..15 again.
  IngestOutcome out = Ingest({CallBatch("dev-a", 100, 6, 15)});
  EXPECT_EQ(out.records_stored, 5u);
  EXPECT_EQ(out.duplicates_dropped, 5u);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.limit = 100;
  CallPage page = CallsOf(q);
  EXPECT_EQ(page.total, 15u);
  const std::vector<uint64_t> ids = Ids(page.items);
  const std::set<uint64_t> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), 15u);
}

TEST_F(PbxDataTest, SameCallIdOnTwoDevicesIsTwoCalls) {
  Ingest({CallBatch("dev-a", 1, 1, 3), CallBatch("dev-b", 1, 1, 3)});
  CallQuery q;
  q.filter.devices = {"dev-a", "dev-b"};
  EXPECT_EQ(CallsOf(q).total, 6u);
}

TEST_F(PbxDataTest, InvalidCallIsCountedAndNotStored) {
  protocol::Batch b = CallBatch("dev-a", 1, 1, 3);
  b.records[1].body =
      R"({"id":2,"start_ms":1,"duration_s":0,"direction":"sideways","result":"successful"})";
  IngestOutcome out = Ingest({b});
  EXPECT_EQ(out.invalid_records, 1u);
  EXPECT_EQ(out.records_stored, 2u);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  EXPECT_EQ(Ids(CallsOf(q).items), (std::vector<uint64_t>{3, 1}));
}

TEST_F(PbxDataTest, CallsAreNewestFirstByDefaultAndPageStably) {
  SeedCalls("dev-a", 30);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.limit = 4;
  q.offset = 2;
  CallPage page = CallsOf(q);
  EXPECT_EQ(page.total, 30u);
  EXPECT_EQ(Ids(page.items), (std::vector<uint64_t>{28, 27, 26, 25}));
  q.descending = false;
  EXPECT_EQ(Ids(CallsOf(q).items), (std::vector<uint64_t>{3, 4, 5, 6}));
}

TEST_F(PbxDataTest, CallsSortByDurationThenTime) {
  SeedCalls("dev-a", 12);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.sort = CallSort::kDuration;
  q.limit = 100;
  std::vector<CallRow> rows = CallsOf(q).items;
  ASSERT_EQ(rows.size(), 12u);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_GE(std::tie(rows[i - 1].duration_s, rows[i - 1].start_ms),
              std::tie(rows[i].duration_s, rows[i].start_ms));
  }
  // Unsuccessful calls (3, 6, 9, 12) last, newest first among them.
  EXPECT_EQ(rows.back().call_id, 3u);
  EXPECT_EQ(rows[8].call_id, 12u);
}

TEST_F(PbxDataTest, CallsFilterByTimeRange) {
  SeedCalls("dev-a", 20);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.filter.from_ms = SampleCall(5, kCall0).start_ms;
  q.filter.to_ms = SampleCall(9, kCall0).start_ms;  // exclusive
  q.descending = false;
  CallPage page = CallsOf(q);
  EXPECT_EQ(page.total, 4u);
  EXPECT_EQ(Ids(page.items), (std::vector<uint64_t>{5, 6, 7, 8}));
}

TEST_F(PbxDataTest, CallsFilterByNumberOrNameCaseInsensitively) {
  SeedCalls("dev-a", 20);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.limit = 100;
  q.filter.q = "JÖRG";  // external_name of n % 5 == 1, real_name of n % 5 == 4
  std::vector<uint64_t> ids = Ids(CallsOf(q).items);
  EXPECT_EQ(ids, (std::vector<uint64_t>{19, 16, 14, 11, 9, 6, 4, 1}));
  q.filter.q = SampleCall(7, kCall0).external_number.substr(3);
  EXPECT_EQ(Ids(CallsOf(q).items), std::vector<uint64_t>{7});
  q.filter.q = "Sales";  // billing_name of all
  EXPECT_EQ(CallsOf(q).total, 20u);
  q.filter.q = "business";  // call_type is not searched
  EXPECT_EQ(CallsOf(q).total, 0u);
}

TEST_F(PbxDataTest, CallsFilterByResultDirectionAndCallType) {
  SeedCalls("dev-a", 30);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.limit = 100;
  q.filter.result = "unsuccessful";
  EXPECT_EQ(CallsOf(q).total, 10u);
  q.filter.result = "successful";
  q.filter.direction = "internal";
  for (const CallRow& c : CallsOf(q).items) {
    EXPECT_EQ(c.direction, "internal");
    EXPECT_EQ(c.result, "successful");
  }
  EXPECT_GT(CallsOf(q).total, 0u);
  q.filter.direction.reset();
  q.filter.call_type = "private";  // n % 3 == 1
  EXPECT_EQ(CallsOf(q).total, 10u);
  q.filter.result = "unsuccessful";
  EXPECT_EQ(CallsOf(q).total, 0u);
}

TEST_F(PbxDataTest, CappedTotalSaysSo) {
  SeedCalls("dev-a", 30);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.count_limit = 10;
  CallPage page = CallsOf(q);
  EXPECT_EQ(page.total, 10u);
  EXPECT_TRUE(page.total_capped);
  q.count_limit = 30;
  page = CallsOf(q);
  EXPECT_EQ(page.total, 30u);
  EXPECT_FALSE(page.total_capped);
}

TEST_F(PbxDataTest, FleetCallsMergeDevicesInOneOrder) {
  // Same call numbers (same start times) on three devices: ties go by device position.
  SeedCalls("dev-a", 40);
  SeedCalls("dev-b", 40);
  SeedCalls("dev-c", 20);
  CallQuery q;
  q.filter.devices = {"dev-b", "dev-a", "dev-c"};
  q.limit = 5;
  q.offset = 4;
  CallPage page = CallsOf(q);
  EXPECT_EQ(page.total, 100u);
  ASSERT_EQ(page.items.size(), 5u);
  // Newest first, ties by device position descending too: 40@a, 40@b, 39@a, 39@b, 38@a, ...
  EXPECT_EQ(page.items[0].call_id, 38u);
  EXPECT_EQ(page.items[0].device, "dev-a");
  EXPECT_EQ(page.items[1].call_id, 38u);
  EXPECT_EQ(page.items[1].device, "dev-b");
  EXPECT_EQ(page.items[2].call_id, 37u);
  q.descending = false;
  q.offset = 0;
  q.limit = 3;
  page = CallsOf(q);
  EXPECT_EQ(page.items[0].device, "dev-b");
  EXPECT_EQ(page.items[1].device, "dev-a");
  EXPECT_EQ(page.items[2].device, "dev-c");
}

TEST_F(PbxDataTest, SearchPagesAndCountsInOnePassWithOffsetAndCap) {
  SeedCalls("dev-a", 100);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  // In "Anna" only: external_name of n % 5 == 0, real_name of n % 5 == 3. Shorter than a
  // trigram, so the range is scanned.
  q.filter.q = "NN";
  q.limit = 3;
  q.offset = 2;
  CallPage page = CallsOf(q);
  EXPECT_EQ(page.total, 40u);
  EXPECT_FALSE(page.total_capped);
  EXPECT_EQ(Ids(page.items), (std::vector<uint64_t>{95, 93, 90}));
  q.count_limit = 10;
  page = CallsOf(q);
  EXPECT_EQ(page.total, 10u);
  EXPECT_TRUE(page.total_capped);
  EXPECT_EQ(Ids(page.items), (std::vector<uint64_t>{95, 93, 90}));
  q.offset = 39;
  page = CallsOf(q);
  EXPECT_EQ(Ids(page.items), std::vector<uint64_t>{3});
}

TEST_F(PbxDataTest, FleetCallsSortByDurationAcrossDevices) {
  SeedCalls("dev-a", 30);
  SeedCalls("dev-b", 30);
  CallQuery q;
  q.filter.devices = {"dev-a", "dev-b"};
  q.sort = CallSort::kDuration;
  q.limit = 100;
  std::vector<CallRow> all = CallsOf(q).items;
  ASSERT_EQ(all.size(), 60u);
  for (size_t i = 1; i < all.size(); ++i) {
    ASSERT_GE(std::tie(all[i - 1].duration_s, all[i - 1].start_ms),
              std::tie(all[i].duration_s, all[i].start_ms))
        << i;
  }
  q.limit = 7;
  q.offset = 11;
  std::vector<CallRow> page = CallsOf(q).items;
  ASSERT_EQ(page.size(), 7u);
  for (size_t i = 0; i < page.size(); ++i) {
    EXPECT_EQ(page[i].device, all[11 + i].device);
    EXPECT_EQ(page[i].call_id, all[11 + i].call_id);
  }
}

TEST_F(PbxDataTest, NoDevicesMeansNoCalls) {
  SeedCalls("dev-a", 5);
  CallQuery q;
  CallPage page = CallsOf(q);
  EXPECT_EQ(page.total, 0u);
  EXPECT_TRUE(page.items.empty());
}

// Reads a cursor to the end; checks every chunk's bound.
std::vector<CallRow> Drain(CallCursor& cursor, size_t chunk) {
  std::vector<CallRow> all, rows;
  for (;;) {
    Result<bool> more = cursor.Next(&rows);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) {
      EXPECT_TRUE(rows.empty());
      return all;
    }
    EXPECT_LE(rows.size(), chunk);
    all.insert(all.end(), rows.begin(), rows.end());
  }
}

TEST_F(PbxDataTest, CursorVisitsEveryMatchingCallOnceInTimeOrder) {
  SeedCalls("dev-a", 5003);
  CallFilter f;
  f.devices = {"dev-a"};
  Result<std::unique_ptr<CallCursor>> cursor = store_->OpenCallCursor(f, false, 1000);
  ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
  std::vector<CallRow> all = Drain(**cursor, 1000);
  ASSERT_EQ(all.size(), 5003u);
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].call_id, i + 1);
}

TEST_F(PbxDataTest, CursorAppliesTheFilterAndRunsNewestFirst) {
  SeedCalls("dev-a", 3000);
  CallFilter f;
  f.devices = {"dev-a"};
  f.result = "unsuccessful";
  Result<std::unique_ptr<CallCursor>> cursor = store_->OpenCallCursor(f, true, 128);
  ASSERT_TRUE(cursor.ok());
  std::vector<CallRow> all = Drain(**cursor, 128);
  ASSERT_EQ(all.size(), 1000u);
  EXPECT_EQ(all.front().call_id, 3000u);
  EXPECT_EQ(all.back().call_id, 3u);
}

TEST_F(PbxDataTest, CursorWithASearchReadsOnlyMatchingCalls) {
  SeedCalls("dev-a", 2500);
  CallFilter f;
  f.devices = {"dev-a"};
  f.q = "zoë";  // external_name of n % 5 == 2, real_name of n % 5 == 0
  f.from_ms = SampleCall(101, kCall0).start_ms;
  Result<std::unique_ptr<CallCursor>> cursor = store_->OpenCallCursor(f, true, 64);
  ASSERT_TRUE(cursor.ok());
  std::vector<CallRow> all = Drain(**cursor, 64);
  ASSERT_EQ(all.size(), 960u);  // 2,400 calls from 101 on, two in five match
  EXPECT_EQ(all.front().call_id, 2500u);
  EXPECT_EQ(all.back().call_id, 102u);
  for (const CallRow& c : all) ASSERT_TRUE(c.call_id % 5 == 2 || c.call_id % 5 == 0);
}

TEST_F(PbxDataTest, FleetCursorMergesDevicesWithBoundedChunks) {
  SeedCalls("dev-a", 1200);
  SeedCalls("dev-b", 700);
  CallFilter f;
  f.devices = {"dev-a", "dev-b", "dev-c"};
  Result<std::unique_ptr<CallCursor>> cursor = store_->OpenCallCursor(f, false, 100);
  ASSERT_TRUE(cursor.ok());
  std::vector<CallRow> all = Drain(**cursor, 100);
  ASSERT_EQ(all.size(), 1900u);
  std::set<std::pair<std::string, uint64_t>> seen;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_TRUE(seen.insert({all[i].device, all[i].call_id}).second);
    if (i > 0) {
      const size_t prev = all[i - 1].device == "dev-a" ? 0 : 1;
      const size_t cur = all[i].device == "dev-a" ? 0 : 1;
      ASSERT_LE(std::tie(all[i - 1].start_ms, prev), std::tie(all[i].start_ms, cur)) << i;
    }
  }
}

TEST_F(PbxDataTest, DeleteCallsBeforeRemovesOnlyThatDevicesOlderCalls) {
  SeedCalls("dev-a", 12'345);
  SeedCalls("dev-b", 100);
  const int64_t cutoff = SampleCall(11'001, kCall0).start_ms;
  Result<uint64_t> removed = store_->DeleteCallsBefore("dev-a", cutoff);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 11'000u);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.descending = false;
  q.limit = 1;
  CallPage page = CallsOf(q);
  EXPECT_EQ(page.total, 1'345u);
  EXPECT_EQ(page.items.at(0).call_id, 11'001u);
  q.filter.devices = {"dev-b"};
  EXPECT_EQ(CallsOf(q).total, 100u);
  EXPECT_EQ(*store_->DeleteCallsBefore("dev-a", cutoff), 0u);
}

// --- the trigram index of calls (schema version 3) ---

// Rows of calls_fts holding each trigram equal the rows of calls whose search text holds it:
// the index neither misses a row nor keeps a deleted one.
void ExpectTrigramIndexMatchesCalls(const std::filesystem::path& db_path,
                                    const std::vector<std::string>& trigrams) {
  sqlite::OpenOptions options;
  options.read_only = true;
  options.create = false;
  Result<sqlite::Database> db = sqlite::Database::Open(db_path.string(), options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const auto count = [&](const std::string& sql, const std::string& arg) -> int64_t {
    Result<sqlite::Statement> s = db->Prepare(sql);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return -1;
    s->Bind(1, arg);
    Result<bool> row = s->Step();
    EXPECT_TRUE(row.ok() && *row);
    return s->ColumnInt(0);
  };
  for (const std::string& t : trigrams) {
    EXPECT_EQ(count("SELECT count(*) FROM calls_fts WHERE calls_fts MATCH ?1", "\"" + t + "\""),
              count("SELECT count(*) FROM calls WHERE instr(search, ?1) > 0", t))
        << "trigram '" << t << "'";
  }
}

// A text from pieces, each one code point (so substrings can be cut at code points).
struct Pieces {
  std::vector<std::string> chars;
  std::string Join(size_t from = 0, size_t to = std::string::npos) const {
    std::string out;
    for (size_t i = from; i < std::min(to, chars.size()); ++i) out += chars[i];
    return out;
  }
};

TEST_F(PbxDataTest, TrigramSearchFindsExactlyWhatTheSubstringScanFinds) {
  // Numbers with + and spaces, names with umlauts and ß in either case: the search of
  // every length (1..2 characters scan, 3 or more use the index) must equal the
  // substring test on the folded columns, which is what the scan did before the index.
  std::mt19937 rng(20261124);
  const std::vector<std::string> alphabet = {"a", "b", "e", "n", "r", "s", "A", "B",  "E", "N", "R",
                                             "S", "ä", "ö", "ü", "Ä", "Ö", "Ü", "ß",  "é", "É", " ",
                                             "+", "-", "0", "1", "4", "9", "ẞ", "\"", "*"};
  const auto random_text = [&](size_t max_len) {
    Pieces p;
    const size_t len = rng() % (max_len + 1);
    for (size_t i = 0; i < len; ++i) p.chars.push_back(alphabet[rng() % alphabet.size()]);
    return p;
  };
  std::vector<CallRow> calls;
  std::vector<std::vector<Pieces>> fields;
  for (uint64_t n = 1; n <= 400; ++n) {
    CallRow c = SampleCall(n, kCall0);
    std::vector<Pieces> f = {random_text(14), random_text(12), random_text(5),
                             random_text(8),  random_text(12), random_text(14)};
    c.external_number = f[0].Join();
    c.external_name = f[1].Join();
    c.billing_number = f[2].Join();
    c.billing_name = f[3].Join();
    c.real_name = f[4].Join();
    c.own_number = f[5].Join();
    calls.push_back(c);
    fields.push_back(std::move(f));
  }
  protocol::Batch b;
  b.device = "dev-a";
  b.stream = "calls";
  b.epoch = 1;
  b.range_lo = 1;
  b.range_hi = calls.size();
  b.sent_ms = kNow;
  for (const CallRow& c : calls) b.records.push_back({c.call_id, kNow, CallBody(c)});
  ASSERT_EQ(Ingest({b}).records_stored, calls.size());

  // Flips the case of ASCII and Latin-1 letters at random (what folding undoes).
  const auto flip_case = [&](const Pieces& p) {
    static const std::vector<std::pair<std::string, std::string>> kPairs = {
        {"ä", "Ä"}, {"ö", "Ö"}, {"ü", "Ü"}, {"é", "É"}};
    std::string out;
    for (const std::string& ch : p.chars) {
      std::string c = ch;
      if (rng() % 2 == 0) {
        if (c.size() == 1 && std::isalpha(static_cast<unsigned char>(c[0]))) {
          c[0] = static_cast<char>(std::islower(static_cast<unsigned char>(c[0]))
                                       ? std::toupper(static_cast<unsigned char>(c[0]))
                                       : std::tolower(static_cast<unsigned char>(c[0])));
        }
        for (const auto& [lower, upper] : kPairs) {
          if (c == lower) {
            c = upper;
          } else if (c == upper) {
            c = lower;
          }
        }
      }
      out += c;
    }
    return out;
  };
  std::vector<std::string> queries = {"straße", "STRAßE", "ẞ", "+49 ", " ", "\"\"", "a\"*"};
  for (int i = 0; i < 300; ++i) {
    const std::vector<Pieces>& f = fields[rng() % fields.size()];
    const Pieces& field = f[rng() % f.size()];
    if (field.chars.empty() || i % 5 == 0) {
      queries.push_back(flip_case(random_text(6)));
      continue;
    }
    const size_t from = rng() % field.chars.size();
    const size_t len = 1 + rng() % 7;
    Pieces cut;
    cut.chars.assign(field.chars.begin() + static_cast<std::ptrdiff_t>(from),
                     field.chars.begin() +
                         static_cast<std::ptrdiff_t>(std::min(field.chars.size(), from + len)));
    queries.push_back(flip_case(cut));
  }
  size_t with_matches = 0;
  for (const std::string& text : queries) {
    if (text.empty()) continue;
    std::vector<uint64_t> expected;
    const std::string needle = FoldForSearch(text);
    for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
      if (CallSearchText(*it).find(needle) != std::string::npos) expected.push_back(it->call_id);
    }
    with_matches += !expected.empty();
    CallQuery q;
    q.filter.devices = {"dev-a"};
    q.filter.q = text;
    q.limit = 1000;
    CallPage page = CallsOf(q);
    EXPECT_EQ(Ids(page.items), expected) << "q '" << text << "'";
    EXPECT_EQ(page.total, expected.size()) << "q '" << text << "'";
  }
  EXPECT_GT(with_matches, queries.size() / 2);  // the queries are mostly real substrings
}

TEST_F(PbxDataTest, TrigramSearchCountsExactlyPastTheCountLimitAndPagesInEitherSort) {
  SeedCalls("dev-a", 100);
  SeedCalls("dev-b", 100);
  CallQuery q;
  q.filter.devices = {"dev-b", "dev-a"};
  q.filter.q = "anna";  // n % 5 == 0 or 3 on both devices
  q.limit = 3;
  q.offset = 1;
  q.count_limit = 10;
  CallPage page = CallsOf(q);
  EXPECT_EQ(page.total, 80u);
  EXPECT_FALSE(page.total_capped);
  // Ties of start_ms go by the device's position, descending too: dev-a (1) before dev-b.
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].device, "dev-b");
  EXPECT_EQ(page.items[0].call_id, 100u);
  EXPECT_EQ(page.items[1].device, "dev-a");
  EXPECT_EQ(page.items[1].call_id, 98u);
  EXPECT_EQ(page.items[2].device, "dev-b");
  EXPECT_EQ(page.items[2].call_id, 98u);
  q.sort = CallSort::kDuration;
  q.filter.devices = {"dev-a"};
  q.offset = 0;
  q.limit = 100;
  std::vector<CallRow> expected;
  for (uint64_t n = 1; n <= 100; ++n) {
    if (n % 5 == 0 || n % 5 == 3) expected.push_back(SampleCall(n, kCall0));
  }
  std::sort(expected.begin(), expected.end(), [](const CallRow& a, const CallRow& b) {
    return std::tie(a.duration_s, a.start_ms, a.call_id) >
           std::tie(b.duration_s, b.start_ms, b.call_id);
  });
  EXPECT_EQ(Ids(CallsOf(q).items), Ids(expected));
  q.filter.from_ms = SampleCall(50, kCall0).start_ms;
  q.filter.result = "successful";
  for (const CallRow& c : CallsOf(q).items) {
    EXPECT_GE(c.call_id, 50u);
    EXPECT_EQ(c.result, "successful");
  }
}

TEST_F(PbxDataTest, AnExistingDatabaseIsMigratedWithItsCallsSearchable) {
  const std::filesystem::path path = dir_ / "version2.db";
  std::vector<CallRow> calls;
  {
    Result<sqlite::Database> db = sqlite::Database::Open(path.string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(
        sqlite::ApplyMigrations(*db, std::span(sql::kMigrations).first(2), "relay database").ok());
    Result<sqlite::Statement> insert = db->Prepare(
        "INSERT INTO calls(device, call_id, start_ms, duration_s, direction, result, "
        "external_number, external_name, billing_number, billing_name, real_name, own_number, "
        "call_type, search, received_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12, ?13, ?14, ?15)");
    ASSERT_TRUE(insert.ok()) << insert.status().ToString();
    for (uint64_t n = 1; n <= 50; ++n) {
      CallRow c = SampleCall(n, kCall0);
      c.device = n % 2 == 0 ? "dev-a" : "dev-b";
      insert->Bind(1, c.device).Bind(2, static_cast<int64_t>(c.call_id)).Bind(3, c.start_ms);
      insert->Bind(4, c.duration_s).Bind(5, c.direction).Bind(6, c.result);
      insert->Bind(7, c.external_number).Bind(8, c.external_name).Bind(9, c.billing_number);
      insert->Bind(10, c.billing_name).Bind(11, c.real_name).Bind(12, c.own_number);
      insert->Bind(13, c.call_type).Bind(14, CallSearchText(c)).Bind(15, kNow);
      ASSERT_TRUE(insert->Run().ok());
      insert->Reset();
      calls.push_back(c);
    }
  }
  Result<std::unique_ptr<Store>> store = OpenSqliteStore({path.string()});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->RegisterDevice("dev-a", kNow).ok());
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.filter.q = "JÖRG";  // external_name of n % 5 == 1, real_name of n % 5 == 4
  q.limit = 100;
  Result<CallPage> page = (*store)->Calls(q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(Ids(page->items), (std::vector<uint64_t>{46, 44, 36, 34, 26, 24, 16, 14, 6, 4}));
  // New calls are indexed after the migrated ones, without clashing with their keys.
  protocol::Batch b = CallBatch("dev-a", 1, 1001, 1001);
  Result<IngestOutcome> out = (*store)->IngestBatches({b}, kNow);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->records_stored, 1u);
  page = (*store)->Calls(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 11u);
  EXPECT_EQ(page->items.at(0).call_id, 1001u);
  store->reset();
  ExpectTrigramIndexMatchesCalls(path, {"jör", "ann", "sal", "+49", "500"});
}

TEST_F(PbxDataTest, RetentionDeletesKeepTheTrigramIndexInStep) {
  SeedCalls("dev-a", 6'000);
  SeedCalls("dev-b", 10);
  const int64_t cutoff = SampleCall(5'001, kCall0).start_ms;
  ASSERT_EQ(*store_->DeleteCallsBefore("dev-a", cutoff), 5'000u);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.filter.q = SampleCall(4'999, kCall0).external_number;  // deleted
  EXPECT_EQ(CallsOf(q).total, 0u);
  q.filter.q = SampleCall(5'999, kCall0).external_number;  // kept
  EXPECT_EQ(Ids(CallsOf(q).items), std::vector<uint64_t>{5'999});
  q.filter.q = "jörg";
  EXPECT_EQ(CallsOf(q).total, 400u);
  store_.reset();
  ExpectTrigramIndexMatchesCalls(dir_ / "relay.db", {"jör", "ann", "sal", "+49", "500", "301"});
}

TEST_F(PbxDataTest, SortByDurationOverAWideRangeEqualsSortingEveryCall) {
  // More calls in the range than are sorted in memory: the duration index serves the page.
  constexpr uint64_t kCount = 10'500;
  SeedCalls("dev-a", kCount);
  std::vector<CallRow> all;
  for (uint64_t n = 1; n <= kCount; ++n) all.push_back(SampleCall(n, kCall0));
  const auto longest_first = [](const CallRow& a, const CallRow& b) {
    return std::tie(a.duration_s, a.start_ms, a.call_id) >
           std::tie(b.duration_s, b.start_ms, b.call_id);
  };
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.sort = CallSort::kDuration;
  q.offset = 120;
  q.limit = 30;
  q.filter.direction = "outgoing";
  std::vector<CallRow> expected;
  for (const CallRow& c : all) {
    if (c.direction == "outgoing") expected.push_back(c);
  }
  std::sort(expected.begin(), expected.end(), longest_first);
  CallPage page = CallsOf(q);
  EXPECT_EQ(Ids(page.items),
            Ids(std::vector<CallRow>(expected.begin() + 120, expected.begin() + 150)));
  q.descending = false;
  std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(Ids(CallsOf(q).items),
            Ids(std::vector<CallRow>(expected.begin() + 120, expected.begin() + 150)));
}

TEST_F(PbxDataTest, ReadsFromSeveralThreadsAtOnceAnswerAsAlone) {
  SeedCalls("dev-a", 2'000);
  CallQuery q;
  q.filter.devices = {"dev-a"};
  q.filter.q = "jörg";
  q.limit = 20;
  const std::vector<uint64_t> alone = Ids(CallsOf(q).items);
  ASSERT_EQ(alone.size(), 20u);
  TelephoneQuery phones_query;
  phones_query.devices = {"dev-a"};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 2 * SqliteStore::kReaders; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        Result<CallPage> page = store_->Calls(q);
        if (!page.ok() || Ids(page->items) != alone) ++failures;
        Result<TelephonePage> phones = store_->Telephones(phones_query);
        if (!phones.ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace ccc::relay::store
