#include "relay/oidc/base64url.h"

#include <gtest/gtest.h>

namespace ccc::relay::oidc {
namespace {

TEST(Base64Url, EncodesWithoutPaddingInTheUrlAlphabet) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(Base64Url, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(bytes)), bytes) << i;
    bytes.push_back(static_cast<char>(i * 37));
  }
}

TEST(Base64Url, RejectsPaddingAndTheStandardAlphabet) {
  EXPECT_FALSE(Base64UrlDecode("Zg=="));
  EXPECT_FALSE(Base64UrlDecode("+_8"));
  EXPECT_FALSE(Base64UrlDecode("-/8"));
}

TEST(Base64Url, RejectsWhitespaceAndImpossibleLengths) {
  EXPECT_FALSE(Base64UrlDecode("Zm9v "));
  EXPECT_FALSE(Base64UrlDecode("Z"));
  EXPECT_FALSE(Base64UrlDecode("Zm9vY"));
}

TEST(Base64Url, RejectsNonZeroTrailingBitsSoEncodingsAreUnique) {
  EXPECT_EQ(Base64UrlDecode("QQ"), "A");
  EXPECT_FALSE(Base64UrlDecode("QR"));
}

}  // namespace
}  // namespace ccc::relay::oidc
