#include "relay/oidc/url.h"

#include <gtest/gtest.h>

namespace ccc::relay::oidc {
namespace {

TEST(Url, ParsesSchemeHostPortAndPath) {
  auto parts = ParseHttpUrl("HTTPS://Login.Example.com:8443/realms/a?x=1");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(parts->scheme, "https");
  EXPECT_EQ(parts->host, "login.example.com");
  EXPECT_EQ(parts->port, 8443);
  EXPECT_EQ(parts->path, "/realms/a?x=1");
}

TEST(Url, ParsesBracketedIpv6Hosts) {
  auto parts = ParseHttpUrl("http://[::1]:9000/x");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->host, "::1");
  EXPECT_EQ(parts->port, 9000);
}

TEST(Url, RejectsUserInfoFragmentsOtherSchemesAndBadPorts) {
  EXPECT_FALSE(ParseHttpUrl("https://evil@idp.example.com/").ok());
  EXPECT_FALSE(ParseHttpUrl("https://idp.example.com/#x").ok());
  EXPECT_FALSE(ParseHttpUrl("ftp://idp.example.com/").ok());
  EXPECT_FALSE(ParseHttpUrl("https://idp.example.com:99999/").ok());
  EXPECT_FALSE(ParseHttpUrl("https://idp.example.com/a b").ok());
  EXPECT_FALSE(ParseHttpUrl("idp.example.com/").ok());
}

TEST(Url, KnowsLoopbackHosts) {
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.8.9.10"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("128.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("localhost.evil.com"));
  EXPECT_FALSE(IsLoopbackHost("::2"));
}

TEST(Url, ProviderUrlsNeedHttpsExceptOnLoopback) {
  EXPECT_TRUE(CheckProviderUrl("https://idp.example.com", "issuer").ok());
  EXPECT_TRUE(CheckProviderUrl("http://127.0.0.1:5000", "issuer").ok());
  Status plain = CheckProviderUrl("http://idp.example.com", "issuer");
  EXPECT_EQ(plain.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(plain.message().find("https"), std::string::npos);
}

TEST(Url, FormEncodesReservedCharacters) {
  EXPECT_EQ(FormEncode({{"scope", "openid email"}, {"r", "https://a/b?c=d&e"}}),
            "scope=openid%20email&r=https%3A%2F%2Fa%2Fb%3Fc%3Dd%26e");
  EXPECT_EQ(AppendQuery("https://a/x", {{"k", "v"}}), "https://a/x?k=v");
  EXPECT_EQ(AppendQuery("https://a/x?p=1", {{"k", "v"}}), "https://a/x?p=1&k=v");
}

}  // namespace
}  // namespace ccc::relay::oidc
