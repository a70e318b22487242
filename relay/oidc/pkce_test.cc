#include "relay/oidc/pkce.h"

#include <gtest/gtest.h>

namespace ccc::relay::oidc {
namespace {

TEST(Pkce, ChallengeMatchesTheRfc7636Example) {
  EXPECT_EQ(PkceChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Pkce, VerifiersAreFreshAndWithinTheAllowedAlphabetAndLength) {
  std::string a = NewPkceVerifier();
  std::string b = NewPkceVerifier();
  EXPECT_NE(a, b);
  EXPECT_GE(a.size(), 43u);
  EXPECT_LE(a.size(), 128u);
  for (char c : a) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
  }
}

}  // namespace
}  // namespace ccc::relay::oidc
