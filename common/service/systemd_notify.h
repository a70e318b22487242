#pragma once

#include <chrono>
#include <string_view>

namespace ccc::service {

// The service manager's notify protocol (sd_notify(3): a datagram "READY=1", "WATCHDOG=1",
// "STOPPING=1" to the AF_UNIX socket named by $NOTIFY_SOCKET), spoken directly: linking
// libsystemd for this would pull five more libraries into a small agent on an ARM board.
// Returns false when no service manager listens ($NOTIFY_SOCKET unset) or sending failed;
// callers carry on either way. Thread-safe.
bool NotifyServiceManager(std::string_view state);

// The watchdog interval the service manager expects pings within ($WATCHDOG_USEC, if
// $WATCHDOG_PID is unset or names this process), or zero when there is no watchdog.
std::chrono::microseconds ServiceWatchdogInterval();

}  // namespace ccc::service
