#include "relay/oidc/jwt.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "relay/oidc/base64url.h"
#include "relay/oidc/jwks.h"
#include "relay/oidc/oidc_testing.h"

namespace ccc::relay::oidc {
namespace {

using testing::TestSigningKey;
namespace json = boost::json;

constexpr int64_t kNow = 1'800'000'000;

const TestSigningKey& Signer() {
  static const TestSigningKey key = TestSigningKey::Generate();
  return key;
}
const TestSigningKey& Stranger() {
  static const TestSigningKey key = TestSigningKey::Generate();
  return key;
}

class JwtTest : public ::testing::Test {
 protected:
  JwtTest() {
    claims_["iss"] = "https://idp.test";
    claims_["sub"] = "user-1";
    claims_["aud"] = "ccc";
    claims_["exp"] = kNow + 300;
    claims_["iat"] = kNow;
    claims_["nonce"] = "n-1";
    claims_["email"] = "alice@example.com";
    claims_["email_verified"] = true;
    claims_["name"] = "Alice";
    claims_["company"] = "Acme";
    expect_.issuer = "https://idp.test";
    expect_.client_id = "ccc";
    expect_.nonce = "n-1";
    expect_.now_s = kNow;
  }

  std::string Token(const TestSigningKey& key = Signer(),
                    std::string header = R"({"alg":"RS256","kid":"k1"})") const {
    return key.SignCompact(header, json::serialize(claims_));
  }

  OidcResult<IdTokenClaims> Verify(const std::string& token) const {
    KeyLookup lookup = [](std::string_view kid) -> OidcResult<RsaPublicKey> {
      auto keys = ParseJwks(Signer().Jwks("k1"));
      if (!kid.empty() && kid != "k1") return Fail(OidcError::kIdTokenInvalid, "no such kid");
      return keys->at("k1");
    };
    return VerifyIdToken(token, lookup, expect_);
  }

  OidcError ErrorOf(const std::string& token) const {
    auto result = Verify(token);
    EXPECT_FALSE(result.ok());
    return result.ok() ? OidcError::kInternal : result.failure().error;
  }

