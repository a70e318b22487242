#include "relay/oidc/login_state_store.h"

#include <gtest/gtest.h>

namespace ccc::relay::oidc {
namespace {

PendingLogin Login(int64_t created_ms, std::string return_to = "/") {
  return PendingLogin{"nonce", "verifier", std::move(return_to), created_ms};
}

TEST(LoginStateStore, ReturnsTheLoginOnce) {
  LoginStateStore store;
  store.Put("s1", Login(1000, "/systems"));
  auto first = store.Take("s1", 2000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->return_to, "/systems");
  EXPECT_FALSE(store.Take("s1", 2000));
}

TEST(LoginStateStore, ForgetsUnknownStates) {
  LoginStateStore store;
  store.Put("s1", Login(1000));
  EXPECT_FALSE(store.Take("s2", 1000));
  EXPECT_EQ(store.size(), 1u);
}

TEST(LoginStateStore, RefusesLoginsOlderThanTheLifetime) {
  LoginStateStore store(600'000);
  store.Put("s1", Login(0));
  store.Put("s2", Login(0));
  EXPECT_TRUE(store.Take("s1", 599'999));
  EXPECT_FALSE(store.Take("s2", 600'000));
}

TEST(LoginStateStore, DropsTheOldestWhenFull) {
  LoginStateStore store(600'000, 2);
  store.Put("s1", Login(1));
  store.Put("s2", Login(2));
  store.Put("s3", Login(3));
  EXPECT_EQ(store.size(), 2u);
  EXPECT_FALSE(store.Take("s1", 10));
  EXPECT_TRUE(store.Take("s2", 10));
  EXPECT_TRUE(store.Take("s3", 10));
}

TEST(LoginStateStore, DropsExpiredEntriesWhenNewOnesArrive) {
  LoginStateStore store(1000, 100);
  store.Put("old", Login(0));
  store.Put("new", Login(5000));
  EXPECT_EQ(store.size(), 1u);
}

}  // namespace
}  // namespace ccc::relay::oidc
