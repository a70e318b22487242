#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ccc::relay::metrics {

// A tiny Prometheus registry. Metrics are created at start-up and live as long as their
// Registry; the references it hands out stay valid for that lifetime. Updating a metric is
// lock-free (atomics) and safe from any thread; Render() may run concurrently with updates.

// A monotonically increasing count.
class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double delta);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counters of one family that differ by the value of a single label. Label values named at
// creation are rendered (as 0) before they are first used.
class CounterVec {
 public:
  explicit CounterVec(std::string label_name) : label_name_(std::move(label_name)) {}

  // Returns the counter for `label_value`, creating it on first use (takes a mutex: callers
  // on a hot path keep the reference).
  Counter& WithLabel(std::string_view label_value);
  const std::string& label_name() const { return label_name_; }
  // (label value, count) sorted by label value.
  std::vector<std::pair<std::string, uint64_t>> Snapshot() const;

 private:
  std::string label_name_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Counter>, std::less<>> counters_;
};

// Observations counted into fixed buckets (upper bounds, strictly increasing; +Inf is
// implicit).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);

  void Observe(double v);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative;  // one per bound, then one for +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Take() const;

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // non-cumulative, size bounds + 1
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Names must be valid Prometheus metric names and unique; violating that is a programming
  // error (std::invalid_argument).
  Counter& AddCounter(std::string name, std::string help);
  CounterVec& AddCounterVec(std::string name, std::string help, std::string label_name,
                            const std::vector<std::string>& initial_label_values = {});
  Gauge& AddGauge(std::string name, std::string help);
  Histogram& AddHistogram(std::string name, std::string help, std::vector<double> upper_bounds);

  // Text exposition format 0.0.4, metrics in registration order.
  std::string Render() const;

 private:
  struct Entry;
  Entry& Add(std::string name, std::string help);

  mutable std::mutex mutex_;  // guards entries_ (registration vs. rendering)
  std::vector<std::unique_ptr<Entry>> entries_;
};

// The relay's metrics (names and meanings: brief "Relay HTTP + metrics").
struct RelayMetrics {
  RelayMetrics();

  Registry registry;
  Counter& messages_in;
  Counter& messages_dropped;
  Counter& records_stored;
  Counter& samples_stored;
  Counter& duplicates_dropped;
  CounterVec& decode_errors;
  Counter& unknown_device;
  Counter& invalid_records;
  Counter& ingest_batches;
  Counter& store_errors;
  Gauge& mqtt_connected;
  Histogram& ingest_lag_seconds;
  Gauge& ingest_queue_depth;
};

// Label values of ccc_relay_decode_errors_total.
const std::vector<std::string>& DecodeErrorReasons();

}  // namespace ccc::relay::metrics
