#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "relay/directory/directory.h"
#include "relay/directory/directory_impl.h"
#include "relay/directory/directory_schema.h"
#include "relay/directory/directory_test_util.h"

namespace ccc::relay::directory {
namespace {

ListQuery Filtered(std::string q, int64_t limit = 50) {
  ListQuery query;
  query.q = std::move(q);
  query.limit = limit;
  return query;
}

ListQuery Sorted(std::string sort, bool descending = false) {
  ListQuery query;
  query.sort = std::move(sort);
  query.descending = descending;
  return query;
}

ListQuery Paged(int64_t limit, int64_t offset) {
  ListQuery query;
  query.limit = limit;
  query.offset = offset;
  return query;
}

class DirectoryAccountsTest : public testutil::DirectoryTest {
 protected:
  SessionRecord SessionFor(int64_t user_id, std::string digest) {
    SessionRecord session;
    session.id_digest = std::move(digest);
    session.user_id = user_id;
    session.csrf_token = "csrf-" + session.id_digest;
    session.created_ms = kNow;
    session.last_used_ms = kNow;
    session.expires_ms = kNow + 7 * 24 * 3600 * 1000LL;
    session.address = "192.0.2.1";
    session.user_agent = "test";
    return session;
  }

  std::vector<std::string> Emails(const Page<User>& page) {
    std::vector<std::string> emails;
    for (const User& user : page.items) emails.push_back(user.email);
    return emails;
  }

  std::vector<std::string> Actions(int64_t company_id) {
    std::vector<std::string> actions;
    for (const AuditEntry& entry : AuditOf(company_id)) actions.push_back(entry.action);
    return actions;
  }

