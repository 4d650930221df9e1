#include "system/SystemdNotifier.h"

#include <systemd/sd-daemon.h>

namespace mg::system {

void notifyReady(const std::string& status) { sd_notify(0, ("READY=1\nSTATUS=" + status).c_str()); }
void notifyStatus(const std::string& status) { sd_notify(0, ("STATUS=" + status).c_str()); }
void notifyStopping() { sd_notify(0, "STOPPING=1"); }

}  // namespace mg::system
