#include "common/sqlite/sqlite_db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace ccc::sqlite {
namespace {

class SqliteDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sqlite_db_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string PathOf(const std::string& name) const { return (dir_ / name).string(); }

  // A fresh database with table t(k TEXT PRIMARY KEY, n INTEGER NOT NULL).
  Database OpenWithTable() {
    Result<Database> db = Database::Open(PathOf("test.db"));
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_TRUE(db->Exec("CREATE TABLE t(k TEXT PRIMARY KEY, n INTEGER NOT NULL)").ok());
    return std::move(db).value();
  }

  static int64_t CountRows(Database& db) {
    Result<Statement> stmt = db.Prepare("SELECT count(*) FROM t");
    EXPECT_TRUE(stmt.ok());
    Result<bool> row = stmt->Step();
    EXPECT_TRUE(row.ok() && *row);
    return stmt->ColumnInt(0);
  }

  static Status Insert(Database& db, std::string_view key, int64_t n) {
    Result<Statement> stmt = db.Prepare("INSERT INTO t(k, n) VALUES (?, ?)");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, key).Bind(2, n);
    return stmt->Run();
  }

  std::filesystem::path dir_;
};

TEST_F(SqliteDbTest, OpenCreatesMissingFile) {
  Result<Database> db = Database::Open(PathOf("new.db"));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(PathOf("new.db")));
  EXPECT_EQ(db->path(), PathOf("new.db"));
}

TEST_F(SqliteDbTest, OpenUsesWalJournal) {
  Result<Database> db = Database::Open(PathOf("wal.db"));
  ASSERT_TRUE(db.ok());
  Result<Statement> stmt = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->ColumnText(0), "wal");
}

