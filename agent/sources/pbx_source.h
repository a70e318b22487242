#pragma once

#include <string>

#include "common/status/status.h"

namespace ccc::agent::sources {

// What identifies a PBX; a change (e.g. a firmware update) becomes a sysinfo record.
struct PbxIdentity {
  std::string serial;
  std::string model;
  std::string firmware;

  friend bool operator==(const PbxIdentity&, const PbxIdentity&) = default;
};

// The PBX side of the agent. Implementations: the simulator and, later, real adapters.
// The interface grows with the features (registrations, call records since a cursor,
// backups, firmware updates); each addition gets its own method so that adapters can answer
// kUnsupported for what their PBX cannot do.
// Thread: called from the agent loop only.
class PbxSource {
 public:
  virtual ~PbxSource() = default;

  // kUnavailable when the PBX cannot be reached right now.
  virtual Result<PbxIdentity> Identity() = 0;
};

}  // namespace ccc::agent::sources
