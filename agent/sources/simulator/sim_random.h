#pragma once

#include <cstdint>
#include <string_view>

// Counter-based randomness for the PBX simulator: every draw is a hash of a seed and the
// coordinates of what is drawn (an entity, a time slot, a counter), so any point in
// simulated time can be computed without replaying what came before it. Only integer and
// basic IEEE arithmetic (no libm), so the agent on x86-64 and on aarch64 draws the same.
namespace ccc::agent::sources::sim {

inline constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ull;

// SplitMix64's finaliser: a bijection on 64 bits that mixes every input bit.
constexpr uint64_t Mix(uint64_t z) {
  z += kGolden;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Hash of a seed and any number of integer coordinates (order matters).
template <typename... T>
constexpr uint64_t Hash(uint64_t seed, T... coordinates) {
  uint64_t h = Mix(seed);
  ((h = Mix(h ^ static_cast<uint64_t>(coordinates))), ...);
  return h;
}

// FNV-1a: stable across builds (std::hash is not), for turning a serial into a seed.
constexpr uint64_t StableHash(std::string_view text, uint64_t seed) {
  uint64_t h = 14695981039346656037ull ^ seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Uniform in [0, 1) from the top 53 bits.
constexpr double UnitOf(uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

// Floor division (the simulated clock may be before 1970 in tests).
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// e^x from a Taylor series after halving x, then squaring back: basic operations only, so
// the result is the same on every platform (accurate to ~1e-12 relative over [-200, 20]).
constexpr double PortableExp(double x) {
  int halvings = 0;
  while (x > 0.0625 || x < -0.0625) {
    x /= 2;
    ++halvings;
  }
  double term = 1;
  double sum = 1;
  for (int k = 1; k <= 12; ++k) {
    term *= x / k;
    sum += term;
  }
  for (int i = 0; i < halvings; ++i) sum *= sum;
  return sum;
}

// Natural logarithm of x > 0 by Halley's iteration on PortableExp (same on every platform).
constexpr double PortableLog(double x) {
  int twos = 0;
  while (x >= 2) {
    x /= 2;
    ++twos;
  }
  while (x < 1) {
    x *= 2;
    --twos;
  }
  double y = x - 1;
  for (int i = 0; i < 6; ++i) {
    const double e = PortableExp(y);
    y += 2 * (x - e) / (x + e);
  }
  return y + twos * 0.6931471805599453;
}

// A sequence of draws from one key: the n-th draw is Mix(key + n * golden).
class Draws {
 public:
  explicit constexpr Draws(uint64_t key) : key_(key) {}

  constexpr uint64_t Next() { return Mix(key_ + (++count_) * kGolden); }
  constexpr double Unit() { return UnitOf(Next()); }
  // Uniform integer in [lo, hi] (lo <= hi).
  constexpr int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  constexpr bool Chance(double p) { return Unit() < p; }
  // Log-uniform in [lo, hi] (0 < lo <= hi): as many values per octave everywhere.
  constexpr double LogUniform(double lo, double hi) {
    return lo * PortableExp(Unit() * PortableLog(hi / lo));
  }

 private:
  uint64_t key_;
  uint64_t count_ = 0;
};

}  // namespace ccc::agent::sources::sim
