#pragma once

namespace ccc::relay::auth {

// Initialises libsodium once per process; thread-safe. It only fails without an entropy
// source, where libsodium itself would abort on the first random byte, so this aborts too,
// with a readable reason.
void EnsureSodiumInitialized();

}  // namespace ccc::relay::auth
