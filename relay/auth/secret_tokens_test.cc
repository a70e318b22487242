#include "relay/auth/secret_tokens.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ccc::relay::auth {
namespace {

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

TEST(SecretTokens, NewTokensHaveTheDocumentedLengthAndUrlSafeAlphabet) {
  for (int i = 0; i < 100; ++i) {
    std::string token = NewSecretToken();
    ASSERT_EQ(token.size(), kSecretTokenChars);
    for (char c : token) ASSERT_TRUE(IsBase64UrlChar(c)) << token;
  }
}

TEST(SecretTokens, NewTokensAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewSecretToken());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(SecretTokens, DigestIsStableAcrossCalls) {
  std::string token = NewSecretToken();
  EXPECT_EQ(TokenDigest(token), TokenDigest(token));
}

TEST(SecretTokens, DigestIsUnkeyedBlake2b256InLowercaseHex) {
  // BLAKE2b-256 of the empty input, from the reference implementation.
  EXPECT_EQ(TokenDigest(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(TokenDigest("abc"), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(SecretTokens, DigestDiffersFromTheTokenAndBetweenTokens) {
  std::string a = NewSecretToken();
  std::string b = NewSecretToken();
  EXPECT_EQ(TokenDigest(a).size(), kTokenDigestChars);
  EXPECT_NE(TokenDigest(a), a);
  EXPECT_NE(TokenDigest(a), TokenDigest(b));
}

TEST(SecretTokens, DigestsEqualComparesContent) {
  std::string digest = TokenDigest("token");
  std::string same = TokenDigest("token");
  std::string other = TokenDigest("tokem");
  EXPECT_TRUE(DigestsEqual(digest, same));
  EXPECT_FALSE(DigestsEqual(digest, other));
}

TEST(SecretTokens, DigestsOfDifferentLengthAreUnequal) {
  std::string digest = TokenDigest("token");
  EXPECT_FALSE(DigestsEqual(digest, digest.substr(0, 32)));
  EXPECT_FALSE(DigestsEqual(digest, ""));
}

TEST(SecretTokens, ConfirmationCodesAreThreeDashSeparatedGroupsOfFour) {
  for (int i = 0; i < 200; ++i) {
    std::string code = NewConfirmationCode();
    ASSERT_EQ(code.size(), kConfirmationCodeChars) << code;
    for (std::size_t j = 0; j < code.size(); ++j) {
      if (j == 4 || j == 9) {
        ASSERT_EQ(code[j], '-') << code;
      } else {
        ASSERT_NE(kConfirmationCodeAlphabet.find(code[j]), std::string_view::npos) << code;
      }
    }
  }
}

TEST(SecretTokens, ConfirmationCodeAlphabetHasNoAmbiguousCharacters) {
  for (char ambiguous : {'0', 'O', '1', 'I'}) {
    EXPECT_EQ(kConfirmationCodeAlphabet.find(ambiguous), std::string_view::npos) << ambiguous;
  }
  EXPECT_EQ(kConfirmationCodeAlphabet.size(), 32u);
}

TEST(SecretTokens, ConfirmationCodesUseTheWholeAlphabet) {
  std::set<char> seen;
  for (int i = 0; i < 200; ++i) {
    for (char c : NewConfirmationCode()) {
      if (c != '-') seen.insert(c);
    }
  }
  EXPECT_EQ(seen.size(), kConfirmationCodeAlphabet.size());
}

TEST(SecretTokens, ConfirmationCodesAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewConfirmationCode());
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace ccc::relay::auth