TEST_F(SqliteDbTest, ReadOnlyOpenOfMissingFileIsNotFound) {
  OpenOptions options;
  options.read_only = true;
  Result<Database> db = Database::Open(PathOf("missing.db"), options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(db.status().message(), ::testing::HasSubstr("missing.db"));
}

TEST_F(SqliteDbTest, OpenWithoutCreateOfMissingFileIsNotFound) {
  OpenOptions options;
  options.create = false;
  EXPECT_EQ(Database::Open(PathOf("missing.db"), options).status().code(), StatusCode::kNotFound);
}

TEST_F(SqliteDbTest, ReadOnlyConnectionRejectsWrites) {
  { Database db = OpenWithTable(); }
  OpenOptions options;
  options.read_only = true;
  Result<Database> db = Database::Open(PathOf("test.db"), options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_FALSE(Insert(*db, "a", 1).ok());
}

TEST_F(SqliteDbTest, BindsAndReadsBackEveryType) {
  Database db = OpenWithTable();
  ASSERT_TRUE(db.Exec("CREATE TABLE v(i INTEGER, d REAL, s TEXT, b BLOB, z)").ok());
  Result<Statement> insert = db.Prepare("INSERT INTO v VALUES (?, ?, ?, ?, ?)");
  ASSERT_TRUE(insert.ok());
  const std::string blob("a\0b", 3);
  insert->Bind(1, int64_t{-5'000'000'000}).Bind(2, 2.5).Bind(3, "héllo").BindBlob(4, blob);
  insert->BindNull(5);
  ASSERT_TRUE(insert->Run().ok());

  Result<Statement> select = db.Prepare("SELECT i, d, s, b, z FROM v");
  ASSERT_TRUE(select.ok());
  Result<bool> row = select->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(select->ColumnInt(0), -5'000'000'000);
  EXPECT_DOUBLE_EQ(select->ColumnDouble(1), 2.5);
  EXPECT_EQ(select->ColumnText(2), "héllo");
  EXPECT_EQ(select->ColumnText(3), blob);
  EXPECT_TRUE(select->ColumnIsNull(4));
  EXPECT_FALSE(select->ColumnIsNull(0));
}

TEST_F(SqliteDbTest, StepReturnsFalseAfterLastRow) {
  Database db = OpenWithTable();
  ASSERT_TRUE(Insert(db, "a", 1).ok());
  Result<Statement> stmt = db.Prepare("SELECT n FROM t");
  ASSERT_TRUE(stmt.ok());
  EXPECT_TRUE(*stmt->Step());
  Result<bool> second = stmt->Step();
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
}

TEST_F(SqliteDbTest, ResetAllowsReuseWithNewBindings) {
  Database db = OpenWithTable();
  Result<Statement> stmt = db.Prepare("INSERT INTO t(k, n) VALUES (?, ?)");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(stmt->Bind(1, "a").Bind(2, int64_t{1}).Run().ok());
  stmt->Reset();
  ASSERT_TRUE(stmt->Bind(1, "b").Bind(2, int64_t{2}).Run().ok());
  EXPECT_EQ(CountRows(db), 2);
  EXPECT_EQ(db.Changes(), 1);
  EXPECT_EQ(db.LastInsertRowId(), 2);
}

TEST_F(SqliteDbTest, UniqueViolationIsAlreadyExists) {
  Database db = OpenWithTable();
  ASSERT_TRUE(Insert(db, "a", 1).ok());
  const Status status = Insert(db, "a", 2);
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(status.message(), ::testing::HasSubstr("UNIQUE"));
}

TEST_F(SqliteDbTest, UniqueViolationInExecIsAlreadyExists) {
  Database db = OpenWithTable();
  ASSERT_TRUE(db.Exec("INSERT INTO t VALUES ('a', 1)").ok());
  EXPECT_EQ(db.Exec("INSERT INTO t VALUES ('a', 1)").code(), StatusCode::kAlreadyExists);
}

TEST_F(SqliteDbTest, NotNullViolationIsInvalidArgumentNotAlreadyExists) {
  Database db = OpenWithTable();
  Result<Statement> stmt = db.Prepare("INSERT INTO t(k, n) VALUES ('a', NULL)");
  ASSERT_TRUE(stmt.ok());
  EXPECT_EQ(stmt->Run().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteDbTest, BadSqlIsInvalidArgument) {
  Database db = OpenWithTable();
  EXPECT_EQ(db.Prepare("SELEC 1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db.Exec("SELEC 1").code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteDbTest, PrepareOfEmptySqlIsInvalidArgument) {
  Database db = OpenWithTable();
  EXPECT_EQ(db.Prepare("  -- nothing\n").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteDbTest, TransactionRollsBackWhenDestroyedWithoutCommit) {
  Database db = OpenWithTable();
  {
    Result<Transaction> txn = Transaction::Begin(db);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(Insert(db, "a", 1).ok());
  }
  EXPECT_EQ(CountRows(db), 0);
}

TEST_F(SqliteDbTest, CommittedTransactionIsVisibleToAnotherConnection) {
  Database db = OpenWithTable();
  {
    Result<Transaction> txn = Transaction::Begin(db);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(Insert(db, "a", 1).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  Result<Database> other = Database::Open(PathOf("test.db"));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(CountRows(*other), 1);
}

TEST_F(SqliteDbTest, SecondCommitIsAnError) {
  Database db = OpenWithTable();
  Result<Transaction> txn = Transaction::Begin(db);
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(txn->Commit().code(), StatusCode::kInternal);
}

TEST_F(SqliteDbTest, MovedDatabaseKeepsWorking) {
  Database db = OpenWithTable();
  Database moved = std::move(db);
  EXPECT_TRUE(Insert(moved, "a", 1).ok());
  EXPECT_EQ(moved.path(), PathOf("test.db"));
}

TEST(SqliteDb, StepErrorOnInMemoryDatabaseDoesNotCrash) {
  Result<Database> db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->Exec("CREATE TABLE u(k PRIMARY KEY)").ok());
  ASSERT_TRUE(db->Exec("INSERT INTO u VALUES (1)").ok());
  Result<Statement> stmt = db->Prepare("INSERT INTO u VALUES (1)");
  ASSERT_TRUE(stmt.ok());
  EXPECT_EQ(stmt->Run().code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace ccc::sqlite
