#include "relay/http/client_address.h"

#include <gtest/gtest.h>

namespace ccc::relay::http {
namespace {

const std::vector<std::string> kProxies = {"127.0.0.1", "10.0.0.2"};

TEST(ClientAddressTest, ThePeerIsTheClientWithoutAProxy) {
  EXPECT_EQ(ClientAddress("192.0.2.7", "", kProxies), "192.0.2.7");
}

TEST(ClientAddressTest, AnUntrustedPeerCannotClaimAnotherAddress) {
  EXPECT_EQ(ClientAddress("192.0.2.7", "198.51.100.1", kProxies), "192.0.2.7");
}

TEST(ClientAddressTest, ATrustedProxyNamesTheClient) {
  EXPECT_EQ(ClientAddress("127.0.0.1", "198.51.100.1", kProxies), "198.51.100.1");
}

TEST(ClientAddressTest, TheRightmostUntrustedEntryWinsOverForgedOnes) {
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.9, 198.51.100.1, 10.0.0.2", kProxies),
            "198.51.100.1");
}

TEST(ClientAddressTest, GarbageInTheHeaderFallsBackToThePeer) {
  EXPECT_EQ(ClientAddress("127.0.0.1", "not-an-address", kProxies), "127.0.0.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "10.0.0.2", kProxies), "127.0.0.1");
}

TEST(ClientAddressTest, IPv6EntriesAreAccepted) {
  EXPECT_EQ(ClientAddress("127.0.0.1", "2001:db8::1", kProxies), "2001:db8::1");
}

}  // namespace
}  // namespace ccc::relay::http
