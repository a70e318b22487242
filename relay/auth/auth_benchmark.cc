// Measures one local login: an Argon2id verification with the production parameters.
// Prints one JSON line: {"login_ms": X}, the median wall time of 7 verifications.
// The parameters used go to stderr so the figure can be read next to them.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "relay/auth/password_hasher.h"

namespace ccc::relay::auth {
namespace {

constexpr int kRuns = 7;

int Run() {
  PasswordHasher hasher(PasswordHashParams::Production());
  const char* password = "benchmark password, not a secret";
  Result<std::string> stored = hasher.Hash(password);
  if (!stored.ok()) {
    std::fprintf(stderr, "hash failed: %s\n", stored.status().ToString().c_str());
    return 1;
  }
  std::vector<double> millis;
  for (int i = 0; i < kRuns; ++i) {
    auto start = std::chrono::steady_clock::now();
    bool ok = hasher.Verify(password, *stored);
    auto end = std::chrono::steady_clock::now();
    if (!ok) {
      std::fputs("verification failed\n", stderr);
      return 1;
    }
    millis.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(millis.begin(), millis.end());
  std::fprintf(stderr, "argon2id ops_limit=%llu mem_limit_bytes=%zu runs=%d min=%.1f max=%.1f\n",
               static_cast<unsigned long long>(hasher.params().ops_limit),
               hasher.params().mem_limit_bytes, kRuns, millis.front(), millis.back());
  std::printf("{\"login_ms\": %.1f}\n", millis[kRuns / 2]);
  return 0;
}

}  // namespace
}  // namespace ccc::relay::auth

int main() { return ccc::relay::auth::Run(); }
