#include "relay/directory/system_list_index.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "relay/directory/directory_test_util.h"

namespace ccc::relay::directory {
namespace {

// Turns the index off for its lifetime (process-wide switch), on again afterwards.
class SqlPathOnly {
 public:
  SqlPathOnly() { SetSystemListIndexEnabled(false); }
  ~SqlPathOnly() { SetSystemListIndexEnabled(true); }
  SqlPathOnly(const SqlPathOnly&) = delete;
  SqlPathOnly& operator=(const SqlPathOnly&) = delete;
};

Ms WallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class SystemListIndexTest : public testutil::DirectoryTest {
 protected:
  void SetUp() override {
    DirectoryTest::SetUp();
    company_ = MakeCompany();
    owner_ = MakeUser(company_);
  }

  void ExecDirect(const std::string& sql) {
    auto db = sqlite::Database::Open(Options().path);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    Status status = db->Exec(sql);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  struct Listed {
    std::vector<int64_t> ids;
    int64_t total = -1;
    bool operator==(const Listed&) const = default;
  };

  Listed List(int64_t user_id, int64_t company_id, const ListQuery& query) {
    Listed listed;
    auto page = dir().ListVisibleSystems(user_id, company_id, query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) return listed;
    listed.total = page->total;
    for (const System& s : page->items) listed.ids.push_back(s.id);
    return listed;
  }

  Listed ListSql(int64_t user_id, int64_t company_id, const ListQuery& query) {
    SqlPathOnly sql_only;
    return List(user_id, company_id, query);
  }

  std::vector<int64_t> Ids(int64_t user_id) { return List(user_id, company_, ListQuery{}).ids; }

  int64_t company_ = 0;
  int64_t owner_ = 0;
};

TEST_F(SystemListIndexTest, ListsASystemRightAfterItIsCreated) {
  EXPECT_TRUE(Ids(owner_).empty());
  const int64_t system = MakeSystem(company_, owner_);
  EXPECT_EQ(Ids(owner_), std::vector<int64_t>{system});
}

TEST_F(SystemListIndexTest, DropsASystemRightAfterItIsDeleted) {
  const int64_t kept = MakeSystem(company_, owner_, "SN-KEPT", "a");
  const int64_t gone = MakeSystem(company_, owner_, "SN-GONE", "b");
  EXPECT_EQ(Ids(owner_), (std::vector<int64_t>{kept, gone}));
  ASSERT_TRUE(dir().DeleteSystem(gone, kNow, OperatorActor()).ok());
  EXPECT_EQ(Ids(owner_), std::vector<int64_t>{kept});
}

TEST_F(SystemListIndexTest, RevokingAnAuthorisationHidesTheSystemAtOnce) {
  const int64_t viewer = MakeUser(company_);
  const int64_t system = MakeSystem(company_, owner_);
  EXPECT_TRUE(Ids(viewer).empty());
  ExecDirect(
      "INSERT INTO authorisations(user_id, system_id, roles, granted_by, created_ms,"
      " updated_ms) VALUES(" +
      std::to_string(viewer) + ", " + std::to_string(system) + ", 4, " + std::to_string(owner_) +
      ", 1, 1)");
  EXPECT_EQ(Ids(viewer), std::vector<int64_t>{system});
  ExecDirect("UPDATE authorisations SET roles = 0");
  EXPECT_TRUE(Ids(viewer).empty());
}

TEST_F(SystemListIndexTest, SeesChangesCommittedByAnotherConnection) {
  const int64_t a = MakeSystem(company_, owner_, "SN-A", "a");
  const int64_t b = MakeSystem(company_, owner_, "SN-B", "b");
  EXPECT_EQ(Ids(owner_), (std::vector<int64_t>{a, b}));
  ExecDirect("UPDATE systems SET name = 'z' WHERE id = " + std::to_string(a));
  EXPECT_EQ(Ids(owner_), (std::vector<int64_t>{b, a}));
}

TEST_F(SystemListIndexTest, RebuildsForListChangesButNotForSessionTouches) {
  MakeSystem(company_, owner_);
  detail::SystemListIndex index(Options().path);
  auto db = sqlite::Database::Open(Options().path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(db->Exec("ATTACH DATABASE 'file:list-index-test?mode=memory' AS ingest; "
                       "CREATE TABLE ingest.devices(id TEXT PRIMARY KEY, registered_ms INTEGER, "
                       "online INTEGER, last_seen_ms INTEGER, sysinfo_json TEXT)")
                  .ok());
  auto list = [&] {
    auto page = index.Query(*db, owner_, company_, ListQuery{}, WallNowMs());
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->total : -1;
  };
  EXPECT_EQ(list(), 1);
  EXPECT_EQ(index.builds(), 1);

  SessionRecord session;
  session.id_digest = "d1";
  session.user_id = owner_;
  session.csrf_token = "c";
  session.created_ms = session.last_used_ms = WallNowMs();
  session.expires_ms = session.created_ms + 60'000;
  ASSERT_TRUE(dir().CreateSession(session).ok());
  ASSERT_TRUE(dir().TouchSession("d1", WallNowMs() + 1).ok());
  EXPECT_EQ(list(), 1);
  EXPECT_EQ(index.builds(), 1) << "a session change must not invalidate the list";

  MakeSystem(company_, owner_);
  EXPECT_EQ(list(), 2);
  EXPECT_EQ(index.builds(), 2);
}

TEST_F(SystemListIndexTest, ListsNothingForAUserOfAnotherCompany) {
  MakeSystem(company_, owner_);
  const int64_t other_company = MakeCompany();
  const int64_t stranger = MakeUser(other_company);
  const Listed listed = List(stranger, company_, ListQuery{});
  EXPECT_TRUE(listed.ids.empty());
  EXPECT_EQ(listed.total, 0);
  EXPECT_EQ(List(owner_, other_company, ListQuery{}).total, 0);
}

TEST_F(SystemListIndexTest, RejectsAnUnknownSortKey) {
  ListQuery query;
  query.sort = "owner";
  EXPECT_EQ(dir().ListVisibleSystems(owner_, company_, query).status().code(),
            StatusCode::kInvalidArgument);
}

// The key test: on a random directory, every user, sort key, order, filter and page
// gives the same ids and total on both paths.
TEST_F(SystemListIndexTest, AgreesWithTheSqlPathOnRandomData) {
  std::mt19937 rng(20261124);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<int64_t> users = {owner_};
  for (int i = 0; i < 6; ++i) users.push_back(MakeUser(company_));
  const int64_t other_company = MakeCompany();
  const int64_t other_user = MakeUser(other_company);
  const Ms now = WallNowMs();

  const std::vector<std::string> words = {"alpha", "Alpha", "BRAVO", "charlie 100%", "a_b",
                                          "ab",    "Ärger", "zulu",  "ALPHA",        "x"};
  std::string sql = "BEGIN;";
  std::vector<int64_t> system_ids;
  for (int i = 1; i <= 320; ++i) {
    const bool other = i % 16 == 0;
    const int64_t id = 1000 + i;
    system_ids.push_back(id);
    const int64_t owner = other ? other_user : users[static_cast<size_t>(pick(4))];
    std::string serial =
        (pick(2) ? "SN-" : "sn-") + std::to_string(10000 + pick(500)) + "-" + std::to_string(i);
    std::string name = words[static_cast<size_t>(pick(static_cast<int>(words.size())))];
    if (pick(3) == 0) name += " " + std::to_string(pick(20));
    const std::string first_reg = pick(3) == 0 ? "NULL" : std::to_string(pick(40));
    sql +=
        "INSERT INTO systems(id, company_id, owner_user_id, name, serial, created_ms,"
        " first_registration_ms, paired) VALUES(" +
        std::to_string(id) + ", " + std::to_string(other ? other_company : company_) + ", " +
        std::to_string(owner) + ", '" + name + "', '" + serial + "', " + std::to_string(pick(50)) +
        ", " + first_reg + ", " + std::to_string(pick(3) == 0) + ");";
    for (int c = pick(3); c > 0; --c) {
      const Ms expires = now + (pick(2) ? 86'400'000 : -86'400'000);
      const std::string used = pick(4) == 0 ? "1" : "NULL";
      const std::string voided = pick(4) == 0 ? "1" : "NULL";
      sql +=
          "INSERT INTO pairing_codes(code, system_id, created_ms, expires_ms, used_ms,"
          " voided_ms) VALUES('C" +
          std::to_string(id) + "-" + std::to_string(c) + "', " + std::to_string(id) + ", " +
          std::to_string(pick(3)) + ", " + std::to_string(expires) + ", " + used + ", " + voided +
          ");";
    }
  }
  const std::vector<int> role_masks = {0, 1, 2, 6, 16, 30, 31};
  for (int i = 0; i < 200; ++i) {
    sql +=
        "INSERT OR IGNORE INTO authorisations(user_id, system_id, roles, granted_by,"
        " created_ms, updated_ms) VALUES(" +
        std::to_string(users[static_cast<size_t>(pick(7))]) + ", " +
        std::to_string(system_ids[static_cast<size_t>(pick(320))]) + ", " +
        std::to_string(role_masks[static_cast<size_t>(pick(7))]) + ", " + std::to_string(owner_) +
        ", 1, 1);";
  }
  const std::vector<std::string> roles = {"NULL", "0", "1", "2", "3", "4", "5"};
  for (int g = 1; g <= 6; ++g) {
    const bool other = g == 6;  // a group of another company holding this company's systems
    sql +=
        "INSERT INTO groups(id, company_id, owner_user_id, name, default_role, created_ms)"
        " VALUES(" +
        std::to_string(g) + ", " + std::to_string(other ? other_company : company_) + ", " +
        std::to_string(other ? other_user : owner_) + ", 'g" + std::to_string(g) + "', " +
        roles[static_cast<size_t>(pick(7))] + ", 1);";
    for (int64_t user : users) {
      if (pick(2) == 0) continue;
      sql += "INSERT INTO group_members(group_id, user_id, role, joined_ms) VALUES(" +
             std::to_string(g) + ", " + std::to_string(user) + ", " +
             roles[static_cast<size_t>(pick(7))] + ", 1);";
    }
    for (int i = 0; i < 40; ++i) {
      sql +=
          "INSERT OR IGNORE INTO group_systems(group_id, system_id, added_by, added_ms)"
          " VALUES(" +
          std::to_string(g) + ", " + std::to_string(system_ids[static_cast<size_t>(pick(320))]) +
          ", 1, 1);";
    }
  }
  sql += "COMMIT;";
  ExecDirect(sql);

  // Ingest facts: most systems reported, some never seen, repeated values for ties.
  auto serials = dir().ListVisibleSystems(owner_, company_, ListQuery{});
  ASSERT_TRUE(serials.ok());
  for (int64_t id : system_ids) {
    if (pick(4) == 0) continue;
    auto system = dir().GetSystem(id);
    ASSERT_TRUE(system.ok() && system->has_value());
    ReportDevice((*system)->serial, pick(2) == 0,
                 pick(5) == 0 ? std::nullopt : std::optional<Ms>(pick(30)));
  }

  std::vector<int64_t> askers = users;
  askers.push_back(other_user);  // another company's user: sees nothing here
  askers.push_back(999'999);     // no such user
  const std::vector<std::string> sorts = {
      "", "name", "serial", "created", "first_registration", "last_seen", "state"};
  const std::vector<std::string> filters = {"", "a", "sn-1", "%", "_", "10", "är"};
  const std::vector<std::pair<int64_t, int64_t>> pages = {
      {1000, 0}, {7, 0}, {7, 13}, {50, 60}, {5, 100000}};
  int compared = 0;
  for (int64_t asker : askers) {
    for (const std::string& sort : sorts) {
      for (bool descending : {false, true}) {
        for (const std::string& q : filters) {
          for (const auto& [limit, offset] : pages) {
            ListQuery query;
            query.sort = sort;
            query.descending = descending;
            query.q = q;
            query.limit = limit;
            query.offset = offset;
            const Listed sql_page = ListSql(asker, company_, query);
            const Listed index_page = List(asker, company_, query);
            ASSERT_EQ(index_page, sql_page)
                << "user " << asker << " sort '" << sort << "' desc " << descending << " q '" << q
                << "' limit " << limit << " offset " << offset << " total " << index_page.total
                << " vs " << sql_page.total;
            if (!sql_page.ids.empty()) ++compared;
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 500);  // the data is not trivially empty
}

TEST_F(SystemListIndexTest, ConcurrentListsSeeEveryCompletedWrite) {
  constexpr int kSystems = 40;
  std::atomic<int> created{0};
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      while (!done.load()) {
        const int before = created.load();
        ListQuery query;
        query.limit = 1000;
        query.sort = t % 2 == 0 ? "last_seen" : "state";
        auto page = dir().ListVisibleSystems(owner_, company_, query);
        if (!page.ok() || page->total < before ||
            static_cast<int64_t>(page->items.size()) != page->total) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (int i = 0; i < kSystems; ++i) {
    MakeSystem(company_, owner_);
    created.fetch_add(1);
  }
  done.store(true);
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  ListQuery query;
  query.limit = 1000;
  EXPECT_EQ(List(owner_, company_, query).total, kSystems);
}

}  // namespace
}  // namespace ccc::relay::directory
