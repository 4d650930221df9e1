#pragma once
// sd_notify for Type=notify: READY, STATUS, STOPPING. A no-op when not started by systemd.
// (Watchdog pings come with the appliance layer.)
#include <string>

namespace mg::system {

void notifyReady(const std::string& status);
void notifyStatus(const std::string& status);
void notifyStopping();

}  // namespace mg::system
