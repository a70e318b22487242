#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/status/status.h"

// PBX firmware versions as the agent reports them ("2.6.6") and as the operator sets the
// minimum (A6). Versions compare numerically per dot-separated part, so "2.10" > "2.9";
// missing trailing parts count as 0 ("2.6" == "2.6.0"). Pure functions, any thread.
namespace ccc::relay::directory {

// The numeric parts of a version, most significant first.
using FirmwareVersion = std::vector<uint32_t>;

// Strict form, for the operator's minimum: one or more parts of 1..9 decimal digits
// separated by single dots, nothing else ("2.6.6"). kInvalidArgument otherwise.
Result<FirmwareVersion> ParseFirmwareVersion(std::string_view text);

// Lenient form, for what a PBX reports: the dotted numeric prefix of text ("2.6.6-rc1",
// "2.6.6 build 12" -> 2.6.6). nullopt when text does not start with a digit or a part is
// longer than 9 digits.
std::optional<FirmwareVersion> ParseReportedFirmware(std::string_view text);

// <0, 0, >0 as a is older than, equal to, newer than b.
int CompareFirmwareVersions(const FirmwareVersion& a, const FirmwareVersion& b);

// A6: true when no minimum is set (empty minimum), false while nothing usable was reported,
// else reported >= minimum. An unparsable minimum counts as unmet so that a bad setting
// can never open management functions.
bool FirmwareMeetsMinimum(std::string_view reported, std::string_view minimum);

}  // namespace ccc::relay::directory
