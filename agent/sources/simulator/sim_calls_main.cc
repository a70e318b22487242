// ccc-sim-calls: prints the call data records the agent's PBX simulator holds, for tests that
// must know the expected calls independently of the agent's outbox and the relay
// (tests/integration/test_calls_exactly_once.py).
//
//   ccc-sim-calls --config AGENT.toml [--after ID] [--until-id ID] [--now-ms MS]
//                 [--limit N] [--count]
//
// The simulator is built from the agent's own configuration reader ([source] section), and
// each line is the "calls" record body the agent stores (collect::CallBody), so the tool
// and the agent cannot disagree about which calls exist or what they hold.
// Prints every call with after < id <= until-id that ended by now-ms (default: the wall
// clock), ascending by id, one JSON object per line; --count prints only how many.
// --after 0 (the default) starts where a fresh agent starts: now-ms - history_days.
// Exit status 0 on success, 2 for bad usage or configuration.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "agent/collect/call_body.h"
#include "agent/config/agent_config.h"
#include "agent/sources/simulator/pbx_simulator.h"
#include "agent/sources/simulator/simulator_options.h"
#include "common/config/config_reader.h"

namespace {

// Records asked of the simulator at a time; large pages keep the sweep's fixed cost (the
// 120 start minutes before each page) small against the calls printed.
constexpr size_t kPageRecords = 10'000;

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ccc-sim-calls: the call data records of the agent's PBX simulator"};
  std::string config_path;
  uint64_t after = 0;
  uint64_t until_id = std::numeric_limits<uint64_t>::max();
  int64_t now_ms = WallClockMs();
  uint64_t limit = std::numeric_limits<uint64_t>::max();
  bool count_only = false;
  app.add_option("--config", config_path, "Agent configuration file (TOML)")->required();
  app.add_option("--after", after, "Print calls with a greater id (0: a fresh agent's start)");
  app.add_option("--until-id", until_id, "Print calls up to this id (inclusive)");
  app.add_option("--now-ms", now_ms, "Only calls that ended by then (Unix ms; default now)");
  app.add_option("--limit", limit, "Print at most this many calls");
  app.add_flag("--count", count_only, "Print only the number of calls");
  CLI11_PARSE(app, argc, argv);

  ccc::agent::config::AgentConfig config;
  try {
    config = ccc::agent::config::LoadAgentConfig(config_path, ccc::agent::config::FileCheck::kSkip);
  } catch (const ccc::config::ConfigError& e) {
    std::cerr << "ccc-sim-calls: configuration error: " << e.what() << "\n";
    return 2;
  }

  std::unique_ptr<ccc::agent::sources::PbxSimulator> simulator;
  try {
    simulator = std::make_unique<ccc::agent::sources::PbxSimulator>(
        ccc::agent::sources::SimulatorOptionsFrom(config));
  } catch (const std::invalid_argument& e) {
    std::cerr << "ccc-sim-calls: " << e.what() << "\n";
    return 2;
  }

  uint64_t cursor = after;
  uint64_t printed = 0;
  bool done = false;
  while (!done && printed < limit) {
    auto page = simulator->CallsAfter(cursor, kPageRecords, now_ms);
    if (!page.ok()) {
      std::cerr << "ccc-sim-calls: " << page.status().ToString() << "\n";
      return 1;
    }
    // A short page means nothing more has ended by now_ms.
    done = page->size() < kPageRecords;
    for (const ccc::agent::sources::CallRecord& call : *page) {
      if (call.id > until_id || printed == limit) {
        done = true;
        break;
      }
      if (!count_only) std::cout << ccc::agent::collect::CallBody(call) << "\n";
      ++printed;
      cursor = call.id;
    }
  }
  if (count_only) std::cout << printed << "\n";
  std::cout.flush();
  return std::cout ? 0 : 1;
}
