#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "agent/outbox/outbox.h"
#include "common/status/status.h"

namespace ccc::agent::status {

// What `ccc-agent status` shows: the uplink state the running agent wrote into the outbox
// plus the outbox's own statistics.
struct StatusReport {
  std::optional<bool> connected;  // empty: the agent never ran against this outbox
  std::optional<int64_t> last_change_ms;
  std::string last_error;
  uint64_t refused_batches = 0;  // refused by the broker since the agent started
  std::string last_refusal;
  outbox::OutboxStats stats;
};

// Reads through a read-only view, so it works next to a running agent.
// kNotFound when the outbox does not exist yet.
Result<StatusReport> CollectStatus(outbox::Outbox& outbox);
Result<StatusReport> CollectStatus(const std::string& outbox_path);

// now_ms (Unix ms) is used for ages.
std::string FormatStatusText(const StatusReport& report, int64_t now_ms);
std::string FormatStatusJson(const StatusReport& report, int64_t now_ms);

// The whole subcommand: prints to out, errors to err; returns the exit code (0, or 1 when
// the outbox is missing or unreadable).
int PrintStatus(const std::string& outbox_path, bool json, std::ostream& out, std::ostream& err);

}  // namespace ccc::agent::status
