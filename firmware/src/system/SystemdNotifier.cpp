#include "system/SystemdNotifier.h"

#include <systemd/sd-daemon.h>

#include <ctime>

namespace mg::system {

namespace {
std::string monotonicMicros() {
  struct timespec ts {};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::to_string(uint64_t(ts.tv_sec) * 1'000'000 + uint64_t(ts.tv_nsec) / 1000);
}
}  // namespace

void notifyReady(const std::string& status) { sd_notify(0, ("READY=1\nSTATUS=" + status).c_str()); }
void notifyStatus(const std::string& status) { sd_notify(0, ("STATUS=" + status).c_str()); }
// MONOTONIC_USEC lets systemd (Type=notify-reload, v253+) match the READY=1 that follows.
void notifyReloading(const std::string& status) {
  sd_notify(0, ("RELOADING=1\nMONOTONIC_USEC=" + monotonicMicros() + "\nSTATUS=" + status).c_str());
}
void notifyStopping(const std::string& status) { sd_notify(0, ("STOPPING=1\nSTATUS=" + status).c_str()); }
void notifyWatchdog() { sd_notify(0, "WATCHDOG=1"); }

uint64_t watchdogMicros() {
  uint64_t usec = 0;
  return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

}  // namespace mg::system
