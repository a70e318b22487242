#include "relay/metrics/metrics.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace ccc::relay::metrics {
namespace {

void AtomicAdd(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

void AppendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, ec == std::errc() ? end : buf);
  }
}

void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? end : buf);
}

// HELP text escapes backslash and newline; label values additionally escape '"'.
void AppendEscaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

}  // namespace

void Gauge::Add(double delta) { AtomicAdd(value_, delta); }

Counter& CounterVec::WithLabel(std::string_view label_value) {
  std::lock_guard lock(mutex_);
  auto it = counters_.find(label_value);
  if (it == counters_.end()) {
    it = counters_.emplace(std::string(label_value), std::make_unique<Counter>()).first;
  }
  return *it->second;
}

std::vector<std::pair<std::string, uint64_t>> CounterVec::Snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, uint64_t>> out;
  out.reserve(counters_.size());
  for (const auto& [label, counter] : counters_) out.emplace_back(label, counter->value());
  return out;
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(upper_bounds_.size() + 1)) {
  for (size_t i = 1; i < upper_bounds_.size(); ++i) {
    if (!(upper_bounds_[i - 1] < upper_bounds_[i])) {
      throw std::invalid_argument("histogram bounds must be strictly increasing");
    }
  }
}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < upper_bounds_.size() && v > upper_bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Take() const {
  Snapshot s;
  s.upper_bounds = upper_bounds_;
  s.cumulative.resize(upper_bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  // The +Inf bucket and _count must agree, even while observations race with this read.
  s.count = running;
  return s;
}

struct Registry::Entry {
  std::string name;
  std::string help;
  std::variant<std::monostate, std::unique_ptr<Counter>, std::unique_ptr<CounterVec>,
               std::unique_ptr<Gauge>, std::unique_ptr<Histogram>>
      metric;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Entry& Registry::Add(std::string name, std::string help) {
  if (!IsValidName(name)) throw std::invalid_argument("invalid metric name '" + name + "'");
  for (const auto& e : entries_) {
    if (e->name == name) throw std::invalid_argument("duplicate metric name '" + name + "'");
  }
  auto entry = std::make_unique<Entry>();
  entry->name = std::move(name);
  entry->help = std::move(help);
  entries_.push_back(std::move(entry));
  return *entries_.back();
}

Counter& Registry::AddCounter(std::string name, std::string help) {
  std::lock_guard lock(mutex_);
  auto counter = std::make_unique<Counter>();
  Counter& ref = *counter;
  Add(std::move(name), std::move(help)).metric = std::move(counter);
  return ref;
}

CounterVec& Registry::AddCounterVec(std::string name, std::string help, std::string label_name,
                                    const std::vector<std::string>& initial_label_values) {
  if (!IsValidName(label_name) || label_name.find(':') != std::string::npos) {
    throw std::invalid_argument("invalid label name '" + label_name + "'");
  }
  std::lock_guard lock(mutex_);
  auto vec = std::make_unique<CounterVec>(std::move(label_name));
  for (const auto& value : initial_label_values) vec->WithLabel(value);
  CounterVec& ref = *vec;
  Add(std::move(name), std::move(help)).metric = std::move(vec);
  return ref;
}

Gauge& Registry::AddGauge(std::string name, std::string help) {
  std::lock_guard lock(mutex_);
  auto gauge = std::make_unique<Gauge>();
  Gauge& ref = *gauge;
  Add(std::move(name), std::move(help)).metric = std::move(gauge);
  return ref;
}

Histogram& Registry::AddHistogram(std::string name, std::string help,
                                  std::vector<double> upper_bounds) {
  std::lock_guard lock(mutex_);
  auto histogram = std::make_unique<Histogram>(std::move(upper_bounds));
  Histogram& ref = *histogram;
  Add(std::move(name), std::move(help)).metric = std::move(histogram);
  return ref;
}

std::string Registry::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out.reserve(entries_.size() * 160);
  for (const auto& e : entries_) {
    auto header = [&](std::string_view type) {
      out += "# HELP ";
      out += e->name;
      out += ' ';
      AppendEscaped(out, e->help, false);
      out += "\n# TYPE ";
      out += e->name;
      out += ' ';
      out += type;
      out += '\n';
    };
    if (const auto* counter = std::get_if<std::unique_ptr<Counter>>(&e->metric)) {
      header("counter");
      out += e->name;
      out += ' ';
      AppendUint(out, (*counter)->value());
      out += '\n';
    } else if (const auto* vec = std::get_if<std::unique_ptr<CounterVec>>(&e->metric)) {
      header("counter");
      for (const auto& [label, value] : (*vec)->Snapshot()) {
        out += e->name;
        out += '{';
        out += (*vec)->label_name();
        out += "=\"";
        AppendEscaped(out, label, true);
        out += "\"} ";
        AppendUint(out, value);
        out += '\n';
      }
    } else if (const auto* gauge = std::get_if<std::unique_ptr<Gauge>>(&e->metric)) {
      header("gauge");
      out += e->name;
      out += ' ';
      AppendDouble(out, (*gauge)->value());
      out += '\n';
    } else if (const auto* hist = std::get_if<std::unique_ptr<Histogram>>(&e->metric)) {
      header("histogram");
      Histogram::Snapshot s = (*hist)->Take();
      for (size_t i = 0; i <= s.upper_bounds.size(); ++i) {
        out += e->name;
        out += "_bucket{le=\"";
        if (i < s.upper_bounds.size()) {
          AppendDouble(out, s.upper_bounds[i]);
        } else {
          out += "+Inf";
        }
        out += "\"} ";
        AppendUint(out, s.cumulative[i]);
        out += '\n';
      }
      out += e->name;
      out += "_sum ";
      AppendDouble(out, s.sum);
      out += '\n';
      out += e->name;
      out += "_count ";
      AppendUint(out, s.count);
      out += '\n';
    }
  }
  return out;
}

const std::vector<std::string>& DecodeErrorReasons() {
  static const std::vector<std::string> kReasons = {
      "too_large", "bad_magic", "unsupported_version", "bad_compression", "decompressed_too_large",
      "malformed", "bad_topic", "device_mismatch"};
  return kReasons;
}

RelayMetrics::RelayMetrics()
    : messages_in(registry.AddCounter("ccc_relay_messages_in_total",
                                      "MQTT messages received on uplink and presence topics.")),
      messages_dropped(
          registry.AddCounter("ccc_relay_messages_dropped_total",
                              "QoS 0 messages dropped because the ingest queue was full.")),
      records_stored(
          registry.AddCounter("ccc_relay_records_stored_total", "Records committed to storage.")),
      samples_stored(registry.AddCounter("ccc_relay_samples_stored_total",
                                         "Telemetry samples committed to storage.")),
      duplicates_dropped(
          registry.AddCounter("ccc_relay_duplicates_dropped_total",
                              "Records dropped because their sequence number was already stored.")),
      decode_errors(
          registry.AddCounterVec("ccc_relay_decode_errors_total",
                                 "Messages rejected (acknowledged, not stored) by reason.",
                                 "reason", DecodeErrorReasons())),
      unknown_device(registry.AddCounter(
          "ccc_relay_unknown_device_total",
          "Batches and presence updates refused because the device is not registered.")),
      invalid_records(registry.AddCounter("ccc_relay_invalid_records_total",
                                          "Records whose body did not fit the stream's schema.")),
      ingest_batches(registry.AddCounter("ccc_relay_ingest_batches_total",
                                         "Decoded batches committed to storage.")),
      store_errors(registry.AddCounter("ccc_relay_store_errors_total",
                                       "Failed storage writes (the round is retried).")),
      mqtt_connected(
          registry.AddGauge("ccc_relay_mqtt_connected", "1 while the MQTT session is up, else 0.")),
      ingest_lag_seconds(registry.AddHistogram(
          "ccc_relay_ingest_lag_seconds", "Commit time minus the batch's sent time.",
          {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60})),
      ingest_queue_depth(registry.AddGauge("ccc_relay_ingest_queue_depth",
                                           "Messages received and waiting for the writer.")) {}

}  // namespace ccc::relay::metrics