  User MustGetUser(int64_t id) {
    auto user = dir().GetUser(id);
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    EXPECT_TRUE(user.ok() && user->has_value());
    return user.ok() && user->has_value() ? **user : User{};
  }
};

// --- Open, connections, helpers -------------------------------------------------------------

TEST_F(DirectoryAccountsTest, OpensHealthyEvenBeforeTheIngestDatabaseExists) {
  EXPECT_FALSE(std::filesystem::exists(Options().ingest_path));
  EXPECT_TRUE(dir().Healthy());
  EXPECT_FALSE(std::filesystem::exists(Options().ingest_path));
}

TEST_F(DirectoryAccountsTest, ReopeningKeepsTheData) {
  const int64_t company = MakeCompany("Acme");
  const int64_t user = MakeUser(company, "ann@example.com");
  Reopen();
  auto found = dir().FindUserByEmail("ann@example.com");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, user);
  EXPECT_EQ((*found)->company_name, "Acme");
  EXPECT_EQ(Actions(company), (std::vector<std::string>{"company.create", "user.create"}));
}

TEST_F(DirectoryAccountsTest, RefusesADatabaseWithANewerSchema) {
  directory_.reset();
  {
    auto db = sqlite::Database::Open(Options().path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 99").ok());
  }
  auto opened = Directory::Open(Options());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(opened.status().message().find("directory database"), std::string::npos);
}

TEST_F(DirectoryAccountsTest, ReadersSeeTheIngestDatabaseOnceItAppears) {
  detail::Storage storage;
  ASSERT_TRUE(storage.Init(Options()).ok());
  auto count_devices = [&]() -> int64_t {
    auto lease = storage.Reader();
    auto stmt = lease->Cached("SELECT count(*) FROM ingest.devices");
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    if (!stmt.ok()) return -1;
    auto row = (*stmt)->Step();
    EXPECT_TRUE(row.ok() && *row);
    return (*stmt)->ColumnInt(0);
  };
  EXPECT_EQ(count_devices(), 0);
  ReportDevice("SN123456", true, kNow);
  // Every reader of the pool must have switched, not only the next one.
  for (int i = 0; i < 2 * Options().reader_connections; ++i) EXPECT_EQ(count_devices(), 1);
}

TEST_F(DirectoryAccountsTest, ReadersCannotWriteEitherDatabase) {
  ReportDevice("SN123456", true, kNow);
  detail::Storage storage;
  ASSERT_TRUE(storage.Init(Options()).ok());
  auto lease = storage.Reader();
  EXPECT_FALSE(lease.db().Exec("INSERT INTO companies(name, created_ms) VALUES('x', 1)").ok());
  EXPECT_FALSE(lease.db().Exec("DELETE FROM ingest.devices").ok());
}

TEST_F(DirectoryAccountsTest, WriteRollsBackEverythingWhenTheBodyFails) {
  detail::Storage storage;
  ASSERT_TRUE(storage.Init(Options()).ok());
  Status status = storage.Write([](sqlite::Database& db) -> Status {
    CCC_RETURN_IF_ERROR(db.Exec("INSERT INTO companies(name, created_ms) VALUES('Gone', 1)"));
    CCC_RETURN_IF_ERROR(
        detail::AppendAuditRow(db, Actor{}, "company.create", "company", "1", "{}", 1));
    return Internal("changed my mind");
  });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  auto lease = storage.Reader();
  auto stmt =
      lease->Cached("SELECT (SELECT count(*) FROM companies) + (SELECT count(*) FROM audit_log)");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*(*stmt)->Step());
  EXPECT_EQ((*stmt)->ColumnInt(0), 0);
}

TEST_F(DirectoryAccountsTest, AReaderReturnedInsideATransactionIsUsableAgain) {
  DirectoryOptions options = Options();
  options.reader_connections = 1;
  detail::Storage storage;
  ASSERT_TRUE(storage.Init(options).ok());
  {
    auto lease = storage.Reader();
    ASSERT_TRUE(lease.db().Exec("BEGIN").ok());
  }
  auto counted = storage.Read<int64_t>([](detail::Connection& c) -> Result<int64_t> {
    auto stmt = c.Cached("SELECT count(*) FROM companies");
    if (!stmt.ok()) return stmt.status();
    auto row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    return (*stmt)->ColumnInt(0);
  });
  ASSERT_TRUE(counted.ok()) << counted.status().ToString();
  EXPECT_EQ(*counted, 0);
}

TEST(DirectoryHelpers, LikePatternMatchesWildcardsLiterally) {
  EXPECT_EQ(detail::LikePattern("a%b_c\\d"), "%a\\%b\\_c\\\\d%");
  EXPECT_EQ(detail::LikePattern(""), "%%");
}

TEST(DirectoryHelpers, OrderByAcceptsOnlyListedKeys) {
  static constexpr detail::SortKey kKeys[] = {{"name", "s.name"}, {"created", "s.created_ms"}};
  ListQuery query;
  EXPECT_EQ(*detail::OrderBy(query, kKeys, "s.id"), " ORDER BY s.name ASC, s.id ASC");
  query.sort = "created";
  query.descending = true;
  EXPECT_EQ(*detail::OrderBy(query, kKeys, "s.id"), " ORDER BY s.created_ms DESC, s.id DESC");
  query.sort = "name; DROP TABLE systems";
  EXPECT_EQ(detail::OrderBy(query, kKeys, "s.id").status().code(), StatusCode::kInvalidArgument);
}

TEST(DirectoryHelpers, OrderByUsesTheDefaultDirectionOnlyForTheDefaultKey) {
  static constexpr detail::SortKey kKeys[] = {{"time", "ts_ms"}};
  ListQuery query;
  EXPECT_EQ(*detail::OrderBy(query, kKeys, "id", true), " ORDER BY ts_ms DESC, id DESC");
  query.sort = "time";
  EXPECT_EQ(*detail::OrderBy(query, kKeys, "id", true), " ORDER BY ts_ms ASC, id ASC");
}

// --- Companies --------------------------------------------------------------------------------

TEST_F(DirectoryAccountsTest, CreatesACompanyWithItsAuditRow) {
  auto id = dir().CreateCompany("Acme GmbH", kNow, OperatorActor());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto company = dir().GetCompany(*id);
  ASSERT_TRUE(company.ok() && company->has_value());
  EXPECT_EQ((*company)->name, "Acme GmbH");
  EXPECT_EQ((*company)->created_ms, kNow);
  auto audit = AuditOf(*id);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "company.create");
  EXPECT_EQ(audit[0].target_type, "company");
  EXPECT_EQ(audit[0].target_id, std::to_string(*id));
  EXPECT_EQ(audit[0].actor, "operator");
  EXPECT_EQ(audit[0].ts_ms, kNow);
  EXPECT_EQ(audit[0].details_json, R"({"name":"Acme GmbH"})");
}

TEST_F(DirectoryAccountsTest, CompanyNamesAreUniqueIgnoringCase) {
  MakeCompany("Acme");
  auto again = dir().CreateCompany("ACME", kNow, OperatorActor());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  auto companies = dir().ListCompanies();
  ASSERT_TRUE(companies.ok());
  EXPECT_EQ(companies->size(), 1u);
}

