#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "agent/outbox/outbox.h"
#include "common/status/status.h"

namespace ccc::agent::status {

// Whether the agent holds a certificate from pairing, as main finds it on disk.
struct PairingSummary {
  bool paired = false;  // a certificate file exists
  std::string common_name;
  std::optional<int64_t> not_after_ms;
  std::string broker;   // "host:port" `run` connects to
  std::string problem;  // why the certificate could not be read, if it could not
};

// What `ccc-agent status` shows: pairing (when given), the uplink state the running agent wrote
// into the outbox plus the outbox's own statistics.
struct StatusReport {
  std::optional<bool> connected;  // empty: the agent never ran against this outbox
  std::optional<int64_t> last_change_ms;
  std::string last_error;
  uint64_t refused_batches = 0;  // refused by the broker since the agent started
  std::string last_refusal;
  outbox::OutboxStats stats;
  std::optional<PairingSummary> pairing;
};

// Reads through a read-only view, so it works next to a running agent.
// kNotFound when the outbox does not exist yet.
Result<StatusReport> CollectStatus(outbox::Outbox& outbox);
Result<StatusReport> CollectStatus(const std::string& outbox_path);

// now_ms (Unix ms) is used for ages.
std::string FormatStatusText(const StatusReport& report, int64_t now_ms);
std::string FormatStatusJson(const StatusReport& report, int64_t now_ms);

// "paired:   yes, certificate CN pbx-1 valid until ... (broker host:port)\n" or "paired:   no ...".
std::string FormatPairingText(const PairingSummary& pairing, int64_t now_ms);

// The whole subcommand: prints to out, errors to err; returns the exit code (0, or 1 when
// the outbox is missing or unreadable; the text form still shows the pairing line then).
int PrintStatus(const std::string& outbox_path, bool json, std::ostream& out, std::ostream& err,
                std::optional<PairingSummary> pairing = std::nullopt);

}  // namespace ccc::agent::status
