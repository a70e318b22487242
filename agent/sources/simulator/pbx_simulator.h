#pragma once

#include <cstdint>
#include <string>

#include "agent/sources/pbx_source.h"

namespace ccc::agent::sources {

struct PbxSimulatorOptions {
  std::string serial;
  std::string model = "COMtrexx Advanced";
  std::string firmware = "2.6.6";
  uint64_t seed = 1;  // with the serial, fixes everything the simulator makes up
};

// A simulated COMtrexx. Deterministic: the same serial and seed give the same behaviour.
// For now it only answers its identity (model and firmware as configured).
class PbxSimulator final : public PbxSource {
 public:
  explicit PbxSimulator(PbxSimulatorOptions options);

  Result<PbxIdentity> Identity() override;

  // The seed that serial and configured seed give together (stable across runs/builds).
  uint64_t effective_seed() const { return effective_seed_; }

 private:
  PbxSimulatorOptions options_;
  uint64_t effective_seed_;
};

}  // namespace ccc::agent::sources
