#include "relay/directory/firmware_version.h"

#include <string>

namespace ccc::relay::directory {
namespace {

constexpr size_t kMaxPartDigits = 9;  // fits uint32_t without overflow checks

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads digits at text[*pos...]; nullopt when there are none or too many.
std::optional<uint32_t> ReadPart(std::string_view text, size_t* pos) {
  const size_t start = *pos;
  uint32_t value = 0;
  while (*pos < text.size() && IsDigit(text[*pos])) {
    if (*pos - start == kMaxPartDigits) return std::nullopt;
    value = value * 10 + static_cast<uint32_t>(text[*pos] - '0');
    ++*pos;
  }
  if (*pos == start) return std::nullopt;
  return value;
}

}  // namespace

Result<FirmwareVersion> ParseFirmwareVersion(std::string_view text) {
  FirmwareVersion version;
  size_t pos = 0;
  while (true) {
    std::optional<uint32_t> part = ReadPart(text, &pos);
    if (!part.has_value()) break;
    version.push_back(*part);
    if (pos == text.size()) return version;
    if (text[pos] != '.') break;
    ++pos;
  }
  return InvalidArgument("firmware version \"" + std::string(text) +
                         "\" is not dot-separated numbers such as \"2.6.6\"");
}

std::optional<FirmwareVersion> ParseReportedFirmware(std::string_view text) {
  FirmwareVersion version;
  size_t pos = 0;
  while (true) {
    std::optional<uint32_t> part = ReadPart(text, &pos);
    if (!part.has_value()) {
      // "2." or "2.x": the prefix before the dangling dot still counts.
      if (version.empty() || (pos < text.size() && IsDigit(text[pos]))) return std::nullopt;
      return version;
    }
    version.push_back(*part);
    if (pos == text.size() || text[pos] != '.') return version;
    ++pos;
  }
}

int CompareFirmwareVersions(const FirmwareVersion& a, const FirmwareVersion& b) {
  const size_t parts = a.size() > b.size() ? a.size() : b.size();
  for (size_t i = 0; i < parts; ++i) {
    const uint32_t x = i < a.size() ? a[i] : 0;
    const uint32_t y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

bool FirmwareMeetsMinimum(std::string_view reported, std::string_view minimum) {
  if (minimum.empty()) return true;
  Result<FirmwareVersion> min = ParseFirmwareVersion(minimum);
  if (!min.ok()) return false;
  std::optional<FirmwareVersion> got = ParseReportedFirmware(reported);
  if (!got.has_value()) return false;
  return CompareFirmwareVersions(*got, *min) >= 0;
}

}  // namespace ccc::relay::directory
