#include "agent/status/status_report.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <boost/json.hpp>
#include <chrono>
#include <ctime>

namespace ccc::agent::status {
namespace {

std::optional<int64_t> ParseInt(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  try {
    return std::stoll(*text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string Timestamp(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", fmt::gmtime(seconds));
}

std::string Age(int64_t ms) {
  if (ms < 0) ms = 0;
  const int64_t s = ms / 1000;
  if (s < 120) return fmt::format("{}s", s);
  if (s < 2 * 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  if (s < 2 * 86400) return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
  return fmt::format("{}d{:02}h", s / 86400, (s / 3600) % 24);
}

std::string Mib(uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

}  // namespace

Result<StatusReport> CollectStatus(outbox::Outbox& outbox) {
  StatusReport report;
  auto connected = outbox.State("uplink.connected");
  if (!connected.ok()) return connected.status();
  if (*connected) report.connected = **connected == "1";
  auto changed = outbox.State("uplink.last_change_ms");
  if (!changed.ok()) return changed.status();
  report.last_change_ms = ParseInt(*changed);
  auto error = outbox.State("uplink.last_error");
  if (!error.ok()) return error.status();
  report.last_error = error->value_or("");
  auto refused = outbox.State("uplink.dropped_batches");
  if (!refused.ok()) return refused.status();
  report.refused_batches = static_cast<uint64_t>(ParseInt(*refused).value_or(0));
  auto last_refusal = outbox.State("uplink.last_drop");
  if (!last_refusal.ok()) return last_refusal.status();
  report.last_refusal = last_refusal->value_or("");
  auto stats = outbox.Stats();
  if (!stats.ok()) return stats.status();
  report.stats = std::move(*stats);
  return report;
}

Result<StatusReport> CollectStatus(const std::string& outbox_path) {
  auto outbox = outbox::Outbox::OpenReadOnly(outbox_path);
  if (!outbox.ok()) return outbox.status();
  return CollectStatus(**outbox);
}

std::string FormatPairingText(const PairingSummary& p, int64_t now_ms) {
  if (!p.paired) return "paired:   no (run `ccc-agent pair CODE`)\n";
  std::string out = "paired:   yes";
  if (!p.problem.empty()) return out + ", but the certificate cannot be read: " + p.problem + "\n";
  out += fmt::format(", certificate CN {}", p.common_name);
  if (p.not_after_ms) {
    out +=
        (*p.not_after_ms > now_ms ? " valid until " : " EXPIRED on ") + Timestamp(*p.not_after_ms);
  }
  if (!p.broker.empty()) out += fmt::format(", broker {}", p.broker);
  return out + "\n";
}

std::string FormatStatusText(const StatusReport& r, int64_t now_ms) {
  std::string out;
  if (r.pairing) out += FormatPairingText(*r.pairing, now_ms);
  if (!r.connected) {
    out += "uplink:   unknown (the agent has not run yet)\n";
  } else {
    out += fmt::format("uplink:   {}", *r.connected ? "connected" : "disconnected");
    if (r.last_change_ms) {
      out += fmt::format(" since {} ({} ago)", Timestamp(*r.last_change_ms),
                         Age(now_ms - *r.last_change_ms));
    }
    out += "\n";
  }
  if (!r.last_error.empty()) out += fmt::format("last uplink error: {}\n", r.last_error);
  if (r.refused_batches > 0) {
    out += fmt::format("refused by broker: {} batches (kept in the outbox and retried); last: {}\n",
                       r.refused_batches, r.last_refusal);
  }
  out += fmt::format("outbox:   epoch {}, {} of {}\n", r.stats.epoch, Mib(r.stats.total_bytes),
                     Mib(r.stats.max_bytes));
  out += fmt::format("{:<14} {:>8} {:<38} {:<44} {:>8}\n", "stream", "depth", "oldest unsent",
                     "last acknowledged", "dropped");
  for (const auto& s : r.stats.streams) {
    std::string oldest = "-";
    if (s.oldest_ts_ms) {
      oldest =
          fmt::format("{} ({} ago)", Timestamp(*s.oldest_ts_ms), Age(now_ms - *s.oldest_ts_ms));
    }
    std::string acked = "-";
    if (s.last_acked_seq > 0) {
      acked = fmt::format("seq {}", s.last_acked_seq);
      if (s.last_acked_at_ms) {
        acked += fmt::format(" at {} ({} ago)", Timestamp(*s.last_acked_at_ms),
                             Age(now_ms - *s.last_acked_at_ms));
      }
    }
    out += fmt::format("{:<14} {:>8} {:<38} {:<44} {:>8}\n", s.stream, s.depth, oldest, acked,
                       s.dropped);
  }
  return out;
}

std::string FormatStatusJson(const StatusReport& r, int64_t now_ms) {
  boost::json::object o;
  if (r.connected) {
    o["connected"] = *r.connected;
  } else {
    o["connected"] = nullptr;
  }
  if (r.last_change_ms) {
    o["last_change_ms"] = *r.last_change_ms;
  } else {
    o["last_change_ms"] = nullptr;
  }
  o["last_error"] = r.last_error;
  o["refused_batches"] = r.refused_batches;
  o["last_refusal"] = r.last_refusal;
  o["epoch"] = r.stats.epoch;
  o["total_bytes"] = r.stats.total_bytes;
  o["max_bytes"] = r.stats.max_bytes;
  boost::json::array streams;
  for (const auto& s : r.stats.streams) {
    boost::json::object j;
    j["stream"] = s.stream;
    j["depth"] = s.depth;
    j["bytes"] = s.bytes;
    if (s.oldest_ts_ms) {
      j["oldest_unsent_ts_ms"] = *s.oldest_ts_ms;
      j["oldest_unsent_age_ms"] = now_ms - *s.oldest_ts_ms;
    } else {
      j["oldest_unsent_ts_ms"] = nullptr;
      j["oldest_unsent_age_ms"] = nullptr;
    }
    j["last_acked_seq"] = s.last_acked_seq;
    if (s.last_acked_at_ms) {
      j["last_acked_at_ms"] = *s.last_acked_at_ms;
    } else {
      j["last_acked_at_ms"] = nullptr;
    }
    j["dropped"] = s.dropped;
    j["next_seq"] = s.next_seq;
    streams.push_back(std::move(j));
  }
  o["streams"] = std::move(streams);
  if (r.pairing) {
    boost::json::object p;
    p["paired"] = r.pairing->paired;
    p["common_name"] = r.pairing->common_name;
    if (r.pairing->not_after_ms) {
      p["not_after_ms"] = *r.pairing->not_after_ms;
    } else {
      p["not_after_ms"] = nullptr;
    }
    p["broker"] = r.pairing->broker;
    p["problem"] = r.pairing->problem;
    o["pairing"] = std::move(p);
  }
  return boost::json::serialize(o);
}

int PrintStatus(const std::string& outbox_path, bool json, std::ostream& out, std::ostream& err,
                std::optional<PairingSummary> pairing) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  auto report = CollectStatus(outbox_path);
  if (!report.ok()) {
    if (pairing && !json) out << FormatPairingText(*pairing, now_ms);
    if (report.status().code() == StatusCode::kNotFound) {
      err << "ccc-agent status: no outbox at " << outbox_path
          << " yet; has `ccc-agent run` been started with this config?\n";
    } else {
      err << "ccc-agent status: cannot read the outbox " << outbox_path << ": "
          << report.status().ToString() << "\n";
    }
    return 1;
  }
  report->pairing = std::move(pairing);
  out << (json ? FormatStatusJson(*report, now_ms) + "\n" : FormatStatusText(*report, now_ms));
  return 0;
}

}  // namespace ccc::agent::status
