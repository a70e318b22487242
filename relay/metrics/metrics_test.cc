#include "relay/metrics/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ccc::relay::metrics {
namespace {

using ::testing::HasSubstr;

TEST(Metrics, CounterRendersHelpTypeAndValue) {
  Registry registry;
  Counter& counter = registry.AddCounter("things_total", "Things seen.");
  counter.Inc();
  counter.Inc(41);
  EXPECT_EQ(registry.Render(),
            "# HELP things_total Things seen.\n"
            "# TYPE things_total counter\n"
            "things_total 42\n");
}

TEST(Metrics, LabelledCounterRendersDeclaredLabelsBeforeFirstUse) {
  Registry registry;
  CounterVec& vec = registry.AddCounterVec("errors_total", "Errors.", "reason", {"b", "a"});
  vec.WithLabel("a").Inc(3);
  EXPECT_EQ(registry.Render(),
            "# HELP errors_total Errors.\n"
            "# TYPE errors_total counter\n"
            "errors_total{reason=\"a\"} 3\n"
            "errors_total{reason=\"b\"} 0\n");
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  CounterVec& vec = registry.AddCounterVec("x_total", "line\\one\ntwo", "l");
  vec.WithLabel("q\"b\\n\n").Inc();
  std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# HELP x_total line\\\\one\\ntwo\n"));
  EXPECT_THAT(text, HasSubstr("x_total{l=\"q\\\"b\\\\n\\n\"} 1\n"));
}

TEST(Metrics, GaugeRendersItsLastValue) {
  Registry registry;
  Gauge& gauge = registry.AddGauge("depth", "Queue depth.");
  gauge.Set(7);
  gauge.Add(-2.5);
  EXPECT_EQ(registry.Render(),
            "# HELP depth Queue depth.\n"
            "# TYPE depth gauge\n"
            "depth 4.5\n");
}

TEST(Metrics, HistogramRendersCumulativeBucketsSumAndCount) {
  Registry registry;
  Histogram& h = registry.AddHistogram("lag_seconds", "Lag.", {0.25, 0.5, 1});
  h.Observe(0.125);
  h.Observe(0.25);  // upper bounds are inclusive
  h.Observe(0.75);
  h.Observe(3);
  EXPECT_EQ(registry.Render(),
            "# HELP lag_seconds Lag.\n"
            "# TYPE lag_seconds histogram\n"
            "lag_seconds_bucket{le=\"0.25\"} 2\n"
            "lag_seconds_bucket{le=\"0.5\"} 2\n"
            "lag_seconds_bucket{le=\"1\"} 3\n"
            "lag_seconds_bucket{le=\"+Inf\"} 4\n"
            "lag_seconds_sum 4.125\n"
            "lag_seconds_count 4\n");
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
  Registry registry;
  Counter& counter = registry.AddCounter("c_total", "C.");
  Histogram& h = registry.AddHistogram("h", "H.", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        counter.Inc();
        h.Observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter.value(), 40'000u);
  Histogram::Snapshot s = h.Take();
  EXPECT_EQ(s.count, 40'000u);
  EXPECT_DOUBLE_EQ(s.sum, 20'000);
}

TEST(Metrics, RegistryRejectsDuplicateAndInvalidNames) {
  Registry registry;
  registry.AddCounter("a_total", "A.");
  EXPECT_THROW(registry.AddGauge("a_total", "again"), std::invalid_argument);
  EXPECT_THROW(registry.AddGauge("1abc", "bad"), std::invalid_argument);
  EXPECT_THROW(registry.AddHistogram("h", "bad", {1, 1}), std::invalid_argument);
}

TEST(Metrics, RelayMetricsExposeTheDocumentedNames) {
  RelayMetrics m;
  std::string text = m.registry.Render();
  for (const char* name :
       {"ccc_relay_messages_in_total ", "ccc_relay_records_stored_total ",
        "ccc_relay_samples_stored_total ", "ccc_relay_duplicates_dropped_total ",
        "ccc_relay_decode_errors_total{reason=\"decompressed_too_large\"} 0",
        "ccc_relay_decode_errors_total{reason=\"device_mismatch\"} 0",
        "ccc_relay_unknown_device_total ", "ccc_relay_invalid_records_total ",
        "ccc_relay_ingest_batches_total ", "ccc_relay_store_errors_total ",
        "# TYPE ccc_relay_mqtt_connected gauge",
        "ccc_relay_ingest_lag_seconds_bucket{le=\"0.005\"}",
        "ccc_relay_ingest_lag_seconds_bucket{le=\"60\"}", "ccc_relay_ingest_queue_depth "}) {
    EXPECT_THAT(text, HasSubstr(name));
  }
}

}  // namespace
}  // namespace ccc::relay::metrics
