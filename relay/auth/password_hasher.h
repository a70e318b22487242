#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status/status.h"

namespace ccc::relay::auth {

// Longest password Hash accepts and Verify considers, in bytes. Bounds the work an
// unauthenticated client can ask for and the size of request bodies worth reading.
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Argon2id cost parameters. ops_limit is the number of passes over memory; mem_limit_bytes
// the memory one hash or verification allocates (and holds for its whole duration).
struct PasswordHashParams {
  std::uint64_t ops_limit = 0;
  std::size_t mem_limit_bytes = 0;

  // What the relay uses: see the .cc for the measurement behind the choice.
  static PasswordHashParams Production();
  // libsodium's minimum: fast enough for unit tests, far too weak for real passwords.
  static PasswordHashParams ForTests();
};

// Hashes and verifies passwords with Argon2id (libsodium's crypto_pwhash_str family). The
// stored string is self-describing ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), so hashes
// made with older parameters keep verifying; NeedsRehash tells the caller when to replace one
// after a successful login.
//
// Immutable after construction; every method is safe to call from several threads at once.
// Each Hash/Verify blocks the calling thread for the full cost (tens of milliseconds with
// Production()) and allocates mem_limit_bytes, so callers bound how many run concurrently.
// Passwords are never logged or copied by this class.
class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordHashParams params = PasswordHashParams::Production());

  // Returns the string to store. kInvalidArgument for an empty password or one longer than
  // kMaxPasswordBytes; kInternal when libsodium fails (out of memory, parameters out of range).
  Result<std::string> Hash(std::string_view password) const;

  // True only if stored is a valid hash of password. Constant-time in the comparison
  // (libsodium). A malformed, truncated or empty stored string is false, never an error.
  bool Verify(std::string_view password, std::string_view stored) const;

  // True if stored was not made with Argon2id and this hasher's parameters (including when it
  // is malformed), i.e. the caller should re-hash the password it has just verified.
  bool NeedsRehash(std::string_view stored) const;

  const PasswordHashParams& params() const { return params_; }

 private:
  PasswordHashParams params_;
};

}  // namespace ccc::relay::auth
