#pragma once
// mailgated's object on D-Bus (CONTRACT §5): org.mailgate.Mailgate1 at /org/mailgate/Mailgate1,
// its properties (with PropertiesChanged), the HealthChanged signal, Reload() and BackupNow().
//
// All bus work happens on one thread of its own: publish() only leaves the newest snapshot
// for it and wakes it, so a slow or absent bus never holds up the daemon. Without a bus (none
// at start, or the bus daemon restarted) the daemon runs on, says so once in the log and
// reconnects every few seconds; when the bus is back the object and its name come back.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "health/HealthMonitor.h"

namespace mg::system {

// What a method call answers: a value, or a D-Bus error (name and message).
struct BusReply {
  std::string value;
  std::string errorName;  // "" = success
  std::string errorMessage;
};

struct DbusHandlers {
  std::function<BusReply()> reload;
  std::function<BusReply()> backupNow;
};

class DbusService {
 public:
  static constexpr const char* kName = "org.mailgate.Mailgate1";
  static constexpr const char* kPath = "/org/mailgate/Mailgate1";

  // `bus`: "system" or "session" (the addresses come from DBUS_SYSTEM_BUS_ADDRESS /
  // DBUS_SESSION_BUS_ADDRESS when set, as for every sd-bus client).
  DbusService(std::string bus, std::string version, uint64_t startedAtMicros, DbusHandlers handlers,
              int64_t reconnectMillis = 5000);
  ~DbusService();  // stop()

  void start();
  void stop();
  void publish(const health::HealthSnapshot& snapshot);  // never blocks
  bool connected() const { return connected_.load(); }

  // For the object on the bus thread.
  health::HealthSnapshot published() const;
  const std::string& version() const { return version_; }
  uint64_t startedAtMicros() const { return startedAtMicros_; }
  const DbusHandlers& handlers() const { return handlers_; }

 private:
  void run();
  void wake();
  void waitForWake(int64_t millis);
  void drainWake();

  const std::string bus_;
  const std::string version_;
  const uint64_t startedAtMicros_;
  const DbusHandlers handlers_;
  const int64_t reconnectMillis_;
  int wakeFd_ = -1;
  std::atomic<bool> running_{false};
  std::atomic<bool> connected_{false};
  mutable std::mutex mu_;
  std::optional<health::HealthSnapshot> pending_;  // newest not yet on the bus
  health::HealthSnapshot published_;               // what the properties answer now
  std::thread thread_;
};

}  // namespace mg::system
