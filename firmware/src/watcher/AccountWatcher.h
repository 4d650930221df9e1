#pragma once
// One enabled account's watcher: its own thread, a connection from the account's pool with
// INBOX selected, intake through MailboxScanner, then IDLE (renewed every idle_renew_seconds)
// or NOOP polling every poll_seconds. Failures reconnect with exponential backoff and jitter;
// after `failureThreshold` in a row the circuit opens (notification watcher_offline) and
// half-opens after `circuitResetMillis`. stop() ends IDLE with DONE and logs out.
//
// States: connecting → online → (error) backoff → connecting … ; circuit_open; stopped.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "accounts/WatcherDirectory.h"
#include "common/Backoff.h"
#include "common/CircuitBreaker.h"
#include "common/Metrics.h"
#include "quarantine/Notifier.h"
#include "watcher/ConnectionPool.h"
#include "watcher/MailboxScanner.h"

namespace mg::watcher {

enum class WatcherState { Connecting, Online, Backoff, CircuitOpen, Stopped };
const char* toString(WatcherState s);

struct WatcherOptions {
  unsigned pollSeconds = 60;         // [imap] poll_seconds, where the server has no IDLE
  unsigned idleRenewSeconds = 1740;  // [imap] idle_renew_seconds
  unsigned failureThreshold = 5;     // consecutive failures that open the circuit
  int64_t circuitResetMillis = 300'000;
  int64_t backoffBaseMillis = 1'000;
  int64_t backoffMaxMillis = 300'000;
  ScanOptions scan;
};

class AccountWatcher {
 public:
  AccountWatcher(WatchedAccount account, std::shared_ptr<ConnectionPool> pool, ScanDeps deps,
                 std::shared_ptr<quarantine::Notifier> notifier, WatcherOptions options);
  ~AccountWatcher();  // stops
  AccountWatcher(const AccountWatcher&) = delete;
  AccountWatcher& operator=(const AccountWatcher&) = delete;

  void start();
  // Interrupts IDLE or a backoff wait, sends DONE and LOGOUT, joins the thread.
  void stop();
  // Rescan now (e.g. after a release put mail back), without waiting for the server.
  void wake();

  accounts::WatcherStatus status() const;
  static void describeMetrics();  // the watcher metric families, before any watcher exists
  WatcherState state() const;
  const WatchedAccount& account() const { return account_; }

 private:
  void run();
  common::Status session();  // one connection's life: returns on error or stop
  void enterState(WatcherState s, const std::string& error = "");
  void heartbeat();
  void publishNote();  // the scanner's note, for status() (other threads)
  void pause(int64_t millis);  // interruptible by stop()
  void onFailure(const std::string& error);

  const WatchedAccount account_;
  std::shared_ptr<ConnectionPool> pool_;
  ScanDeps deps_;
  std::shared_ptr<quarantine::Notifier> notifier_;
  const WatcherOptions options_;
  common::Backoff backoff_;
  common::CircuitBreaker breaker_;
  MailboxScanner scanner_;
  const common::Labels labels_;

  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;  // guards the fields below and active_
  std::condition_variable cv_;
  WatcherState state_ = WatcherState::Stopped;
  bool idle_ = false;
  int64_t lastHeartbeat_ = 0;
  std::string lastError_;
  std::string note_;
  unsigned failures_ = 0;
  unsigned attempt_ = 0;
  bool offlineNotified_ = false;
  imap::ImapClient* active_ = nullptr;  // the connection in use, for interrupt()
};

}  // namespace mg::watcher
