#include "relay/oidc/jwks.h"

#include <gtest/gtest.h>

#include "relay/oidc/base64url.h"
#include "relay/oidc/oidc_testing.h"

namespace ccc::relay::oidc {
namespace {

using testing::FakeHttpFetcher;
using testing::JsonReply;
using testing::TestSigningKey;

const TestSigningKey& KeyA() {
  static const TestSigningKey key = TestSigningKey::Generate();
  return key;
}
const TestSigningKey& KeyB() {
  static const TestSigningKey key = TestSigningKey::Generate();
  return key;
}

std::string Set(std::initializer_list<std::string> jwks) {
  std::string out = "{\"keys\":[";
  bool first = true;
  for (const auto& jwk : jwks) {
    out += (first ? "" : ",") + jwk;
    first = false;
  }
  return out + "]}";
}

TEST(Jwks, ParsesRsaSigningKeysByKid) {
  auto keys = ParseJwks(Set({KeyA().PublicJwk("a"), KeyB().PublicJwk("b")}));
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ(keys->at("a").bits(), 2048);
}

TEST(Jwks, ParsedKeysVerifyTheProvidersSignatures) {
  auto keys = ParseJwks(KeyA().Jwks("a"));
  ASSERT_TRUE(keys.ok());
  std::string token = KeyA().SignCompact(R"({"alg":"RS256"})", R"({"x":1})");
  size_t dot = token.rfind('.');
  std::string signature = *Base64UrlDecode(token.substr(dot + 1));
  EXPECT_TRUE(keys->at("a").VerifyRs256(token.substr(0, dot), signature));
  EXPECT_FALSE(keys->at("a").VerifyRs256(token.substr(0, dot) + "x", signature));
}

TEST(Jwks, SkipsEncryptionEllipticAndOtherAlgorithmKeys) {
  std::string enc = KeyA().PublicJwk("enc");
  enc.replace(enc.find("\"sig\""), 5, "\"enc\"");
  std::string ps256 = KeyB().PublicJwk("ps");
  ps256.replace(ps256.find("\"RS256\""), 7, "\"PS256\"");
  auto keys = ParseJwks(Set({enc, ps256, R"({"kty":"EC","crv":"P-256","x":"AA","y":"AA"})"}));
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_TRUE(keys->empty());
}

TEST(Jwks, RefusesRsaKeysShorterThan2048Bits) {
  TestSigningKey small = TestSigningKey::Generate(1024);
  EXPECT_FALSE(ParseJwks(small.Jwks("s")).ok());
}

TEST(Jwks, RefusesRepeatedKids) {
  EXPECT_FALSE(ParseJwks(Set({KeyA().PublicJwk("a"), KeyB().PublicJwk("a")})).ok());
}

TEST(Jwks, RefusesDocumentsWithoutAKeysArray) {
  EXPECT_FALSE(ParseJwks(R"({"key":[]})").ok());
  EXPECT_FALSE(ParseJwks("[]").ok());
  EXPECT_FALSE(ParseJwks("not json").ok());
}

TEST(Jwks, RefusesKeysWhoseModulusIsNotBase64Url) {
  EXPECT_FALSE(ParseJwks(R"({"keys":[{"kty":"RSA","kid":"a","n":"AB+C","e":"AQAB"}]})").ok());
}

class JwksCacheTest : public ::testing::Test {
 protected:
  static constexpr const char* kUri = "https://idp.test/jwks";
  FakeHttpFetcher fetcher_;
  int64_t now_ms_ = 1'000'000;
  JwksCache cache_{fetcher_, [this] { return now_ms_; }};
};

TEST_F(JwksCacheTest, FetchesOnceForKnownKids) {
  fetcher_.SetGet(kUri, JsonReply(200, KeyA().Jwks("a")));
  EXPECT_TRUE(cache_.Find(kUri, "a").ok());
  EXPECT_TRUE(cache_.Find(kUri, "a").ok());
  EXPECT_EQ(fetcher_.get_count(kUri), 1);
}

TEST_F(JwksCacheTest, RefetchesOnceForAnUnknownKidAfterRotation) {
  fetcher_.SetGet(kUri, JsonReply(200, KeyA().Jwks("a")));
  ASSERT_TRUE(cache_.Find(kUri, "a").ok());
  fetcher_.SetGet(kUri, JsonReply(200, KeyB().Jwks("b")));
  now_ms_ += JwksCache::kMinRefetchIntervalMs;
  EXPECT_TRUE(cache_.Find(kUri, "b").ok());
  EXPECT_EQ(fetcher_.get_count(kUri), 2);
}

TEST_F(JwksCacheTest, DoesNotRefetchForUnknownKidsMoreOftenThanTheInterval) {
  fetcher_.SetGet(kUri, JsonReply(200, KeyA().Jwks("a")));
  ASSERT_TRUE(cache_.Find(kUri, "a").ok());
  now_ms_ += JwksCache::kMinRefetchIntervalMs - 1;
  auto key = cache_.Find(kUri, "made-up");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.failure().error, OidcError::kIdTokenInvalid);
  EXPECT_EQ(fetcher_.get_count(kUri), 1);
}

TEST_F(JwksCacheTest, AnswersATokenWithoutKidOnlyWhenTheSetHasOneKey) {
  fetcher_.SetGet(kUri, JsonReply(200, KeyA().Jwks("a")));
  EXPECT_TRUE(cache_.Find(kUri, "").ok());
  fetcher_.SetGet(kUri, JsonReply(200, Set({KeyA().PublicJwk("a"), KeyB().PublicJwk("b")})));
  now_ms_ += JwksCache::kMaxAgeMs;
  EXPECT_FALSE(cache_.Find(kUri, "").ok());
}

TEST_F(JwksCacheTest, ReportsAnUnreachableKeySetAsProviderUnavailable) {
  auto key = cache_.Find(kUri, "a");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.failure().error, OidcError::kProviderUnavailable);
}

}  // namespace
}  // namespace ccc::relay::oidc
