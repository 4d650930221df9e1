#include "watcher/AccountWatcher.h"

#include <algorithm>
#include <chrono>

#include "common/Log.h"
#include "common/Text.h"
#include "watcher/QuarantineFolder.h"

namespace mg::watcher {

namespace {
Poco::Logger& log() { return common::logger("watcher"); }
}  // namespace

const char* toString(WatcherState s) {
  switch (s) {
    case WatcherState::Connecting: return "connecting";
    case WatcherState::Online: return "online";
    case WatcherState::Backoff: return "backoff";
    case WatcherState::CircuitOpen: return "circuit_open";
    case WatcherState::Stopped: return "stopped";
  }
  return "stopped";
}

AccountWatcher::AccountWatcher(WatchedAccount account, std::shared_ptr<ConnectionPool> pool, ScanDeps deps,
                               std::shared_ptr<quarantine::Notifier> notifier, WatcherOptions options)
    : account_(std::move(account)),
      pool_(std::move(pool)),
      deps_(deps),
      notifier_(std::move(notifier)),
      options_(options),
      backoff_(options.backoffBaseMillis, options.backoffMaxMillis),
      breaker_(*deps.clock, std::max(1u, options.failureThreshold), options.circuitResetMillis),
      scanner_(account_, deps, options.scan),
      labels_{{"account", account_.name}} {
  describeMetrics();
  auto& m = common::Metrics::global();
  m.set("mailgate_watcher_up", labels_, 0);
  m.set("mailgate_watcher_circuit_open", labels_, 0);
  m.increment("mailgate_watcher_failures_total", labels_, 0);
}

AccountWatcher::~AccountWatcher() { stop(); }

void AccountWatcher::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  enterState(WatcherState::Connecting);
  thread_ = std::thread([this] { run(); });
}

void AccountWatcher::stop() {
  stop_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (active_) active_->interrupt();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  enterState(WatcherState::Stopped);
}

void AccountWatcher::wake() {
  std::lock_guard<std::mutex> lock(mu_);
  if (active_) active_->interrupt();
}

WatcherState AccountWatcher::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

void AccountWatcher::describeMetrics() {
  auto& m = common::Metrics::global();
  m.describe("mailgate_watcher_up", "gauge", "1 while the account's watcher is online");
  m.describe("mailgate_watcher_last_heartbeat_timestamp_seconds", "gauge", "Last sign of life from the account's server");
  m.describe("mailgate_watcher_failures_total", "counter", "Connection or protocol failures of the account's watcher");
  m.describe("mailgate_watcher_circuit_open", "gauge", "1 while the watcher's circuit breaker is open");
}

accounts::WatcherStatus AccountWatcher::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {account_.id, toString(state_), idle_ && state_ == WatcherState::Online, lastHeartbeat_, lastError_, failures_,
          note_};
}

void AccountWatcher::enterState(WatcherState s, const std::string& error) {
  WatcherState before;
  {
    std::lock_guard<std::mutex> lock(mu_);
    before = state_;
    state_ = s;
    if (!error.empty()) lastError_ = error;
  }
  auto& m = common::Metrics::global();
  m.set("mailgate_watcher_up", labels_, s == WatcherState::Online ? 1 : 0);
  m.set("mailgate_watcher_circuit_open", labels_, s == WatcherState::CircuitOpen ? 1 : 0);
  if (before != s) {
    common::logEvent(log(), s == WatcherState::Backoff || s == WatcherState::CircuitOpen ? Poco::Message::PRIO_WARNING
                                                                                          : Poco::Message::PRIO_INFORMATION,
                     {"watcher_state", 0, account_.name},
                     std::string("state=") + toString(s) + (error.empty() ? "" : " error=\"" + common::sanitize(error) + "\""));
  }
}

void AccountWatcher::publishNote() {
  std::lock_guard<std::mutex> lock(mu_);
  note_ = scanner_.note();
}

void AccountWatcher::heartbeat() {
  const int64_t now = deps_.clock->nowMillis();
  {
    std::lock_guard<std::mutex> lock(mu_);
    lastHeartbeat_ = now;
  }
  common::Metrics::global().set("mailgate_watcher_last_heartbeat_timestamp_seconds", labels_, double(now) / 1000.0);
}

