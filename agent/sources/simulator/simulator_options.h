#pragma once

#include "agent/config/agent_config.h"
#include "agent/sources/simulator/pbx_simulator.h"

namespace ccc::agent::sources {

// The simulator an agent configuration describes ([source]). The agent and the test tool
// ccc-sim-calls both build their simulator from this, so they never disagree on a field.
PbxSimulatorOptions SimulatorOptionsFrom(const config::AgentConfig& config);

}  // namespace ccc::agent::sources
