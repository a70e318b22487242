#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "relay/config/relay_config.h"
#include "relay/store/store.h"

namespace ccc::relay::admin {

// Exit codes of `ccc-relay admin`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the store failed or a device was not found
inline constexpr int kExitUsage = 2;    // bad arguments or configuration

// `device add ID [ID...]`: validates every id first (nothing is written if one is invalid),
// then registers them; registering a known device is a no-op. Prints one line per device.
int DeviceAdd(store::Store& store, const std::vector<std::string>& ids, int64_t now_ms,
              std::ostream& out, std::ostream& err);
// `device remove ID [ID...]`: kExitFailure if any was not registered (the others are removed).
int DeviceRemove(store::Store& store, const std::vector<std::string>& ids, std::ostream& out,
                 std::ostream& err);
// `device list [--json]`: tab-separated "id online|offline last_seen registered" lines
// (times as UTC ISO 8601, "-" when never seen), or a JSON array.
int DeviceList(store::Store& store, bool json, std::ostream& out, std::ostream& err);

struct AdminCommand {
  std::string config_path;
  std::string verb;  // "add", "remove", "list"
  std::vector<std::string> ids;
  bool json = false;
};

// Opens the store named by the (loaded) relay config and runs the device command.
int RunDeviceCommand(const config::RelayConfig& config, const AdminCommand& command,
                     std::ostream& out, std::ostream& err);

}  // namespace ccc::relay::admin
