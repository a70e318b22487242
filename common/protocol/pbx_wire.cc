#include "common/protocol/pbx_wire.h"

namespace ccc::protocol {

std::string JoinWireNames(std::span<const std::string_view> names) {
  std::string joined;
  for (std::string_view name : names) {
    if (!joined.empty()) joined += ", ";
    joined += name;
  }
  return joined;
}

}  // namespace ccc::protocol
