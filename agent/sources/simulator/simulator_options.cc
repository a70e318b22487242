#include "agent/sources/simulator/simulator_options.h"

namespace ccc::agent::sources {

PbxSimulatorOptions SimulatorOptionsFrom(const config::AgentConfig& config) {
  return {.serial = config.source.serial,
          .model = config.source.model,
          .firmware = config.source.firmware,
          .seed = config.source.seed,
          .phones = config.source.phones,
          .history_days = config.source.history_days,
          .calls_per_hour = config.source.calls_per_hour};
}

}  // namespace ccc::agent::sources
