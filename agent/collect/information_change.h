#pragma once

#include <cstdint>

#include "agent/sources/pbx_source.h"

namespace ccc::agent::collect {

// A PBX that reports its uptime in whole seconds yields a start time (now - uptime) that
// wobbles by about a second from one poll to the next; a restart moves it by far more.
inline constexpr int64_t kBootTimeToleranceMs = 5'000;

// Whether `current` tells anything `sent` did not, the passing of time aside: uptime_s is
// ignored, booted_at_ms counts only when it moved by more than kBootTimeToleranceMs (a
// restart of the PBX), every other field (identity, hardware, licences, modules) exactly.
bool InformationChanged(const sources::PbxInformation& sent,
                        const sources::PbxInformation& current);

}  // namespace ccc::agent::collect
