#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status/status.h"

namespace ccc::agent::sources {

// Aggregate CPU jiffies from the first line of /proc/stat.
struct CpuTimes {
  uint64_t busy = 0;
  uint64_t total = 0;
};

struct MemInfo {
  uint64_t total_bytes = 0;
  uint64_t available_bytes = 0;
};

struct HostSample {
  double cpu_pct = 0;           // 0..100 over the interval since the previous sample
  uint64_t mem_used_bytes = 0;  // MemTotal - MemAvailable
  uint64_t mem_total_bytes = 0;
};

// Parsers, exposed for tests. kInvalidArgument when the text lacks what they need.
Result<CpuTimes> ParseProcStat(std::string_view text);
Result<MemInfo> ParseMeminfo(std::string_view text);
// busy/total * 100 of the delta; 0 when no time passed.
double CpuPercent(const CpuTimes& before, const CpuTimes& after);
// The telemetry body: {"cpu_pct":..,"mem_used_bytes":..,"mem_total_bytes":..}.
std::string TelemetryBody(const HostSample& sample);

struct HostSamplerPaths {
  std::string proc_stat = "/proc/stat";
  std::string meminfo = "/proc/meminfo";
};

// Samples the CPU load and memory use of the machine the agent runs on. Reads into a fixed
// buffer, so a sample allocates nothing. The first sample's CPU figure is the average since
// boot (there is no earlier reading). Not thread-safe: one thread samples.
class HostSampler {
 public:
  explicit HostSampler(HostSamplerPaths paths = {});

  Result<HostSample> Sample();

 private:
  // Reads the file's first kBufferSize bytes (both files put what we need at the start).
  Result<std::string_view> ReadFile(const std::string& path);

  static constexpr size_t kBufferSize = 4096;
  HostSamplerPaths paths_;
  std::array<char, kBufferSize> buffer_{};
  std::optional<CpuTimes> previous_;
};

}  // namespace ccc::agent::sources
