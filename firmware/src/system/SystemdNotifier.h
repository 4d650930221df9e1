#pragma once
// sd_notify for Type=notify: READY, STATUS, RELOADING, STOPPING, WATCHDOG. Each is a no-op when
// the daemon was not started by systemd (no NOTIFY_SOCKET).
#include <cstdint>
#include <string>

namespace mg::system {

void notifyReady(const std::string& status);
void notifyStatus(const std::string& status);
// Before a configuration reload; READY=1 (notifyReady) tells systemd it is done.
void notifyReloading(const std::string& status);
void notifyStopping(const std::string& status = "stopping");
void notifyWatchdog();
// The watchdog interval systemd asked for (WATCHDOG_USEC, for this process), 0 when none.
uint64_t watchdogMicros();

}  // namespace mg::system
