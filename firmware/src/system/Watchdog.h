#pragma once
// systemd's watchdog: WATCHDOG=1 at half of WATCHDOG_USEC, but only while every liveness test
// passes. A deadlocked accept loop, watcher supervisor or store stops the pings, and systemd
// restarts the daemon (WatchdogSec=, Restart=on-failure) — the reason is in the journal first.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mg::system {

class Watchdog {
 public:
  using Stalled = std::function<std::vector<std::string>()>;  // empty: all alive
  // `intervalMicros` 0 = ask systemd (WATCHDOG_USEC); no watchdog asked for: start() is a no-op.
  explicit Watchdog(Stalled stalled, uint64_t intervalMicros = 0);
  ~Watchdog();  // stop()

  bool start();  // true when pinging
  void stop();

 private:
  void run();

  Stalled stalled_;
  uint64_t intervalMicros_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = false;
  std::thread thread_;
};

}  // namespace mg::system
