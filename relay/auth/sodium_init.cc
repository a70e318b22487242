#include "relay/auth/sodium_init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace ccc::relay::auth {

void EnsureSodiumInitialized() {
  // sodium_init is idempotent and locked internally; the static makes it one call.
  static const bool initialized = [] {
    if (sodium_init() < 0) {
      std::fputs("fatal: libsodium could not be initialised\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)initialized;
}

}  // namespace ccc::relay::auth