void AccountWatcher::pause(int64_t millis) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(millis), [this] { return stop_.load(); });
}

void AccountWatcher::run() {
  while (!stop_) {
    if (!breaker_.allowRequest()) {
      pause(std::min<int64_t>(1000, options_.circuitResetMillis));
      continue;
    }
    enterState(WatcherState::Connecting);
    common::Status st = common::Status::success();
    try {
      st = session();
    } catch (const std::exception& e) {  // e.g. the database: a state, never an escaped exception
      st = common::Status::error(std::string("watcher: ") + e.what());
    } catch (...) {
      st = common::Status::error("watcher: unknown error");
    }
    if (stop_) break;
    onFailure(st.ok() ? "session ended" : st.message());
  }
}

void AccountWatcher::onFailure(const std::string& error) {
  breaker_.recordFailure();
  common::Metrics::global().increment("mailgate_watcher_failures_total", labels_);
  unsigned failures;
  {
    std::lock_guard<std::mutex> lock(mu_);
    failures = ++failures_;
  }
  if (breaker_.state() == common::CircuitBreaker::State::Open) {
    enterState(WatcherState::CircuitOpen, error);
    bool notify = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      notify = !offlineNotified_;
      offlineNotified_ = true;
    }
    if (notify && notifier_) {
      notifier_->notify("watcher_offline", "critical",
                        "IMAP account " + account_.name + " is offline after " + std::to_string(failures) +
                            " failed attempts: " + common::sanitize(error, 200));
    }
    attempt_ = 0;
    return;
  }
  enterState(WatcherState::Backoff, error);
  pause(backoff_.delayMillis(attempt_++));
}

common::Status AccountWatcher::session() {
  auto lease = pool_->acquire();
  if (!lease) return lease.status();
  imap::ImapClient& client = lease->client();
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_ = &client;
    idle_ = client.idleSupported();
  }
  struct Detach {
    AccountWatcher* w;
    ~Detach() {
      std::lock_guard<std::mutex> lock(w->mu_);
      w->active_ = nullptr;
    }
  } detach{this};

  auto fail = [&](const common::Status& st) {
    lease->discard();  // protocol state unknown: never reused
    return st;
  };
  auto folder = QuarantineFolder::locate(client, account_.quarantineFolder, true);
  if (!folder) return fail(folder.status());
  if (folder->created) {
    common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"quarantine_folder", 0, account_.name},
                     "created " + common::sanitize(folder->name));
  }
  auto inbox = client.select("INBOX");
  if (!inbox) return fail(inbox.status());
  if (auto st = scanner_.begin(client, folder->name); !st) return fail(st);
  if (auto n = scanner_.scan(client, stop_); !n) return fail(n.status());
  publishNote();

  breaker_.recordSuccess();
  bool wasOffline;
  {
    std::lock_guard<std::mutex> lock(mu_);
    failures_ = 0;
    lastError_.clear();
    wasOffline = offlineNotified_;
    offlineNotified_ = false;
  }
  attempt_ = 0;
  heartbeat();
  enterState(WatcherState::Online);
  if (wasOffline && notifier_) notifier_->notify("watcher_online", "info", "IMAP account " + account_.name + " is back online");

  // IDLE is left and re-entered, with a UID SEARCH in between (the scan), at least every
  // poll_seconds: some servers only look at the mailbox for IDLE clients now and then
  // (Courier as Debian ships it: every 60 s), so IDLE alone could leave new mail in INBOX for
  // that long. Interception is then never later than poll_seconds on any server.
  const unsigned pollSeconds = std::max(1u, options_.pollSeconds);
  const auto wait = std::chrono::seconds(client.idleSupported() ? std::min(std::max(1u, options_.idleRenewSeconds), pollSeconds)
                                                                : pollSeconds);
  while (!stop_) {
    auto activity = client.waitForActivity(wait);  // IDLE ends with DONE, also when interrupted
    if (!activity) return fail(activity.status());
    heartbeat();
    scanner_.heartbeat();
    if (stop_) break;
    if (auto n = scanner_.scan(client, stop_); !n) return fail(n.status());
    publishNote();
  }
  (void)client.logout();
  lease->discard();
  return common::Status::success();
}

}  // namespace mg::watcher
