#pragma once
// Every account's connection pool and, for each enabled account whose intercept is not
// "off", its AccountWatcher. Follows the account service: a created, changed or removed
// account starts, restarts or stops its watcher (a change restarts it with a fresh pool, so
// a new host or password takes effect at once). A housekeeping thread closes connections
// idle over pool_idle_seconds. Implements the API's WatcherDirectory and the release port's
// ConnectionSource.
#include <condition_variable>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "accounts/AccountService.h"
#include "accounts/WatcherDirectory.h"
#include "watcher/AccountWatcher.h"
#include "watcher/ConnectionSource.h"

namespace mg::watcher {

struct WatcherPoolOptions {
  WatcherOptions watcher;
  ConnectionPool::Options pool;
  imap::ClientOptions client;  // timeouts and TLS verification; host/port/tls per account
  int64_t housekeepingMillis = 10'000;
};

class WatcherPool : public accounts::WatcherDirectory, public ConnectionSource {
 public:
  WatcherPool(accounts::AccountService& accounts, ScanDeps deps, std::shared_ptr<quarantine::Notifier> notifier,
              WatcherPoolOptions options);
  ~WatcherPool() override;  // stops

  void start();  // every account, then follows changes
  void stop();   // watchers first (DONE, LOGOUT), then every pool
  void refresh(int64_t accountId);
  // A configuration reload: every account read again, on the housekeeping thread (stopping a
  // watcher may wait on its server); changed, new and removed accounts restart, start or stop
  // their watcher, unchanged ones keep their session.
  void requestReloadAccounts();
  void wake(int64_t accountId);

  std::vector<accounts::WatcherStatus> watchers() override;
  std::optional<WatchedAccount> accountFor(int64_t accountId) override;
  std::shared_ptr<ConnectionPool> poolFor(int64_t accountId) override;

  // Enabled accounts whose watcher should run, and those of them that are not online
  // ("work: backoff: connecting to …"), for the health check.
  struct Health {
    unsigned watched = 0;
    unsigned online = 0;
    std::vector<std::string> problems;
  };
  Health health();
  // "" while the housekeeping thread keeps going round; else why not (the watchdog's test).
  std::string supervisorLiveness() const;

 private:
  struct Entry {
    WatchedAccount account;
    int64_t updatedAt = 0;
    bool enabled = false;
    std::shared_ptr<ConnectionPool> pool;
    std::unique_ptr<AccountWatcher> watcher;
  };
  struct Guard {
    std::mutex mu;
    WatcherPool* pool = nullptr;
  };
  std::unique_ptr<Entry> makeEntry(const accounts::Account& a);
  void housekeeping();

  accounts::AccountService& accounts_;
  ScanDeps deps_;
  std::shared_ptr<quarantine::Notifier> notifier_;
  const WatcherPoolOptions options_;
  std::shared_ptr<Guard> guard_;
  std::mutex refreshMu_;  // one refresh at a time (stop/start outside mu_)
  std::mutex mu_;
  std::map<int64_t, std::unique_ptr<Entry>> entries_;
  bool running_ = false;
  std::atomic<bool> loadPending_{false};  // the accounts could not be read: the housekeeper retries
  bool reloadRequested_ = false;          // a configuration reload asked for them (guarded by mu_)
  void reloadAccounts();
  std::thread housekeeper_;
  std::atomic<int64_t> supervisorProgressMillis_{0};
  bool loadAccounts();
  std::condition_variable cv_;
};

}  // namespace mg::watcher