TEST_F(DirectoryAccountsTest, RejectsAnEmptyCompanyName) {
  EXPECT_EQ(dir().CreateCompany("", kNow, OperatorActor()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(DirectoryAccountsTest, FindsACompanyByNameIgnoringCase) {
  const int64_t id = MakeCompany("Acme");
  auto found = dir().FindCompanyByName("aCmE");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, id);
  auto missing = dir().FindCompanyByName("Other");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(DirectoryAccountsTest, GettingAnUnknownCompanyGivesNothing) {
  auto company = dir().GetCompany(4711);
  ASSERT_TRUE(company.ok());
  EXPECT_FALSE(company->has_value());
}

TEST_F(DirectoryAccountsTest, ListsCompaniesByNameIgnoringCase) {
  MakeCompany("beta");
  MakeCompany("Alpha");
  MakeCompany("Gamma");
  auto companies = dir().ListCompanies();
  ASSERT_TRUE(companies.ok());
  ASSERT_EQ(companies->size(), 3u);
  EXPECT_EQ((*companies)[0].name, "Alpha");
  EXPECT_EQ((*companies)[1].name, "beta");
  EXPECT_EQ((*companies)[2].name, "Gamma");
}

// --- Users ------------------------------------------------------------------------------------

TEST_F(DirectoryAccountsTest, CreatesAUserAndReadsEveryFieldBack) {
  const int64_t company = MakeCompany("Acme");
  NewUser user;
  user.company_id = company;
  user.email = "Ann.Smith@Example.com";
  user.name = "Ann Smith";
  user.password_hash = "$argon2id$v=19$secret-hash";
  user.language = "de";
  user.company_admin = true;
  auto id = dir().CreateUser(user, kNow, OperatorActor());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  User got = MustGetUser(*id);
  EXPECT_EQ(got.company_id, company);
  EXPECT_EQ(got.company_name, "Acme");
  EXPECT_EQ(got.email, "Ann.Smith@Example.com");
  EXPECT_EQ(got.name, "Ann Smith");
  EXPECT_EQ(got.language, "de");
  EXPECT_TRUE(got.company_admin);
  EXPECT_FALSE(got.disabled);
  EXPECT_EQ(got.password_hash, "$argon2id$v=19$secret-hash");
  EXPECT_FALSE(got.oidc_issuer.has_value());
  EXPECT_EQ(got.created_ms, kNow);
}

TEST_F(DirectoryAccountsTest, UserCreationIsAuditedWithoutThePasswordHash) {
  const int64_t company = MakeCompany();
  const int64_t id = MakeUser(company, "ann@example.com");
  auto audit = AuditOf(company);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].action, "user.create");
  EXPECT_EQ(audit[1].target_id, std::to_string(id));
  EXPECT_EQ(audit[1].company_id, company);
  EXPECT_NE(audit[1].details_json.find("ann@example.com"), std::string::npos);
  EXPECT_EQ(audit[1].details_json.find("argon2"), std::string::npos);
}

TEST_F(DirectoryAccountsTest, EmailIsUniqueIgnoringCaseAndTheFailedAttemptLeavesNoAuditRow) {
  const int64_t company = MakeCompany();
  MakeUser(company, "ann@example.com");
  const size_t audit_before = AuditOf(company).size();
  NewUser twin;
  twin.company_id = company;
  twin.email = "ANN@Example.COM";
  auto id = dir().CreateUser(twin, kNow, OperatorActor());
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(id.status().message().find("ANN@Example.COM"), std::string::npos);
  EXPECT_EQ(AuditOf(company).size(), audit_before);
}

TEST_F(DirectoryAccountsTest, EmailIsUniqueAcrossCompanies) {
  MakeUser(MakeCompany(), "ann@example.com");
  NewUser twin;
  twin.company_id = MakeCompany();
  twin.email = "ann@example.com";
  EXPECT_EQ(dir().CreateUser(twin, kNow, OperatorActor()).status().code(),
            StatusCode::kAlreadyExists);
}

TEST_F(DirectoryAccountsTest, FindsAUserByEmailIgnoringCase) {
  const int64_t id = MakeUser(MakeCompany(), "Ann@Example.com");
  auto found = dir().FindUserByEmail("aNN@eXAMPLE.COM");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, id);
  auto missing = dir().FindUserByEmail("bob@example.com");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(DirectoryAccountsTest, RefusesAUserOfAnUnknownCompany) {
  NewUser user;
  user.company_id = 4711;
  user.email = "ann@example.com";
  EXPECT_EQ(dir().CreateUser(user, kNow, OperatorActor()).status().code(), StatusCode::kNotFound);
}

TEST_F(DirectoryAccountsTest, RefusesBadUserValues) {
  NewUser user;
  user.company_id = MakeCompany();
  user.email = "no-at-sign";
  EXPECT_EQ(dir().CreateUser(user, kNow, OperatorActor()).status().code(),
            StatusCode::kInvalidArgument);
  user.email = "ann@example.com";
  user.language = "fr";
  EXPECT_EQ(dir().CreateUser(user, kNow, OperatorActor()).status().code(),
            StatusCode::kInvalidArgument);
  user.language = "en";
  user.oidc_issuer = "https://idp.example.com";
  EXPECT_EQ(dir().CreateUser(user, kNow, OperatorActor()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(DirectoryAccountsTest, StoresSqlMetacharactersInNamesVerbatim) {
  const std::string company_name = "O'Brien \"Ltd\"; DROP TABLE users;--";
  const int64_t company = MakeCompany(company_name);
  NewUser user;
  user.company_id = company;
  user.email = "robert'); drop table users;--@example.com";
  user.name = "Robert'); DROP TABLE users;-- %_\\";
  auto id = dir().CreateUser(user, kNow, OperatorActor());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  User got = MustGetUser(*id);
  EXPECT_EQ(got.name, user.name);
  EXPECT_EQ(got.email, user.email);
  EXPECT_EQ(got.company_name, company_name);
}

TEST_F(DirectoryAccountsTest, SsoUsersAreFoundByIssuerAndSubject) {
  NewUser user;
  user.company_id = MakeCompany();
  user.email = "sso@example.com";
  user.oidc_issuer = "https://idp.example.com";
  user.oidc_subject = "sub-1";
  auto id = dir().CreateUser(user, kNow, OperatorActor());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto found = dir().FindUserByOidcSubject("https://idp.example.com", "sub-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, *id);
  EXPECT_FALSE((*found)->password_hash.has_value());
  auto other_issuer = dir().FindUserByOidcSubject("https://other.example.com", "sub-1");
  ASSERT_TRUE(other_issuer.ok());
  EXPECT_FALSE(other_issuer->has_value());
}

TEST_F(DirectoryAccountsTest, LinksAnSsoIdentityOnlyOnce) {
  const int64_t company = MakeCompany();
  const int64_t ann = MakeUser(company);
  const int64_t bob = MakeUser(company);
  ASSERT_TRUE(dir().SetOidcSubject(ann, "https://idp", "sub-1", ActorFor(ann)).ok());
  EXPECT_EQ(dir().SetOidcSubject(bob, "https://idp", "sub-1", ActorFor(bob)).code(),
            StatusCode::kAlreadyExists);
  auto found = dir().FindUserByOidcSubject("https://idp", "sub-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, ann);
  EXPECT_EQ(Actions(company).back(), "user.sso_link");
}

TEST_F(DirectoryAccountsTest, ChangingThePasswordIsAuditedWithoutTheHash) {
  const int64_t company = MakeCompany();
  const int64_t ann = MakeUser(company);
  ASSERT_TRUE(dir().SetPasswordHash(ann, "$argon2id$new-hash", ActorFor(ann)).ok());
  EXPECT_EQ(MustGetUser(ann).password_hash, "$argon2id$new-hash");
  auto audit = AuditOf(company);
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back().action, "user.password");
  EXPECT_EQ(audit.back().actor_user_id, ann);
  EXPECT_EQ(audit.back().address, "192.0.2.10");
  EXPECT_EQ(audit.back().details_json, "{}");
}

TEST_F(DirectoryAccountsTest, DisablingDeletesSessionsAndApiTokensInTheSameChange) {
  const int64_t company = MakeCompany();
  const int64_t ann = MakeUser(company);
  const int64_t bob = MakeUser(company);
  ASSERT_TRUE(dir().CreateSession(SessionFor(ann, "s-ann")).ok());
  ASSERT_TRUE(dir().CreateSession(SessionFor(bob, "s-bob")).ok());
  ASSERT_TRUE(dir().CreateApiToken(ann, "ci", "d-ann", std::nullopt, kNow, ActorFor(ann)).ok());

  ASSERT_TRUE(dir().SetDisabled(ann, true, OperatorActor()).ok());

  EXPECT_TRUE(MustGetUser(ann).disabled);
  EXPECT_FALSE(dir().FindSession("s-ann")->has_value());
  EXPECT_FALSE(dir().FindApiTokenByDigest("d-ann")->has_value());
  EXPECT_TRUE(dir().FindSession("s-bob")->has_value());
  auto audit = AuditOf(company);
  EXPECT_EQ(audit.back().action, "user.disable");
  EXPECT_EQ(audit.back().details_json, R"({"sessions_deleted":1,"api_tokens_deleted":1})");
}

TEST_F(DirectoryAccountsTest, EnablingAgainIsAudited) {
  const int64_t company = MakeCompany();
  const int64_t ann = MakeUser(company);
  ASSERT_TRUE(dir().SetDisabled(ann, true, OperatorActor()).ok());
  ASSERT_TRUE(dir().SetDisabled(ann, false, OperatorActor()).ok());
  EXPECT_FALSE(MustGetUser(ann).disabled);
  EXPECT_EQ(Actions(company).back(), "user.enable");
}

TEST_F(DirectoryAccountsTest, ChangesTheLanguageToEnglishOrGermanOnly) {
  const int64_t company = MakeCompany();
  const int64_t ann = MakeUser(company);
  ASSERT_TRUE(dir().SetLanguage(ann, "de", ActorFor(ann)).ok());
  EXPECT_EQ(MustGetUser(ann).language, "de");
  EXPECT_EQ(dir().SetLanguage(ann, "fr", ActorFor(ann)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MustGetUser(ann).language, "de");
  auto audit = AuditOf(company);
  EXPECT_EQ(audit.back().action, "user.language");
  EXPECT_EQ(audit.back().details_json, R"({"language":"de"})");
}

TEST_F(DirectoryAccountsTest, GrantsAndRevokesCompanyAdmin) {
  const int64_t company = MakeCompany();
  const int64_t ann = MakeUser(company);
  ASSERT_TRUE(dir().SetCompanyAdmin(ann, true, OperatorActor()).ok());
  EXPECT_TRUE(MustGetUser(ann).company_admin);
  ASSERT_TRUE(dir().SetCompanyAdmin(ann, false, OperatorActor()).ok());
  EXPECT_FALSE(MustGetUser(ann).company_admin);
  auto audit = AuditOf(company);
  EXPECT_EQ(audit.back().action, "user.company_admin");
  EXPECT_EQ(audit.back().details_json, R"({"company_admin":false})");
}

TEST_F(DirectoryAccountsTest, ChangesToAnUnknownUserAreNotFoundAndNotAudited) {
  const int64_t company = MakeCompany();
  const Actor actor{std::nullopt, company, "operator", ""};
  const size_t before = AuditOf(company).size();
  EXPECT_EQ(dir().SetPasswordHash(4711, "h", actor).code(), StatusCode::kNotFound);
  EXPECT_EQ(dir().SetDisabled(4711, true, actor).code(), StatusCode::kNotFound);
  EXPECT_EQ(dir().SetLanguage(4711, "de", actor).code(), StatusCode::kNotFound);
  EXPECT_EQ(dir().SetCompanyAdmin(4711, true, actor).code(), StatusCode::kNotFound);
  EXPECT_EQ(dir().SetOidcSubject(4711, "i", "s", actor).code(), StatusCode::kNotFound);
  EXPECT_EQ(AuditOf(company).size(), before);
}

// --- ListUsers --------------------------------------------------------------------------------

class ListUsersTest : public DirectoryAccountsTest {
 protected:
  void SetUp() override {
    DirectoryAccountsTest::SetUp();
    company_ = MakeCompany("Acme");
    // Created in this order (created_ms ascending), names chosen to sort differently.
    AddUser("carol@example.com", "Alice Carol", kNow + 1);
    AddUser("alice@example.com", "zed", kNow + 2);
    AddUser("Bob@example.com", "Bob 100% real", kNow + 3);
    AddUser("dave_x@example.com", "Dave", kNow + 4);
    MakeUser(MakeCompany("Other"), "eve@example.com");
  }

  void AddUser(const std::string& email, const std::string& name, Ms created) {
    NewUser user;
    user.company_id = company_;
    user.email = email;
    user.name = name;
    ASSERT_TRUE(dir().CreateUser(user, created, OperatorActor()).ok());
  }

  Page<User> List(ListQuery query) {
    auto page = dir().ListUsers(company_, query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? *page : Page<User>{};
  }

  int64_t company_ = 0;
};

TEST_F(ListUsersTest, ListsOnlyTheCompanysUsersByEmailIgnoringCase) {
  Page<User> page = List({});
  EXPECT_EQ(page.total, 4);
  EXPECT_EQ(Emails(page), (std::vector<std::string>{"alice@example.com", "Bob@example.com",
                                                    "carol@example.com", "dave_x@example.com"}));
}

TEST_F(ListUsersTest, SortsByNameDescending) {
  ListQuery query;
  query.sort = "name";
  query.descending = true;
  EXPECT_EQ(Emails(List(query)),
            (std::vector<std::string>{"alice@example.com", "dave_x@example.com", "Bob@example.com",
                                      "carol@example.com"}));
}

TEST_F(ListUsersTest, SortsByCreationTime) {
  ListQuery query;
  query.sort = "created";
  EXPECT_EQ(Emails(List(query)),
            (std::vector<std::string>{"carol@example.com", "alice@example.com", "Bob@example.com",
                                      "dave_x@example.com"}));
}

TEST_F(ListUsersTest, PagesWithTheTotalOfAllMatches) {
  ListQuery query;
  query.limit = 2;
  query.offset = 1;
  Page<User> page = List(query);
  EXPECT_EQ(page.total, 4);
  EXPECT_EQ(Emails(page), (std::vector<std::string>{"Bob@example.com", "carol@example.com"}));
  query.offset = 10;
  page = List(query);
  EXPECT_EQ(page.total, 4);
  EXPECT_TRUE(page.items.empty());
}

TEST_F(ListUsersTest, FiltersOnEmailAndNameIgnoringCase) {
  ListQuery query;
  query.q = "ALICE";
  Page<User> page = List(query);
  EXPECT_EQ(page.total, 2);
  EXPECT_EQ(Emails(page), (std::vector<std::string>{"alice@example.com", "carol@example.com"}));
}

TEST_F(ListUsersTest, MatchesPercentAndUnderscoreLiterally) {
  ListQuery query;
  query.q = "%";
  EXPECT_EQ(Emails(List(query)), (std::vector<std::string>{"Bob@example.com"}));
  query.q = "_";
  EXPECT_EQ(Emails(List(query)), (std::vector<std::string>{"dave_x@example.com"}));
  query.q = "e_x";
  EXPECT_EQ(List(query).total, 1);
  query.q = "a%e";
  EXPECT_EQ(List(query).total, 0);
}

TEST_F(ListUsersTest, RefusesUnknownSortKeysAndBadPaging) {
  ListQuery query;
  query.sort = "password_hash";
  EXPECT_EQ(dir().ListUsers(company_, query).status().code(), StatusCode::kInvalidArgument);
  query.sort = "";
  query.limit = 0;
  EXPECT_EQ(dir().ListUsers(company_, query).status().code(), StatusCode::kInvalidArgument);
  query.limit = 1001;
  EXPECT_EQ(dir().ListUsers(company_, query).status().code(), StatusCode::kInvalidArgument);
  query.limit = 10;
  query.offset = -1;
  EXPECT_EQ(dir().ListUsers(company_, query).status().code(), StatusCode::kInvalidArgument);
}

// --- Sessions ---------------------------------------------------------------------------------

TEST_F(DirectoryAccountsTest, StoresAndFindsASession) {
  const int64_t company = MakeCompany();
  const int64_t ann = MakeUser(company);
  const size_t audit_before = AuditOf(company).size();
  const SessionRecord session = SessionFor(ann, "digest-1");
  ASSERT_TRUE(dir().CreateSession(session).ok());
  auto found = dir().FindSession("digest-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->user_id, ann);
  EXPECT_EQ((*found)->csrf_token, session.csrf_token);
  EXPECT_EQ((*found)->created_ms, session.created_ms);
  EXPECT_EQ((*found)->last_used_ms, session.last_used_ms);
  EXPECT_EQ((*found)->expires_ms, session.expires_ms);
  EXPECT_EQ((*found)->address, "192.0.2.1");
  EXPECT_EQ((*found)->user_agent, "test");
  EXPECT_EQ(AuditOf(company).size(), audit_before);
}

TEST_F(DirectoryAccountsTest, RefusesADuplicateSessionOrOneOfAnUnknownUser) {
  const int64_t ann = MakeUser(MakeCompany());
  ASSERT_TRUE(dir().CreateSession(SessionFor(ann, "digest-1")).ok());
  EXPECT_EQ(dir().CreateSession(SessionFor(ann, "digest-1")).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dir().CreateSession(SessionFor(4711, "digest-2")).code(), StatusCode::kNotFound);
}

TEST_F(DirectoryAccountsTest, TouchingASessionMovesLastUseForwardOnly) {
  const int64_t ann = MakeUser(MakeCompany());
  ASSERT_TRUE(dir().CreateSession(SessionFor(ann, "digest-1")).ok());
  ASSERT_TRUE(dir().TouchSession("digest-1", kNow + 60'000).ok());
  EXPECT_EQ((*dir().FindSession("digest-1"))->last_used_ms, kNow + 60'000);
  ASSERT_TRUE(dir().TouchSession("digest-1", kNow + 1).ok());
  EXPECT_EQ((*dir().FindSession("digest-1"))->last_used_ms, kNow + 60'000);
  EXPECT_TRUE(dir().TouchSession("vanished", kNow).ok());
}

TEST_F(DirectoryAccountsTest, DeletingASessionIsIdempotent) {
  const int64_t ann = MakeUser(MakeCompany());
  ASSERT_TRUE(dir().CreateSession(SessionFor(ann, "digest-1")).ok());
  ASSERT_TRUE(dir().DeleteSession("digest-1").ok());
  EXPECT_FALSE(dir().FindSession("digest-1")->has_value());
  EXPECT_TRUE(dir().DeleteSession("digest-1").ok());
}

TEST_F(DirectoryAccountsTest, DeletesExpiredAndIdleSessionsOnly) {
  const int64_t ann = MakeUser(MakeCompany());
  const Ms idle = 12 * 3600 * 1000LL;
  SessionRecord expired = SessionFor(ann, "expired");
  expired.expires_ms = kNow;
  SessionRecord idle_one = SessionFor(ann, "idle");
  idle_one.last_used_ms = kNow - idle;
  SessionRecord fresh = SessionFor(ann, "fresh");
  fresh.last_used_ms = kNow - idle + 1;
  for (const auto& s : {expired, idle_one, fresh}) ASSERT_TRUE(dir().CreateSession(s).ok());
  auto deleted = dir().DeleteExpiredSessions(kNow, idle);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
  EXPECT_FALSE(dir().FindSession("expired")->has_value());
  EXPECT_FALSE(dir().FindSession("idle")->has_value());
  EXPECT_TRUE(dir().FindSession("fresh")->has_value());
}

// --- API tokens -------------------------------------------------------------------------------

TEST_F(DirectoryAccountsTest, CreatesAnApiTokenFoundByItsDigestAndAuditedWithoutIt) {
  const int64_t company = MakeCompany();
  const int64_t ann = MakeUser(company);
  auto id =
      dir().CreateApiToken(ann, "backup script", "digest-abc", kNow + 1000, kNow, ActorFor(ann));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto token = dir().FindApiTokenByDigest("digest-abc");
  ASSERT_TRUE(token.ok() && token->has_value());
  EXPECT_EQ((*token)->id, *id);
  EXPECT_EQ((*token)->user_id, ann);
  EXPECT_EQ((*token)->name, "backup script");
  EXPECT_EQ((*token)->created_ms, kNow);
  EXPECT_EQ((*token)->expires_ms, kNow + 1000);
  EXPECT_FALSE((*token)->last_used_ms.has_value());
  auto audit = AuditOf(company);
  EXPECT_EQ(audit.back().action, "api_token.create");
  EXPECT_EQ(audit.back().target_type, "api_token");
  EXPECT_EQ(audit.back().target_id, std::to_string(*id));
  EXPECT_EQ(audit.back().details_json.find("digest-abc"), std::string::npos);
}

TEST_F(DirectoryAccountsTest, RefusesADuplicateTokenDigestOrAnUnknownUser) {
  const int64_t ann = MakeUser(MakeCompany());
  ASSERT_TRUE(dir().CreateApiToken(ann, "a", "digest", std::nullopt, kNow, ActorFor(ann)).ok());
  EXPECT_EQ(
      dir().CreateApiToken(ann, "b", "digest", std::nullopt, kNow, ActorFor(ann)).status().code(),
      StatusCode::kAlreadyExists);
  EXPECT_EQ(
      dir().CreateApiToken(4711, "c", "other", std::nullopt, kNow, OperatorActor()).status().code(),
      StatusCode::kNotFound);
  EXPECT_EQ(
      dir().CreateApiToken(ann, "", "third", std::nullopt, kNow, ActorFor(ann)).status().code(),
      StatusCode::kInvalidArgument);
}

TEST_F(DirectoryAccountsTest, TouchingAnApiTokenRecordsItsLastUse) {
  const int64_t ann = MakeUser(MakeCompany());
  auto id = dir().CreateApiToken(ann, "a", "digest", std::nullopt, kNow, ActorFor(ann));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(dir().TouchApiToken(*id, kNow + 5).ok());
  EXPECT_EQ((*dir().FindApiTokenByDigest("digest"))->last_used_ms, kNow + 5);
}

TEST_F(DirectoryAccountsTest, ListsOnlyTheUsersOwnTokens) {
  const int64_t company = MakeCompany();
  const int64_t ann = MakeUser(company);
  const int64_t bob = MakeUser(company);
  ASSERT_TRUE(dir().CreateApiToken(ann, "first", "d1", std::nullopt, kNow, ActorFor(ann)).ok());
  ASSERT_TRUE(dir().CreateApiToken(bob, "bobs", "d2", std::nullopt, kNow, ActorFor(bob)).ok());
  ASSERT_TRUE(
      dir().CreateApiToken(ann, "second", "d3", std::nullopt, kNow + 1, ActorFor(ann)).ok());
  auto tokens = dir().ListApiTokens(ann);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].name, "first");
  EXPECT_EQ((*tokens)[1].name, "second");
}

TEST_F(DirectoryAccountsTest, DeletesOnlyTheUsersOwnToken) {
  const int64_t company = MakeCompany();
  const int64_t ann = MakeUser(company);
  const int64_t bob = MakeUser(company);
  auto id = dir().CreateApiToken(ann, "ann's", "d1", std::nullopt, kNow, ActorFor(ann));
  ASSERT_TRUE(id.ok());
  const size_t audit_before = AuditOf(company).size();
  EXPECT_EQ(dir().DeleteApiToken(bob, *id, ActorFor(bob)).code(), StatusCode::kNotFound);
  EXPECT_TRUE(dir().FindApiTokenByDigest("d1")->has_value());
  EXPECT_EQ(AuditOf(company).size(), audit_before);

  ASSERT_TRUE(dir().DeleteApiToken(ann, *id, ActorFor(ann)).ok());
  EXPECT_FALSE(dir().FindApiTokenByDigest("d1")->has_value());
  auto audit = AuditOf(company);
  EXPECT_EQ(audit.back().action, "api_token.delete");
  EXPECT_EQ(audit.back().details_json, R"({"name":"ann's","user_id":)" + std::to_string(ann) + "}");
}

// --- Audit log --------------------------------------------------------------------------------

class AuditTest : public DirectoryAccountsTest {
 protected:
  void SetUp() override {
    DirectoryAccountsTest::SetUp();
    company_ = MakeCompany("Acme");
    other_ = MakeCompany("Other");
    Append(kNow + 10, "ann@example.com", "session.login", "user", "7");
    Append(kNow + 30, "bob@example.com", "session.logout", "user", "8");
    Append(kNow + 20, "carl@example.com", "pairing.failed", "system", "SN_100%");
  }

  void Append(Ms ts, const std::string& actor, const std::string& action,
              const std::string& target_type, const std::string& target_id) {
    AuditEntry entry;
    entry.ts_ms = ts;
    entry.company_id = company_;
    entry.actor = actor;
    entry.address = "198.51.100.7";
    entry.action = action;
    entry.target_type = target_type;
    entry.target_id = target_id;
    entry.details_json = R"({"reason":"test"})";
    Status status = dir().AppendAudit(entry);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::vector<std::string> ListedActions(ListQuery query) {
    auto page = dir().ListAudit(company_, query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> actions;
    if (page.ok()) {
      for (const AuditEntry& e : page->items) actions.push_back(e.action);
    }
    return actions;
  }

  int64_t company_ = 0;
  int64_t other_ = 0;
};

TEST_F(AuditTest, StoresAnAppendedEntryVerbatim) {
  auto page = dir().ListAudit(company_, Filtered("carl"));
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  const AuditEntry& e = page->items[0];
  EXPECT_EQ(e.ts_ms, kNow + 20);
  EXPECT_EQ(e.company_id, company_);
  EXPECT_FALSE(e.actor_user_id.has_value());
  EXPECT_EQ(e.actor, "carl@example.com");
  EXPECT_EQ(e.address, "198.51.100.7");
  EXPECT_EQ(e.target_type, "system");
  EXPECT_EQ(e.target_id, "SN_100%");
  EXPECT_EQ(e.details_json, R"({"reason":"test"})");
}

TEST_F(AuditTest, RefusesDetailsThatAreNotAJsonObject) {
  AuditEntry entry;
  entry.company_id = company_;
  entry.action = "x.y";
  entry.target_type = "x";
  entry.details_json = "[1]";
  EXPECT_EQ(dir().AppendAudit(entry).code(), StatusCode::kInvalidArgument);
  entry.details_json = "{";
  EXPECT_EQ(dir().AppendAudit(entry).code(), StatusCode::kInvalidArgument);
}

TEST_F(AuditTest, ListsNewestFirstByDefault) {
  EXPECT_EQ(ListedActions({}), (std::vector<std::string>{"session.logout", "pairing.failed",
                                                         "session.login", "company.create"}));
}

TEST_F(AuditTest, SortsByTimeAscendingWhenAskedExplicitly) {
  EXPECT_EQ(ListedActions(Sorted("time")),
            (std::vector<std::string>{"company.create", "session.login", "pairing.failed",
                                      "session.logout"}));
}

TEST_F(AuditTest, SortsByActorAndAction) {
  EXPECT_EQ(ListedActions(Sorted("actor")),
            (std::vector<std::string>{"session.login", "session.logout", "pairing.failed",
                                      "company.create"}));
  EXPECT_EQ(ListedActions(Sorted("action", true)),
            (std::vector<std::string>{"session.logout", "session.login", "pairing.failed",
                                      "company.create"}));
}

TEST_F(AuditTest, FiltersOnActorActionAndTargetLiterally) {
  EXPECT_EQ(ListedActions(Filtered("SESSION.")),
            (std::vector<std::string>{"session.logout", "session.login"}));
  EXPECT_EQ(ListedActions(Filtered("bob@")), (std::vector<std::string>{"session.logout"}));
  EXPECT_EQ(ListedActions(Filtered("_100%")), (std::vector<std::string>{"pairing.failed"}));
  EXPECT_TRUE(ListedActions(Filtered("s%n")).empty());
}

TEST_F(AuditTest, ShowsOnlyTheCompanysEntriesWithTheirTotal) {
  auto page = dir().ListAudit(other_, Paged(1, 0));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 1);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].action, "company.create");
  auto mine = dir().ListAudit(company_, Paged(2, 1));
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->total, 4);
  EXPECT_EQ(mine->items.size(), 2u);
}

TEST_F(AuditTest, RefusesUnknownSortKeys) {
  EXPECT_EQ(dir().ListAudit(company_, Sorted("details")).status().code(),
            StatusCode::kInvalidArgument);
}

// --- Threads ----------------------------------------------------------------------------------

TEST_F(DirectoryAccountsTest, ReadersKeepAnsweringWhileUsersAreWritten) {
  const int64_t company = MakeCompany();
  constexpr int kUsers = 150;
  constexpr int kReaders = 6;  // more than the pool, so leases are also waited for
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::atomic<int64_t> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      int64_t last_total = 0;
      while (writing.load()) {
        auto page = dir().ListUsers(company, Filtered("example", 10));
        if (!page.ok() || page->total < last_total) ++failures;
        if (page.ok()) last_total = page->total;
        auto found = dir().FindUserByEmail("w" + std::to_string(r) + "@example.com");
        if (!found.ok()) ++failures;
        ++reads;
      }
    });
  }
  for (int i = 0; i < kUsers; ++i) {
    NewUser user;
    user.company_id = company;
    user.email = "w" + std::to_string(i) + "@example.com";
    auto id = dir().CreateUser(user, kNow, OperatorActor());
    EXPECT_TRUE(id.ok()) << id.status().ToString();
  }
  writing = false;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
  auto page = dir().ListUsers(company, ListQuery{});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, kUsers);
  EXPECT_EQ(AuditOf(company).size(), static_cast<size_t>(kUsers + 1));
}

}  // namespace
}  // namespace ccc::relay::directory
