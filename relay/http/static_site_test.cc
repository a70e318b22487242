#include "relay/http/static_site.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <optional>

namespace ccc::relay::http {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kIndex[] = "<!doctype html><title>portal</title>";
constexpr char kAppJs[] = "console.log('app');";
constexpr char kAppJsGz[] = "\x1f\x8bGZIP-BYTES";
constexpr char kSecret[] = "TOP SECRET";

void WriteFile(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::optional<std::string> HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string ErrorCode(const Response& response) {
  return std::string(boost::json::parse(response.body).at("error").at("code").as_string());
}

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/static_site_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    root_ = dir_ / "web";
    WriteFile(root_ / "index.html", kIndex);
    WriteFile(root_ / "assets/app-1a2b3c.js", kAppJs);
    WriteFile(root_ / "assets/app-1a2b3c.js.gz", std::string_view(kAppJsGz, sizeof kAppJsGz - 1));
    WriteFile(root_ / "assets/app-1a2b3c.css", "body{}");
    WriteFile(root_ / "assets/logo-9f8e.svg", "<svg/>");
    WriteFile(root_ / "favicon.ico", "ico");
    WriteFile(root_ / "manifest.webmanifest", "{}");
    WriteFile(root_ / "robots.txt", "User-agent: *");
    WriteFile(root_ / ".vite/manifest.json", "{}");
    WriteFile(root_ / ".hidden.txt", "hidden");
    WriteFile(dir_ / "outside/secret.txt", kSecret);
    fs::create_directory_symlink(dir_ / "outside", root_ / "linked-dir");
    fs::create_symlink(dir_ / "outside/secret.txt", root_ / "leak.txt");
    fs::create_symlink(root_ / "robots.txt", root_ / "alias.txt");
  }
  void TearDown() override { fs::remove_all(dir_); }

  const StaticSite& Site() {
    if (!site_) {
      auto site = StaticSite::Load(root_);
      EXPECT_TRUE(site.ok()) << site.status().ToString();
      site_.emplace(std::move(site).value());
    }
    return *site_;
  }

  Response Get(std::string path, std::vector<std::pair<std::string, std::string>> headers = {},
               Method method = Method::kGet) {
    Request request;
    request.method = method;
    request.target = path;
    request.path = std::move(path);
    request.headers = std::move(headers);
    return Site().Serve(request);
  }

  fs::path dir_;
  fs::path root_;
  std::optional<StaticSite> site_;
};

TEST_F(StaticSiteTest, LoadsEveryFileButGzipVariantsHiddenNamesAndLinksLeavingTheRoot) {
  // index.html, three assets, favicon, manifest, robots.txt and the in-root alias.txt.
  EXPECT_EQ(Site().file_count(), 8u);
  EXPECT_EQ(Site().root(), fs::canonical(root_).string());
}

TEST_F(StaticSiteTest, ServesIndexAtTheRootRevalidatedEveryTime) {
  Response response = Get("/");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(response.body, kIndex);
  EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-cache");
  ASSERT_TRUE(HeaderOf(response, "ETag").has_value());
  EXPECT_THAT(*HeaderOf(response, "ETag"), testing::MatchesRegex("\"[0-9a-f]{32}\""));
  EXPECT_EQ(HeaderOf(response, "Vary"), "Accept-Encoding");
}

TEST_F(StaticSiteTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const char* path : {"/", "/assets/app-1a2b3c.js", "/missing.png", "/%2e%2e/x.txt"}) {
    Response response = Get(path);
    EXPECT_EQ(HeaderOf(response, "Content-Security-Policy"),
              "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
              "form-action 'self'; frame-ancestors 'none'")
        << path;
    EXPECT_EQ(HeaderOf(response, "X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(HeaderOf(response, "Referrer-Policy"), "no-referrer") << path;
    EXPECT_EQ(HeaderOf(response, "X-Frame-Options"), "DENY") << path;
    EXPECT_EQ(HeaderOf(response, "Permissions-Policy"), "camera=(), microphone=(), geolocation=()")
        << path;
  }
}

TEST_F(StaticSiteTest, HashedAssetsAreCachedForAYearAsImmutable) {
  Response response = Get("/assets/app-1a2b3c.css");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "body{}");
  EXPECT_EQ(HeaderOf(response, "Cache-Control"), "public, max-age=31536000, immutable");
}

