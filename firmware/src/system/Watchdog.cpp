#include "system/Watchdog.h"

#include "common/Log.h"
#include "common/Text.h"
#include "system/SystemdNotifier.h"

namespace mg::system {

namespace {
Poco::Logger& log() { return common::logger("health"); }

std::string joined(const std::vector<std::string>& v) { return common::join(v, "; "); }

// Which checks fail ("smtp,store"), without their changing detail (the seconds counting up).
std::string names(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x.substr(0, x.find(':'));
  return s;
}
}  // namespace

Watchdog::Watchdog(Stalled stalled, uint64_t intervalMicros)
    : stalled_(std::move(stalled)), intervalMicros_(intervalMicros) {}

Watchdog::~Watchdog() { stop(); }

bool Watchdog::start() {
  if (intervalMicros_ == 0) intervalMicros_ = watchdogMicros();
  if (intervalMicros_ == 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return true;
  running_ = true;
  thread_ = std::thread([this] { run(); });
  log().information("watchdog: pinging systemd every %s ms while the liveness checks pass",
                    std::to_string(intervalMicros_ / 2000));
  return true;
}

void Watchdog::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Watchdog::run() {
  const auto half = std::chrono::microseconds(intervalMicros_ / 2);
  std::string stalledBefore;  // names of the checks that failed last turn
  std::unique_lock<std::mutex> lock(mu_);
  while (running_) {
    lock.unlock();
    std::vector<std::string> failing;
    try {
      failing = stalled_();
    } catch (const std::exception& e) {
      failing = {std::string("liveness: ") + e.what()};
    } catch (...) {
      failing = {"liveness: the tests failed with an unknown error"};
    }
    const std::string stalled = joined(failing);
    if (stalled.empty()) {
      notifyWatchdog();
      if (!stalledBefore.empty()) log().notice("watchdog: every liveness check passes again; pinging systemd");
    } else if (names(failing) != stalledBefore) {
      // Said once per distinct cause: the log explains the restart that follows.
      common::logEvent(log(), Poco::Message::PRIO_CRITICAL, {"watchdog", 0, ""},
                       "watchdog: not pinging systemd (it restarts mailgated after WatchdogSec): " + stalled);
      notifyStatus("watchdog: not pinging: " + stalled);  // what `systemctl status` shows meanwhile
    }
    stalledBefore = names(failing);
    lock.lock();
    cv_.wait_for(lock, half, [this] { return !running_; });
  }
}

}  // namespace mg::system
