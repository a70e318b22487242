#include "relay/http/status_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace ccc::relay::http {
namespace {

using ::testing::HasSubstr;

class StatusPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/status_page_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = store::OpenSqliteStore({dir_ + "/relay.db", false});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    AddStatusPage(router_, store_.get(), "9.8.7");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Response GetRoot() {
    Request request;
    request.method = Method::kGet;
    request.path = "/";
    return router_.Dispatch(request);
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  Router router_;
};

TEST_F(StatusPageTest, CountsRegisteredAndOnlineSystemsInBothLanguages) {
  ASSERT_TRUE(store_->RegisterDevice("PBX-1", 1'000).ok());
  ASSERT_TRUE(store_->RegisterDevice("PBX-2", 1'000).ok());
  ASSERT_TRUE(store_->SetPresence("PBX-2", true, 2'000).ok());
  Response response = GetRoot();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(response.body, HasSubstr("ccc relay 9.8.7"));
  EXPECT_THAT(response.body, HasSubstr("Registered systems: 2, online now: 1."));
  EXPECT_THAT(response.body, HasSubstr("Registrierte Anlagen: 2, davon jetzt online: 1."));
}

TEST_F(StatusPageTest, IsNeverCachedAndAllowsNoScripts) {
  Response response = GetRoot();
  EXPECT_THAT(response.headers,
              testing::Contains(std::pair<std::string, std::string>("Cache-Control", "no-store")));
  EXPECT_THAT(response.headers, testing::Contains(std::pair<std::string, std::string>(
                                    "Content-Security-Policy", "default-src 'none'")));
}

TEST_F(StatusPageTest, AnEmptyRelaySaysSoInsteadOfFailing) {
  Response response = GetRoot();
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr("Registered systems: 0, online now: 0."));
}

TEST_F(StatusPageTest, WithoutAPortalItSaysTheBuildHasNone) {
  EXPECT_THAT(GetRoot().body, HasSubstr("The web portal is not part of this build"));
}

TEST_F(StatusPageTest, MovesToAnotherPathAndLinksThePortalWhenThePortalHasTheRoot) {
  Router router;
  AddStatusPage(router, store_.get(), "9.8.7", "/status");
  Request request;
  request.path = "/status";
  Response response = router.Dispatch(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr("Registered systems: 0, online now: 0."));
  EXPECT_THAT(response.body, HasSubstr(R"(The web portal is at <a href="/">/</a>.)"));
  request.path = "/";
  EXPECT_EQ(router.Dispatch(request).status, 404);
}

}  // namespace
}  // namespace ccc::relay::http
