#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ccc::relay::auth {

// Bytes of randomness in a token from NewSecretToken (256 bits).
inline constexpr std::size_t kSecretTokenBytes = 32;
// Length of NewSecretToken's result: 32 bytes in unpadded base64url.
inline constexpr std::size_t kSecretTokenChars = 43;
// Length of TokenDigest's result: BLAKE2b-256 as lowercase hex.
inline constexpr std::size_t kTokenDigestChars = 64;
// Characters a confirmation code draws from: no 0/O or 1/I, so a code read aloud or off a
// screen cannot be mistyped into another valid code.
inline constexpr std::string_view kConfirmationCodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
// "XXXX-XXXX-XXXX": 12 characters of the alphabet above (60 bits), grouped by dashes.
inline constexpr std::size_t kConfirmationCodeChars = 14;

// Secrets handed to clients: API tokens, session ids, CSRF tokens. Only TokenDigest(token)
// is stored, so a leaked database does not yield usable tokens; look-ups hash the presented
// token and compare digests with DigestsEqual.
//
// All functions are thread-safe; randomness comes from libsodium's CSPRNG (initialised on
// first use; the process aborts if the system has no entropy source, as libsodium does).

// A fresh URL-safe token: kSecretTokenBytes random bytes as unpadded base64url
// (characters A-Z a-z 0-9 - _), kSecretTokenChars long.
std::string NewSecretToken();

// One-way digest for storage: unkeyed BLAKE2b-256 of token as lowercase hex. Deterministic,
// so a presented token can be looked up by its digest. Tokens are high-entropy, so no salt
// or slow hash is needed (unlike passwords).
std::string TokenDigest(std::string_view token);

// Compares two digests (or tokens) in time independent of where they differ. Different
// lengths are unequal; lengths are not secret here since digests have a fixed length.
bool DigestsEqual(std::string_view a, std::string_view b);

// A human-friendly code for 24-hour pairing confirmations, e.g. "7KQ4-MZ2H-X9RC": 12
// characters of kConfirmationCodeAlphabet drawn uniformly, grouped 4-4-4 with dashes.
std::string NewConfirmationCode();

}  // namespace ccc::relay::auth
