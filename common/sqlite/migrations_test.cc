#include "common/sqlite/migrations.h"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <string>

namespace ccc::sqlite {
namespace {

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ccc-migrations-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "test.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Database Open() {
    Result<Database> db = Database::Open(path_, {.synchronous_full = false});
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return std::move(db).value();
  }

  static int64_t UserVersion(Database& db) {
    Result<Statement> q = db.Prepare("PRAGMA user_version");
    EXPECT_TRUE(q.ok());
    EXPECT_TRUE(q->Step().ok());
    return q->ColumnInt(0);
  }

  std::filesystem::path dir_;
  std::string path_;
};

constexpr std::array<std::string_view, 2> kSteps = {"CREATE TABLE a(x INTEGER);",
                                                    "CREATE TABLE b(y INTEGER);"};

TEST_F(MigrationsTest, NewDatabaseGetsEveryStepAndRunsOnCreatedOnce) {
  Database db = Open();
  int created = 0;
  auto on_created = [&] {
    ++created;
    return db.Exec("INSERT INTO a(x) VALUES(7)");
  };
  Result<int64_t> before = ApplyMigrations(db, kSteps, "test db", on_created);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(*before, 0);
  EXPECT_EQ(UserVersion(db), 2);
  ASSERT_TRUE(ApplyMigrations(db, kSteps, "test db", on_created).ok());
  EXPECT_EQ(created, 1);
}

TEST_F(MigrationsTest, OlderDatabaseGetsOnlyTheMissingSteps) {
  Database db = Open();
  ASSERT_TRUE(ApplyMigrations(db, std::span(kSteps).first(1), "test db").ok());
  Result<int64_t> before = ApplyMigrations(db, kSteps, "test db");
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(*before, 1);
  EXPECT_TRUE(db.Exec("INSERT INTO b(y) VALUES(1)").ok());
}

TEST_F(MigrationsTest, AStepMayDropAnIndexMadeByAnEarlierStep) {
  constexpr std::array<std::string_view, 2> steps = {
      "CREATE TABLE t(x INTEGER); CREATE INDEX t_x ON t(x);", "DROP INDEX t_x;"};
  Database db = Open();
  ASSERT_TRUE(ApplyMigrations(db, std::span(steps).first(1), "test db").ok());
  Result<int64_t> before = ApplyMigrations(db, steps, "test db");
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(UserVersion(db), 2);
}

TEST_F(MigrationsTest, NewerDatabaseIsRefusedAndLeftAlone) {
  Database db = Open();
  ASSERT_TRUE(db.Exec("PRAGMA user_version = 9").ok());
  Result<int64_t> result = ApplyMigrations(db, kSteps, "test db");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(result.status().message().find("schema version 9"), std::string::npos);
  EXPECT_EQ(UserVersion(db), 9);
}

TEST_F(MigrationsTest, FailingStepRollsBackEverything) {
  Database db = Open();
  constexpr std::array<std::string_view, 2> broken = {"CREATE TABLE a(x INTEGER);",
                                                      "THIS IS NOT SQL;"};
  ASSERT_FALSE(ApplyMigrations(db, broken, "test db").ok());
  EXPECT_EQ(UserVersion(db), 0);
  EXPECT_FALSE(db.Exec("INSERT INTO a(x) VALUES(1)").ok());
}

}  // namespace
}  // namespace ccc::sqlite