TEST_F(StaticSiteTest, FilesOutsideAssetsAreRevalidated) {
  EXPECT_EQ(HeaderOf(Get("/robots.txt"), "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(Get("/index.html"), "Cache-Control"), "no-cache");
}

TEST_F(StaticSiteTest, ContentTypeFollowsTheExtension) {
  EXPECT_EQ(Get("/assets/app-1a2b3c.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/assets/app-1a2b3c.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/assets/logo-9f8e.svg").content_type, "image/svg+xml");
  EXPECT_EQ(Get("/favicon.ico").content_type, "image/x-icon");
  EXPECT_EQ(Get("/manifest.webmanifest").content_type, "application/manifest+json");
  EXPECT_EQ(Get("/robots.txt").content_type, "text/plain; charset=utf-8");
}

TEST_F(StaticSiteTest, MatchingIfNoneMatchIs304WithoutABody) {
  const std::string etag = *HeaderOf(Get("/"), "ETag");
  for (const std::string& condition : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    Response response = Get("/", {{"if-none-match", condition}});
    EXPECT_EQ(response.status, 304) << condition;
    EXPECT_EQ(response.body, "") << condition;
    EXPECT_EQ(HeaderOf(response, "ETag"), etag) << condition;
    EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-cache") << condition;
  }
}

TEST_F(StaticSiteTest, AStaleEtagGetsTheWholeFile) {
  Response response = Get("/", {{"if-none-match", "\"0123456789abcdef0123456789abcdef\""}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, kIndex);
}

TEST_F(StaticSiteTest, EtagChangesWithTheContent) {
  const std::string before = *HeaderOf(Get("/"), "ETag");
  WriteFile(root_ / "index.html", "<!doctype html><title>new build</title>");
  auto reloaded = StaticSite::Load(root_);
  ASSERT_TRUE(reloaded.ok());
  Request request;
  request.path = "/";
  EXPECT_NE(HeaderOf(reloaded->Serve(request), "ETag"), before);
}

TEST_F(StaticSiteTest, ServesThePrecompressedVariantWhenGzipIsAccepted) {
  Response response = Get("/assets/app-1a2b3c.js", {{"accept-encoding", "gzip, deflate, br"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, std::string(kAppJsGz, sizeof kAppJsGz - 1));
  EXPECT_EQ(HeaderOf(response, "Content-Encoding"), "gzip");
  EXPECT_EQ(response.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(response, "Vary"), "Accept-Encoding");
}

TEST_F(StaticSiteTest, GzipAndIdentityVariantsHaveDifferentEtags) {
  auto gzip_tag = HeaderOf(Get("/assets/app-1a2b3c.js", {{"accept-encoding", "gzip"}}), "ETag");
  auto plain_tag = HeaderOf(Get("/assets/app-1a2b3c.js"), "ETag");
  ASSERT_TRUE(gzip_tag && plain_tag);
  EXPECT_NE(*gzip_tag, *plain_tag);
  Response response = Get("/assets/app-1a2b3c.js", {{"if-none-match", *plain_tag}});
  EXPECT_EQ(response.status, 304);
  response =
      Get("/assets/app-1a2b3c.js", {{"accept-encoding", "gzip"}, {"if-none-match", *plain_tag}});
  EXPECT_EQ(response.status, 200);
}

TEST_F(StaticSiteTest, ServesTheOriginalWhenGzipIsNotAccepted) {
  for (const char* accept : {"", "identity", "br", "gzip;q=0", "*;q=0", "gzip;q=zero"}) {
    Response response = Get("/assets/app-1a2b3c.js", {{"accept-encoding", accept}});
    EXPECT_EQ(response.body, kAppJs) << accept;
    EXPECT_FALSE(HeaderOf(response, "Content-Encoding").has_value()) << accept;
    EXPECT_EQ(HeaderOf(response, "Vary"), "Accept-Encoding") << accept;
  }
}

TEST_F(StaticSiteTest, AcceptsGzipByWildcardOrWithWeight) {
  for (const char* accept : {"*", "br;q=1.0, GZIP;q=0.5", "x-gzip"}) {
    EXPECT_EQ(
        HeaderOf(Get("/assets/app-1a2b3c.js", {{"accept-encoding", accept}}), "Content-Encoding"),
        "gzip")
        << accept;
  }
}

TEST_F(StaticSiteTest, AGzipFileIsNotServedUnderItsOwnName) {
  EXPECT_EQ(Get("/assets/app-1a2b3c.js.gz").status, 404);
}

TEST_F(StaticSiteTest, AppRoutesGetIndexSoTheSpaRouterTakesOver) {
  for (const char* path : {"/systems", "/systems/12/information", "/groups/", "/login"}) {
    Response response = Get(path);
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(response.body, kIndex) << path;
    EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-cache") << path;
  }
}

TEST_F(StaticSiteTest, UnknownFilesAreA404JsonError) {
  for (const char* path : {"/missing.js", "/assets/missing", "/assets/app-0000.js",
                           "/systems/logo.png", "/api/v1/whatever"}) {
    Response response = Get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(response.content_type, "application/json") << path;
    EXPECT_EQ(ErrorCode(response), "not_found") << path;
    EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-store") << path;
  }
}

TEST_F(StaticSiteTest, TraversalNeverLeavesTheRoot) {
  for (const char* path :
       {"/../outside/secret.txt", "/assets/../../outside/secret.txt", "/%2e%2e/outside/secret.txt",
        "/%2E%2E%2Foutside%2Fsecret.txt", "/..%2foutside%2fsecret.txt",
        "/..%5coutside%5csecret.txt", "/..\\outside\\secret.txt", "/assets/%2e%2e/%2e%2e/outside",
        "/robots.txt%00.html", "/%00", "/%", "/%2", "/%zz", "robots.txt", "/leak.txt",
        "/linked-dir/secret.txt", "/.vite/manifest.json", "/.hidden.txt", "/%2e%2e"}) {
    Response response = Get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_THAT(response.body, Not(HasSubstr(kSecret))) << path;
  }
}

TEST_F(StaticSiteTest, DotAndEmptySegmentsAreNormalisedAway) {
  for (const char* path : {"/./robots.txt", "//robots.txt", "/assets//../robots.txt"}) {
    Response response = Get(path);
    if (std::string_view(path).find("..") != std::string_view::npos) {
      EXPECT_EQ(response.status, 404) << path;
    } else {
      EXPECT_EQ(response.body, "User-agent: *") << path;
    }
  }
  EXPECT_EQ(Get("/r%6fbots.txt").body, "User-agent: *");
}

TEST_F(StaticSiteTest, FollowsLinksThatStayInsideTheRoot) {
  EXPECT_EQ(Get("/alias.txt").body, "User-agent: *");
}

TEST_F(StaticSiteTest, HeadIsAnsweredLikeGet) {
  Response response = Get("/", {}, Method::kHead);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, kIndex);  // the server drops it and keeps its length
  EXPECT_EQ(HeaderOf(response, "ETag"), HeaderOf(Get("/"), "ETag"));
}

TEST_F(StaticSiteTest, OtherMethodsAre405) {
  Response response = Get("/", {}, Method::kPost);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(ErrorCode(response), "method_not_allowed");
  EXPECT_EQ(HeaderOf(response, "Allow"), "GET, HEAD");
}

TEST_F(StaticSiteTest, ADirectoryWithoutIndexIsRefused) {
  fs::remove(root_ / "index.html");
  auto site = StaticSite::Load(root_);
  ASSERT_FALSE(site.ok());
  EXPECT_EQ(site.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(site.status().message(), HasSubstr("index.html"));
}

TEST_F(StaticSiteTest, AMissingDirectoryIsRefused) {
  auto site = StaticSite::Load(dir_ / "nothing-here");
  ASSERT_FALSE(site.ok());
  EXPECT_EQ(site.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(StaticSiteTest, AFileAboveTheSizeLimitIsRefusedByName) {
  StaticSiteLimits limits;
  limits.max_file_bytes = 20;
  WriteFile(root_ / "assets/big.js", std::string(21, 'x'));
  auto site = StaticSite::Load(root_, limits);
  ASSERT_FALSE(site.ok());
  EXPECT_EQ(site.status().code(), StatusCode::kTooLarge);
  EXPECT_THAT(site.status().message(), HasSubstr("big.js"));
}

TEST_F(StaticSiteTest, TooManyFilesAreRefused) {
  StaticSiteLimits limits;
  limits.max_files = 3;
  auto site = StaticSite::Load(root_, limits);
  ASSERT_FALSE(site.ok());
  EXPECT_EQ(site.status().code(), StatusCode::kResourceExhausted);
}

TEST_F(StaticSiteTest, TooManyBytesInAllAreRefused) {
  StaticSiteLimits limits;
  limits.max_total_bytes = 30;
  auto site = StaticSite::Load(root_, limits);
  ASSERT_FALSE(site.ok());
  EXPECT_EQ(site.status().code(), StatusCode::kTooLarge);
}

TEST_F(StaticSiteTest, ServePortalAnswersWhatTheRoutesDoNot) {
  Router router;
  router.Add(Method::kGet, "/healthz", [](const Request&) { return JsonResponse(200, "{}"); });
  ServePortal(router, Site());
  Request request;
  request.path = "/systems/3";
  EXPECT_EQ(router.Dispatch(request).body, kIndex);
  request.path = "/healthz";
  EXPECT_EQ(router.Dispatch(request).body, "{}");
  request.path = "/api/v1/unknown";
  Response response = router.Dispatch(request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response), "not_found");
  request.method = Method::kHead;
  request.path = "/";
  EXPECT_EQ(router.Dispatch(request).body, kIndex);
}

TEST(ResolveWebRoot, AConfiguredRootWins) {
  EXPECT_EQ(ResolveWebRoot("/srv/portal", "/opt/ccc/bin/ccc-relay"), "/srv/portal");
}

TEST(ResolveWebRoot, FindsTheBuildsWebFolderBesideBin) {
  char tmpl[] = "/tmp/static_site_root.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const fs::path build = tmpl;
  EXPECT_EQ(ResolveWebRoot("", build / "bin/ccc-relay"), "");
  WriteFile(build / "web/index.html", kIndex);
  EXPECT_EQ(ResolveWebRoot("", build / "bin/ccc-relay"), (build / "web").string());
  fs::remove_all(build);
}

}  // namespace
}  // namespace ccc::relay::http
