#include "agent/sources/host/host_sampler.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace ccc::agent::sources {
namespace {

const std::string kTestData = CCC_AGENT_TESTDATA;

TEST(ParseProcStat, CountsIdleAndIowaitAsNotBusy) {
  auto times = ParseProcStat("cpu  10 1 5 80 4 0 0 0 0 0\ncpu0 1 2 3 4\n");
  ASSERT_TRUE(times.ok()) << times.status().ToString();
  EXPECT_EQ(times->total, 100u);
  EXPECT_EQ(times->busy, 16u);
}

TEST(ParseProcStat, RejectsTextWithoutCpuLine) { EXPECT_FALSE(ParseProcStat("intr 1 2 3\n").ok()); }

TEST(ParseMeminfo, ReadsTotalAndAvailableInBytes) {
  auto mem = ParseMeminfo("MemTotal:  2000 kB\nMemFree: 10 kB\nMemAvailable:  500 kB\n");
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ(mem->total_bytes, 2000u * 1024);
  EXPECT_EQ(mem->available_bytes, 500u * 1024);
}

TEST(ParseMeminfo, RejectsTextWithoutMemAvailable) {
  EXPECT_FALSE(ParseMeminfo("MemTotal:  2000 kB\n").ok());
}

TEST(CpuPercent, IsBusyShareOfTheDelta) {
  EXPECT_DOUBLE_EQ(CpuPercent({100, 1000}, {150, 1100}), 50.0);
  EXPECT_DOUBLE_EQ(CpuPercent({100, 1000}, {100, 1000}), 0.0);
}

TEST(HostSampler, ComputesCpuFromTwoReadsAndMemoryUsedFromAvailable) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "host_sampler_test";
  std::filesystem::create_directories(dir);
  const auto stat = dir / "stat";
  std::filesystem::copy_file(kTestData + "/proc_stat_1", stat,
                             std::filesystem::copy_options::overwrite_existing);
  HostSampler sampler({stat.string(), kTestData + "/meminfo"});
  ASSERT_TRUE(sampler.Sample().ok());
  std::filesystem::copy_file(kTestData + "/proc_stat_2", stat,
                             std::filesystem::copy_options::overwrite_existing);
  auto sample = sampler.Sample();
  ASSERT_TRUE(sample.ok()) << sample.status().ToString();
  // busy 400 of total 1000 jiffies between the two fixtures.
  EXPECT_DOUBLE_EQ(sample->cpu_pct, 40.0);
  EXPECT_EQ(sample->mem_total_bytes, 8000000ull * 1024);
  EXPECT_EQ(sample->mem_used_bytes, 2000000ull * 1024);
  std::filesystem::remove_all(dir);
}

TEST(HostSampler, ReportsMissingFileAsUnavailable) {
  HostSampler sampler({"/nonexistent/stat", "/nonexistent/meminfo"});
  auto sample = sampler.Sample();
  ASSERT_FALSE(sample.ok());
  EXPECT_EQ(sample.status().code(), StatusCode::kUnavailable);
}

TEST(HostSampler, ReadsTheRealProcFiles) {
  HostSampler sampler;
  auto sample = sampler.Sample();
  ASSERT_TRUE(sample.ok()) << sample.status().ToString();
  EXPECT_GT(sample->mem_total_bytes, 0u);
  EXPECT_LE(sample->mem_used_bytes, sample->mem_total_bytes);
  EXPECT_LE(sample->cpu_pct, 100.0);
}

TEST(TelemetryBody, HasTheThreeWireFields) {
  EXPECT_EQ(TelemetryBody({12.5, 123, 456}),
            R"({"cpu_pct":12.5,"mem_used_bytes":123,"mem_total_bytes":456})");
}

}  // namespace
}  // namespace ccc::agent::sources
