#include "agent/sources/simulator/pbx_simulator.h"

#include <utility>

namespace ccc::agent::sources {
namespace {

// FNV-1a: std::hash is not guaranteed stable across builds, the simulation must be.
uint64_t StableHash(std::string_view text, uint64_t seed) {
  uint64_t h = 14695981039346656037ull ^ seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

PbxSimulator::PbxSimulator(PbxSimulatorOptions options)
    : options_(std::move(options)), effective_seed_(StableHash(options_.serial, options_.seed)) {}

Result<PbxIdentity> PbxSimulator::Identity() {
  return PbxIdentity{options_.serial, options_.model, options_.firmware};
}

}  // namespace ccc::agent::sources
