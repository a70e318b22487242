#include "agent/collect/information_change.h"

#include <cstdlib>

namespace ccc::agent::collect {

bool InformationChanged(const sources::PbxInformation& sent,
                        const sources::PbxInformation& current) {
  if (std::llabs(current.booted_at_ms - sent.booted_at_ms) > kBootTimeToleranceMs) return true;
  // Compared as copies with the time fields equalised, so that a field added to
  // PbxInformation later is compared without anyone remembering to list it here.
  sources::PbxInformation a = sent;
  sources::PbxInformation b = current;
  a.uptime_s = b.uptime_s = 0;
  a.booted_at_ms = b.booted_at_ms = 0;
  return !(a == b);
}

}  // namespace ccc::agent::collect
