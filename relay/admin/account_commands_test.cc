#include "relay/admin/account_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <sstream>

#include "relay/store/store.h"

namespace ccc::relay::admin {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kNow = 1'700'000'000'000;

class AccountCommandsTest : public ::testing::Test {
 protected:
  AccountCommandsTest() : hasher_(auth::PasswordHashParams::ForTests()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ccc-account-commands-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    // As in a running relay: the ingest store's relay.db exists next to directory.db.
    store::SqliteOptions store_options;
    store_options.path = (dir_ / "relay.db").string();
    store_options.synchronous_full = false;
    auto store = store::OpenSqliteStore(store_options);
    if (!store.ok()) throw std::runtime_error(store.status().ToString());
    store_ = std::move(*store);
    directory_ = OpenDirectory(store_options.path);
  }

  std::unique_ptr<directory::Directory> OpenDirectory(const std::string& ingest_path) {
    directory::DirectoryOptions options;
    options.path = (dir_ / "directory.db").string();
    options.ingest_path = ingest_path;
    options.synchronous_full = false;
    auto opened = directory::Directory::Open(options);
    if (!opened.ok()) throw std::runtime_error(opened.status().ToString());
    return std::move(*opened);
  }
  ~AccountCommandsTest() override {
    directory_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  int Run(const AccountCommand& command, const std::string& stdin_text = "") {
    out_.str("");
    err_.str("");
    std::istringstream in(stdin_text);
    return RunAccountCommand(*directory_, hasher_, command, kNow, in, out_, err_);
  }

  AccountCommand Company(std::string verb, std::string name = "") {
    AccountCommand command;
    command.noun = "company";
    command.verb = std::move(verb);
    command.name = std::move(name);
    return command;
  }

  AccountCommand User(std::string verb, std::string email, std::string company = "Acme") {
    AccountCommand command;
    command.noun = "user";
    command.verb = std::move(verb);
    command.email = std::move(email);
    command.company = std::move(company);
    return command;
  }

  std::optional<directory::User> FindUser(const std::string& email) {
    auto user = directory_->FindUserByEmail(email);
    EXPECT_TRUE(user.ok());
    return user.ok() ? *user : std::nullopt;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<directory::Directory> directory_;
  auth::PasswordHasher hasher_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(AccountCommandsTest, CompanyCreatePrintsTheNewId) {
  EXPECT_EQ(Run(Company("create", "Acme")), kExitOk);
  EXPECT_THAT(out_.str(), ::testing::MatchesRegex("created company [0-9]+ Acme\n"));
}

// A fresh installation: the operator creates the first company before the relay ever ran,
// so relay.db does not exist yet.
TEST_F(AccountCommandsTest, WorksBeforeTheIngestDatabaseExists) {
  directory_.reset();
  directory_ = OpenDirectory((dir_ / "not-yet" / "relay.db").string());
  EXPECT_EQ(Run(Company("create", "Acme")), kExitOk) << err_.str();
  EXPECT_EQ(Run(User("invite", "bob@example.com")), kExitOk) << err_.str();
}

TEST_F(AccountCommandsTest, CompanyCreateRefusesATakenName) {
  ASSERT_EQ(Run(Company("create", "Acme")), kExitOk);
  EXPECT_EQ(Run(Company("create", "Acme")), kExitFailure);
  EXPECT_THAT(err_.str(), HasSubstr("already exists"));
}

TEST_F(AccountCommandsTest, CompanyCreateRefusesAnEmptyName) {
  EXPECT_EQ(Run(Company("create", "")), kExitUsage);
}

TEST_F(AccountCommandsTest, CompanyListPrintsOneLinePerCompany) {
  Run(Company("create", "Acme"));
  Run(Company("create", "Globex"));
  EXPECT_EQ(Run(Company("list")), kExitOk);
  EXPECT_THAT(out_.str(), ::testing::MatchesRegex("[0-9]+\tAcme\t2023-11-14T22:13:20Z\n"
                                                  "[0-9]+\tGlobex\t2023-11-14T22:13:20Z\n"));
}

TEST_F(AccountCommandsTest, UserCreateWithAPasswordLetsItVerify) {
  Run(Company("create", "Acme"));
  AccountCommand command = User("create", "alice@example.com");
  command.password = "correct horse battery";
  command.admin = true;
  ASSERT_EQ(Run(command), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("alice@example.com in company Acme (company administrator)"));
  auto user = FindUser("alice@example.com");
  ASSERT_TRUE(user.has_value());
  EXPECT_TRUE(user->company_admin);
  EXPECT_TRUE(hasher_.Verify("correct horse battery", user->password_hash.value()));
}

TEST_F(AccountCommandsTest, UserCreateReadsThePasswordFromStdin) {
  Run(Company("create", "Acme"));
  AccountCommand command = User("create", "alice@example.com");
  command.password_stdin = true;
  ASSERT_EQ(Run(command, "from standard input\r\nignored\n"), kExitOk) << err_.str();
  EXPECT_TRUE(
      hasher_.Verify("from standard input", FindUser("alice@example.com")->password_hash.value()));
  EXPECT_THAT(out_.str(), ::testing::Not(HasSubstr("from standard input")));
}

TEST_F(AccountCommandsTest, UserCreateRefusesAShortPassword) {
  Run(Company("create", "Acme"));
  AccountCommand command = User("create", "alice@example.com");
  command.password = "123456789";
  EXPECT_EQ(Run(command), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("at least 10 characters"));
  EXPECT_FALSE(FindUser("alice@example.com").has_value());
}

TEST_F(AccountCommandsTest, UserCreateRefusesBothPasswordSources) {
  Run(Company("create", "Acme"));
  AccountCommand command = User("create", "alice@example.com");
  command.password = "correct horse battery";
  command.password_stdin = true;
  EXPECT_EQ(Run(command, "another password\n"), kExitUsage);
}

TEST_F(AccountCommandsTest, UserCreateWithoutPasswordSaysHowToLogIn) {
  Run(Company("create", "Acme"));
  ASSERT_EQ(Run(User("create", "sso@example.com")), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("single sign-on"));
  EXPECT_FALSE(FindUser("sso@example.com")->password_hash.has_value());
}

TEST_F(AccountCommandsTest, UserCreateNeedsAnExistingCompany) {
  EXPECT_EQ(Run(User("create", "alice@example.com", "Nope")), kExitFailure);
  EXPECT_THAT(err_.str(), HasSubstr("no company named 'Nope'"));
}

TEST_F(AccountCommandsTest, UserCreateRefusesSomethingThatIsNoEmailAddress) {
  Run(Company("create", "Acme"));
  EXPECT_EQ(Run(User("create", "alice at example.com")), kExitUsage);
  EXPECT_EQ(Run(User("create", "@example.com")), kExitUsage);
  EXPECT_EQ(Run(User("create", "a@b@c")), kExitUsage);
}

TEST_F(AccountCommandsTest, UserCreateRefusesATakenEmailInAnyCase) {
  Run(Company("create", "Acme"));
  ASSERT_EQ(Run(User("create", "alice@example.com")), kExitOk);
  EXPECT_EQ(Run(User("create", "ALICE@example.com")), kExitFailure);
  EXPECT_THAT(err_.str(), HasSubstr("already exists"));
}

TEST_F(AccountCommandsTest, UserInviteCreatesAUserWithoutPassword) {
  Run(Company("create", "Acme"));
  AccountCommand command = User("invite", "bob@example.com");
  command.name = "Bob";
  ASSERT_EQ(Run(command), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("user set-password --email bob@example.com"));
  auto user = FindUser("bob@example.com");
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->name, "Bob");
  EXPECT_FALSE(user->password_hash.has_value());
}

TEST_F(AccountCommandsTest, UserSetPasswordReplacesThePassword) {
  Run(Company("create", "Acme"));
  Run(User("invite", "bob@example.com"));
  AccountCommand command = User("set-password", "bob@example.com", "");
  command.password_stdin = true;
  ASSERT_EQ(Run(command, "a brand new password\n"), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "password set for bob@example.com\n");
  EXPECT_TRUE(
      hasher_.Verify("a brand new password", FindUser("bob@example.com")->password_hash.value()));
}

TEST_F(AccountCommandsTest, UserSetPasswordOfAnUnknownUserFails) {
  AccountCommand command = User("set-password", "nobody@example.com", "");
  command.password = "correct horse battery";
  EXPECT_EQ(Run(command), kExitFailure);
  EXPECT_THAT(err_.str(), HasSubstr("no user with e-mail nobody@example.com"));
}

TEST_F(AccountCommandsTest, UserSetPasswordNeedsAPassword) {
  EXPECT_EQ(Run(User("set-password", "bob@example.com", "")), kExitUsage);
}

TEST_F(AccountCommandsTest, UserDisableAndEnableToggleTheFlag) {
  Run(Company("create", "Acme"));
  Run(User("invite", "bob@example.com"));
  ASSERT_EQ(Run(User("disable", "bob@example.com", "")), kExitOk);
  EXPECT_TRUE(FindUser("bob@example.com")->disabled);
  ASSERT_EQ(Run(User("enable", "bob@example.com", "")), kExitOk);
  EXPECT_FALSE(FindUser("bob@example.com")->disabled);
}

TEST_F(AccountCommandsTest, UserDisableIsAuditedAsTheOperatorInTheUsersCompany) {
  Run(Company("create", "Acme"));
  Run(User("invite", "bob@example.com"));
  Run(User("disable", "bob@example.com", ""));
  auto user = FindUser("bob@example.com");
  auto page = directory_->ListAudit(user->company_id, directory::ListQuery{});
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->items.empty());
  EXPECT_EQ(page->items.front().actor, "operator");
}

TEST_F(AccountCommandsTest, UnknownCommandIsAUsageError) {
  AccountCommand command;
  command.noun = "user";
  command.verb = "delete";
  EXPECT_EQ(Run(command), kExitUsage);
}

TEST(AddAccountCommands, ParsesUserCreate) {
  CLI::App app;
  AccountCommand command;
  AddAccountCommands(app, command);
  app.parse(
      "user create --company Acme --email alice@example.com --name Alice --password-stdin "
      "--admin",
      false);
  EXPECT_EQ(command.noun, "user");
  EXPECT_EQ(command.verb, "create");
  EXPECT_EQ(command.company, "Acme");
  EXPECT_EQ(command.email, "alice@example.com");
  EXPECT_EQ(command.name, "Alice");
  EXPECT_TRUE(command.password_stdin);
  EXPECT_TRUE(command.admin);
}

TEST(AddAccountCommands, ParsesCompanyCreate) {
  CLI::App app;
  AccountCommand command;
  AddAccountCommands(app, command);
  app.parse("company create \"Acme Corp\"", false);
  EXPECT_EQ(command.noun, "company");
  EXPECT_EQ(command.verb, "create");
  EXPECT_EQ(command.name, "Acme Corp");
}

TEST(AddAccountCommands, RefusesBothPasswordOptions) {
  CLI::App app;
  AccountCommand command;
  AddAccountCommands(app, command);
  EXPECT_THROW(app.parse("user set-password --email a@b.c --password x --password-stdin", false),
               CLI::ParseError);
}

TEST(AddAccountCommands, LeavesTheCommandEmptyForOtherSubcommands) {
  CLI::App app;
  AccountCommand command;
  AddAccountCommands(app, command);
  app.add_subcommand("device");
  app.parse("device", false);
  EXPECT_TRUE(command.noun.empty());
}

}  // namespace
}  // namespace ccc::relay::admin
