#include "agent/sources/host/host_sampler.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace ccc::agent::sources {
namespace {

bool ParseUint(std::string_view& text, uint64_t& value) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
  if (ec != std::errc()) return false;
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return true;
}

// The value in kB of "Key:   123 kB" lines.
std::optional<uint64_t> MeminfoValue(std::string_view text, std::string_view key) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      line.remove_prefix(key.size() + 1);
      uint64_t kib = 0;
      if (!ParseUint(line, kib)) return std::nullopt;
      return kib * 1024;
    }
    pos = eol + 1;
  }
  return std::nullopt;
}

}  // namespace

Result<CpuTimes> ParseProcStat(std::string_view text) {
  if (text.substr(0, 4) != "cpu ") return InvalidArgument("/proc/stat does not start with 'cpu '");
  text.remove_prefix(4);
  // user nice system idle iowait irq softirq steal; guest time is already inside user.
  uint64_t fields[8] = {};
  int count = 0;
  for (; count < 8; ++count) {
    if (!ParseUint(text, fields[count])) break;
  }
  if (count < 4) return InvalidArgument("/proc/stat: cpu line has fewer than 4 fields");
  CpuTimes times;
  for (int i = 0; i < count; ++i) times.total += fields[i];
  const uint64_t idle = fields[3] + (count > 4 ? fields[4] : 0);
  times.busy = times.total - idle;
  return times;
}

Result<MemInfo> ParseMeminfo(std::string_view text) {
  auto total = MeminfoValue(text, "MemTotal");
  auto available = MeminfoValue(text, "MemAvailable");
  if (!total) return InvalidArgument("meminfo: no MemTotal line");
  if (!available) return InvalidArgument("meminfo: no MemAvailable line");
  return MemInfo{*total, *available};
}

double CpuPercent(const CpuTimes& before, const CpuTimes& after) {
  if (after.total <= before.total || after.busy < before.busy) return 0;
  const double busy = static_cast<double>(after.busy - before.busy);
  const double total = static_cast<double>(after.total - before.total);
  return busy > total ? 100.0 : busy / total * 100.0;
}

std::string TelemetryBody(const HostSample& sample) {
  return fmt::format(R"({{"cpu_pct":{:.1f},"mem_used_bytes":{},"mem_total_bytes":{}}})",
                     sample.cpu_pct, sample.mem_used_bytes, sample.mem_total_bytes);
}

HostSampler::HostSampler(HostSamplerPaths paths) : paths_(std::move(paths)) {}

Result<std::string_view> HostSampler::ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Unavailable(path + ": " + std::strerror(errno));
  ssize_t n;
  do {
    n = ::read(fd, buffer_.data(), buffer_.size());
  } while (n < 0 && errno == EINTR);
  const int read_errno = errno;
  ::close(fd);
  if (n < 0) return Unavailable(path + ": " + std::strerror(read_errno));
  return std::string_view(buffer_.data(), static_cast<size_t>(n));
}

Result<HostSample> HostSampler::Sample() {
  HostSample sample;
  auto stat_text = ReadFile(paths_.proc_stat);
  if (!stat_text.ok()) return stat_text.status();
  auto cpu = ParseProcStat(*stat_text);
  if (!cpu.ok()) return cpu.status();
  sample.cpu_pct = CpuPercent(previous_.value_or(CpuTimes{}), *cpu);
  previous_ = *cpu;

  auto mem_text = ReadFile(paths_.meminfo);
  if (!mem_text.ok()) return mem_text.status();
  auto mem = ParseMeminfo(*mem_text);
  if (!mem.ok()) return mem.status();
  sample.mem_total_bytes = mem->total_bytes;
  sample.mem_used_bytes =
      mem->total_bytes > mem->available_bytes ? mem->total_bytes - mem->available_bytes : 0;
  return sample;
}

}  // namespace ccc::agent::sources
