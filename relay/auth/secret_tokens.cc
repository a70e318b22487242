#include "relay/auth/secret_tokens.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "relay/auth/sodium_init.h"

namespace ccc::relay::auth {
namespace {

constexpr std::size_t kDigestBytes = 32;
constexpr std::size_t kCodeGroupChars = 4;
constexpr std::size_t kCodeGroups = 3;
constexpr int kBase64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

static_assert(kDigestBytes * 2 == kTokenDigestChars);
static_assert(kCodeGroups * kCodeGroupChars + (kCodeGroups - 1) == kConfirmationCodeChars);
static_assert(sodium_base64_ENCODED_LEN(kSecretTokenBytes, kBase64Variant) ==
              kSecretTokenChars + 1);

}  // namespace

std::string NewSecretToken() {
  EnsureSodiumInitialized();
  std::array<unsigned char, kSecretTokenBytes> raw{};
  randombytes_buf(raw.data(), raw.size());
  std::array<char, kSecretTokenChars + 1> encoded{};
  sodium_bin2base64(encoded.data(), encoded.size(), raw.data(), raw.size(), kBase64Variant);
  std::string token(encoded.data(), kSecretTokenChars);
  sodium_memzero(raw.data(), raw.size());
  sodium_memzero(encoded.data(), encoded.size());
  return token;
}

std::string TokenDigest(std::string_view token) {
  EnsureSodiumInitialized();
  std::array<unsigned char, kDigestBytes> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  std::array<char, kTokenDigestChars + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), kTokenDigestChars);
}

bool DigestsEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string NewConfirmationCode() {
  EnsureSodiumInitialized();
  std::string code;
  code.reserve(kConfirmationCodeChars);
  const auto alphabet_size = static_cast<std::uint32_t>(kConfirmationCodeAlphabet.size());
  for (std::size_t group = 0; group < kCodeGroups; ++group) {
    if (group > 0) code.push_back('-');
    for (std::size_t i = 0; i < kCodeGroupChars; ++i) {
      // randombytes_uniform avoids the modulo bias of reducing a random word by hand.
      code.push_back(kConfirmationCodeAlphabet[randombytes_uniform(alphabet_size)]);
    }
  }
  return code;
}

}  // namespace ccc::relay::auth
