#include "relay/auth/password_hasher.h"

#include <gtest/gtest.h>

#include <string>

namespace ccc::relay::auth {
namespace {

PasswordHasher TestHasher() { return PasswordHasher(PasswordHashParams::ForTests()); }

std::string HashOrDie(const PasswordHasher& hasher, std::string_view password) {
  Result<std::string> hash = hasher.Hash(password);
  EXPECT_TRUE(hash.ok()) << hash.status().ToString();
  return hash.ok() ? *hash : std::string();
}

TEST(PasswordHasher, VerifiesTheHashedPassword) {
  PasswordHasher hasher = TestHasher();
  std::string stored = HashOrDie(hasher, "correct horse battery staple");
  EXPECT_TRUE(hasher.Verify("correct horse battery staple", stored));
}

TEST(PasswordHasher, ProducesArgon2idStringsThatNameTheParameters) {
  PasswordHasher hasher = TestHasher();
  std::string stored = HashOrDie(hasher, "secret");
  EXPECT_TRUE(stored.starts_with("$argon2id$v=19$m=8,t=1,p=1$")) << stored;
}

TEST(PasswordHasher, SaltsEachHashDifferently) {
  PasswordHasher hasher = TestHasher();
  EXPECT_NE(HashOrDie(hasher, "secret"), HashOrDie(hasher, "secret"));
}

TEST(PasswordHasher, RejectsAWrongPassword) {
  PasswordHasher hasher = TestHasher();
  std::string stored = HashOrDie(hasher, "secret");
  EXPECT_FALSE(hasher.Verify("Secret", stored));
  EXPECT_FALSE(hasher.Verify("secret ", stored));
}

TEST(PasswordHasher, RejectsAnEmptyPasswordOnVerify) {
  PasswordHasher hasher = TestHasher();
  EXPECT_FALSE(hasher.Verify("", HashOrDie(hasher, "secret")));
}

TEST(PasswordHasher, RefusesToHashAnEmptyPassword) {
  Result<std::string> hash = TestHasher().Hash("");
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.status().code(), StatusCode::kInvalidArgument);
}

TEST(PasswordHasher, AcceptsAPasswordOfExactlyTheMaximumLength) {
  PasswordHasher hasher = TestHasher();
  std::string longest(kMaxPasswordBytes, 'x');
  EXPECT_TRUE(hasher.Verify(longest, HashOrDie(hasher, longest)));
}

TEST(PasswordHasher, RefusesToHashAPasswordOverTheMaximumLength) {
  Result<std::string> hash = TestHasher().Hash(std::string(kMaxPasswordBytes + 1, 'x'));
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.status().code(), StatusCode::kInvalidArgument);
}

TEST(PasswordHasher, TreatsMalformedStoredHashesAsNoMatch) {
  PasswordHasher hasher = TestHasher();
  std::string valid = HashOrDie(hasher, "secret");
  const std::string malformed[] = {
      "",
      "secret",
      "$argon2id$",
      "$argon2id$v=19$m=8,t=1,p=1$",
      valid.substr(0, valid.size() - 5),
      valid + "AAAA",
      valid.substr(0, 20) + std::string("\0", 1) + valid.substr(20),
      std::string(1000, '$'),
      "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
  };
  for (const std::string& stored : malformed) {
    EXPECT_FALSE(hasher.Verify("secret", stored)) << stored;
  }
}

TEST(PasswordHasher, NeedsNoRehashForItsOwnParameters) {
  PasswordHasher hasher = TestHasher();
  EXPECT_FALSE(hasher.NeedsRehash(HashOrDie(hasher, "secret")));
}

TEST(PasswordHasher, NeedsRehashWhenTheOpsLimitChanged) {
  PasswordHashParams stronger = PasswordHashParams::ForTests();
  stronger.ops_limit += 1;
  std::string stored = HashOrDie(TestHasher(), "secret");
  EXPECT_TRUE(PasswordHasher(stronger).NeedsRehash(stored));
}

TEST(PasswordHasher, NeedsRehashWhenTheMemoryLimitChanged) {
  PasswordHashParams stronger = PasswordHashParams::ForTests();
  stronger.mem_limit_bytes *= 2;
  std::string stored = HashOrDie(TestHasher(), "secret");
  EXPECT_TRUE(PasswordHasher(stronger).NeedsRehash(stored));
}

TEST(PasswordHasher, StillVerifiesHashesMadeWithOlderParameters) {
  PasswordHashParams stronger = PasswordHashParams::ForTests();
  stronger.ops_limit += 1;
  std::string stored = HashOrDie(TestHasher(), "secret");
  EXPECT_TRUE(PasswordHasher(stronger).Verify("secret", stored));
}

TEST(PasswordHasher, NeedsRehashForAnArgon2iHashWithTheSameParameters) {
  std::string stored = HashOrDie(TestHasher(), "secret");
  std::string argon2i = "$argon2i$" + stored.substr(std::string("$argon2id$").size());
  EXPECT_TRUE(TestHasher().NeedsRehash(argon2i)) << argon2i;
}

TEST(PasswordHasher, NeedsRehashForAMalformedStoredHash) {
  EXPECT_TRUE(TestHasher().NeedsRehash("not a hash"));
}

TEST(PasswordHasher, ProductionParametersAreAtLeastLibsodiumInteractive) {
  PasswordHashParams production = PasswordHashParams::Production();
  EXPECT_GE(production.ops_limit, 2u);
  EXPECT_GE(production.mem_limit_bytes, std::size_t{64} << 20);
}

}  // namespace
}  // namespace ccc::relay::auth
