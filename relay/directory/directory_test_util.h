#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "common/sqlite/sqlite_db.h"
#include "relay/directory/directory.h"

// Test fixture for everything built on the Directory: a fresh temp dir with directory.db
// (and the path of relay.db beside it, not created until ReportDevice), an open Directory,
// and helpers that create companies, users and systems in one line. Real SQLite, no mocks.
// Helpers fail the test (ADD_FAILURE) and return 0 when the directory refuses.
namespace ccc::relay::directory::testutil {

class DirectoryTest : public ::testing::Test {
 protected:
  static constexpr Ms kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "ccc-directory-XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    Open();
  }

  void TearDown() override {
    directory_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  DirectoryOptions Options() const {
    DirectoryOptions options;
    options.path = (dir_ / "directory.db").string();
    options.ingest_path = (dir_ / "relay.db").string();
    options.synchronous_full = false;
    options.reader_connections = 4;
    return options;
  }

  void Open() {
    auto opened = Directory::Open(Options());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    directory_ = std::move(opened).value();
  }

  // Closes and opens the same files again (data must survive).
  void Reopen() {
    directory_.reset();
    Open();
  }

  Directory& dir() { return *directory_; }

  static Actor OperatorActor() { return Actor{std::nullopt, std::nullopt, "operator", ""}; }

  Actor ActorFor(int64_t user_id) {
    auto user = directory_->GetUser(user_id);
    if (!user.ok() || !user->has_value()) {
      ADD_FAILURE() << "no user " << user_id;
      return OperatorActor();
    }
    return Actor{user_id, (*user)->company_id, (*user)->email, "192.0.2.10"};
  }

  // name "" = a fresh unique name.
  int64_t MakeCompany(std::string name = "") {
    if (name.empty()) name = "Company " + std::to_string(++counter_);
    auto id = directory_->CreateCompany(name, kNow, OperatorActor());
    if (!id.ok()) {
      ADD_FAILURE() << "CreateCompany(" << name << "): " << id.status().ToString();
      return 0;
    }
    return *id;
  }

  // email "" = a fresh unique address. Password users get a fake hash.
  int64_t MakeUser(int64_t company_id, std::string email = "", bool company_admin = false) {
    if (email.empty()) email = "user" + std::to_string(++counter_) + "@example.com";
    NewUser user;
    user.company_id = company_id;
    user.email = email;
    user.name = "User " + email;
    user.password_hash = "$argon2id$v=19$m=8,t=1,p=1$fake$fake";
    user.company_admin = company_admin;
    auto id = directory_->CreateUser(user, kNow, OperatorActor());
    if (!id.ok()) {
      ADD_FAILURE() << "CreateUser(" << email << "): " << id.status().ToString();
      return 0;
    }
    return *id;
  }

  // A system owned by owner_user_id with a fresh code valid for a day. serial "" = unique.
  int64_t MakeSystem(int64_t company_id, int64_t owner_user_id, std::string serial = "",
                     std::string name = "") {
    const int n = ++counter_;
    if (serial.empty()) serial = "SN" + std::to_string(100000 + n);
    if (name.empty()) name = "System " + serial;
    PairingCode code{CodeFor(n), kNow, kNow + 24 * 3600 * 1000};
    auto id = directory_->CreateSystem(company_id, owner_user_id, name, serial, code, kNow,
                                       ActorFor(owner_user_id));
    if (!id.ok()) {
      ADD_FAILURE() << "CreateSystem(" << serial << "): " << id.status().ToString();
      return 0;
    }
    return *id;
  }

  // A distinct well-formed confirmation code "XXXX-XXXX-XXXX" per n.
  static std::string CodeFor(int n) {
    std::string digits = std::to_string(n);
    digits.insert(0, 12 - digits.size(), 'A');
    return digits.substr(0, 4) + "-" + digits.substr(4, 4) + "-" + digits.substr(8, 4);
  }

  // Writes the agent's facts for `serial` into relay.db (created with the ingest store's
  // devices table if missing), as the ingest pipeline would.
  void ReportDevice(const std::string& serial, bool online, std::optional<Ms> last_seen_ms,
                    const std::string& sysinfo_json = "{}") {
    auto db = sqlite::Database::Open(Options().ingest_path);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(db->Exec("CREATE TABLE IF NOT EXISTS devices(id TEXT PRIMARY KEY NOT NULL,"
                         " registered_ms INTEGER NOT NULL, online INTEGER NOT NULL DEFAULT 0,"
                         " last_seen_ms INTEGER, sysinfo_json TEXT NOT NULL DEFAULT '{}',"
                         " sysinfo_ts_ms INTEGER)")
                    .ok());
    auto stmt = db->Prepare(
        "INSERT INTO devices(id, registered_ms, online, last_seen_ms, sysinfo_json)"
        " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET online = excluded.online,"
        " last_seen_ms = excluded.last_seen_ms, sysinfo_json = excluded.sysinfo_json");
    ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
    stmt->Bind(1, std::string_view(serial)).Bind(2, kNow).Bind(3, int64_t{online ? 1 : 0});
    if (last_seen_ms) {
      stmt->Bind(4, *last_seen_ms);
    } else {
      stmt->BindNull(4);
    }
    stmt->Bind(5, std::string_view(sysinfo_json));
    Status run = stmt->Run();
    ASSERT_TRUE(run.ok()) << run.ToString();
  }

  // The company's whole audit log, oldest first.
  std::vector<AuditEntry> AuditOf(int64_t company_id) {
    ListQuery query;
    query.sort = "time";
    query.limit = 1000;
    auto page = directory_->ListAudit(company_id, query);
    if (!page.ok()) {
      ADD_FAILURE() << page.status().ToString();
      return {};
    }
    return page->items;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Directory> directory_;
  int counter_ = 0;
};

}  // namespace ccc::relay::directory::testutil