  json::object claims_;
  IdTokenExpectations expect_;
};

TEST_F(JwtTest, AcceptsAValidTokenAndReadsItsClaims) {
  auto claims = Verify(Token());
  ASSERT_TRUE(claims.ok()) << claims.failure().detail;
  EXPECT_EQ(claims->subject, "user-1");
  EXPECT_EQ(claims->email, "alice@example.com");
  EXPECT_EQ(claims->email_verified, true);
  EXPECT_EQ(claims->name, "Alice");
  EXPECT_EQ(claims->string_claims.at("company"), "Acme");
  EXPECT_EQ(claims->expires_s, kNow + 300);
}

TEST_F(JwtTest, RefusesAlgNone) {
  std::string token =
      Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(json::serialize(claims_)) + ".";
  EXPECT_EQ(ErrorOf(token), OidcError::kIdTokenInvalid);
}

TEST_F(JwtTest, RefusesHs256EvenWithAValidLookingSignature) {
  EXPECT_EQ(ErrorOf(Token(Signer(), R"({"alg":"HS256","kid":"k1"})")), OidcError::kIdTokenInvalid);
}

TEST_F(JwtTest, RefusesCriticalHeaderExtensions) {
  EXPECT_EQ(ErrorOf(Token(Signer(), R"({"alg":"RS256","kid":"k1","crit":["exp"]})")),
            OidcError::kIdTokenInvalid);
}

TEST_F(JwtTest, RefusesASignatureByAnotherKey) {
  EXPECT_EQ(ErrorOf(Token(Stranger())), OidcError::kIdTokenSignatureInvalid);
}

TEST_F(JwtTest, RefusesAPayloadChangedAfterSigning) {
  std::string token = Token();
  claims_["sub"] = "admin";
  std::string forged = Token();
  size_t first = token.find('.');
  size_t second = token.rfind('.');
  std::string spliced = token.substr(0, first + 1) +
                        forged.substr(first + 1, forged.rfind('.') - first - 1) +
                        token.substr(second);
  EXPECT_EQ(ErrorOf(spliced), OidcError::kIdTokenSignatureInvalid);
}

TEST_F(JwtTest, RefusesAnUnknownKid) {
  EXPECT_EQ(ErrorOf(Token(Signer(), R"({"alg":"RS256","kid":"other"})")),
            OidcError::kIdTokenInvalid);
}

TEST_F(JwtTest, RefusesMalformedTokens) {
  std::string token = Token();
  EXPECT_EQ(ErrorOf(token.substr(0, token.rfind('.'))), OidcError::kIdTokenInvalid);
  EXPECT_EQ(ErrorOf(token + ".x"), OidcError::kIdTokenInvalid);
  EXPECT_EQ(ErrorOf(token + "="), OidcError::kIdTokenInvalid);
  EXPECT_EQ(ErrorOf(std::string(kMaxIdTokenBytes + 1, 'a')), OidcError::kIdTokenInvalid);
}

TEST_F(JwtTest, RefusesAnotherIssuer) {
  claims_["iss"] = "https://idp.test/";
  EXPECT_EQ(ErrorOf(Token()), OidcError::kIdTokenIssuerMismatch);
}

TEST_F(JwtTest, RefusesAnotherAudience) {
  claims_["aud"] = "someone-else";
  EXPECT_EQ(ErrorOf(Token()), OidcError::kIdTokenAudienceMismatch);
}

TEST_F(JwtTest, AcceptsAnAudienceArrayWithOurClientAndMatchingAzp) {
  claims_["aud"] = json::array{"other", "ccc"};
  claims_["azp"] = "ccc";
  EXPECT_TRUE(Verify(Token()).ok());
}

TEST_F(JwtTest, RefusesSeveralAudiencesWithoutAzp) {
  claims_["aud"] = json::array{"other", "ccc"};
  EXPECT_EQ(ErrorOf(Token()), OidcError::kIdTokenAudienceMismatch);
}

TEST_F(JwtTest, RefusesAnAzpOfAnotherClient) {
  claims_["azp"] = "other";
  EXPECT_EQ(ErrorOf(Token()), OidcError::kIdTokenAudienceMismatch);
}

TEST_F(JwtTest, RefusesAnExpiredTokenBeyondTheSkew) {
  claims_["exp"] = kNow - kClockSkewSeconds;
  EXPECT_EQ(ErrorOf(Token()), OidcError::kIdTokenExpired);
}

TEST_F(JwtTest, AcceptsATokenExpiredWithinTheSkew) {
  claims_["exp"] = kNow - kClockSkewSeconds + 1;
  EXPECT_TRUE(Verify(Token()).ok());
}

TEST_F(JwtTest, RefusesATokenIssuedInTheFuture) {
  claims_["iat"] = kNow + kClockSkewSeconds + 1;
  EXPECT_EQ(ErrorOf(Token()), OidcError::kIdTokenNotYetValid);
}

TEST_F(JwtTest, RefusesATokenNotYetValid) {
  claims_["nbf"] = kNow + kClockSkewSeconds + 1;
  EXPECT_EQ(ErrorOf(Token()), OidcError::kIdTokenNotYetValid);
}

TEST_F(JwtTest, RefusesATokenWithoutExp) {
  claims_.erase("exp");
  EXPECT_EQ(ErrorOf(Token()), OidcError::kIdTokenInvalid);
}

TEST_F(JwtTest, RefusesAnotherNonce) {
  claims_["nonce"] = "n-2";
  EXPECT_EQ(ErrorOf(Token()), OidcError::kIdTokenNonceMismatch);
}

TEST_F(JwtTest, RefusesAMissingNonce) {
  claims_.erase("nonce");
  EXPECT_EQ(ErrorOf(Token()), OidcError::kIdTokenNonceMismatch);
}

TEST_F(JwtTest, RefusesATokenWithoutSubject) {
  claims_.erase("sub");
  EXPECT_EQ(ErrorOf(Token()), OidcError::kIdTokenInvalid);
}

TEST_F(JwtTest, ReadsEmailVerifiedSentAsText) {
  claims_["email_verified"] = "false";
  auto claims = Verify(Token());
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->email_verified, false);
}

}  // namespace
}  // namespace ccc::relay::oidc
