#pragma once
// The IMAP connections of one account: at most `maxConnections` at a time (the watcher's
// IDLE connection counts), an idle one reused after a NOOP check when it sat for over a
// minute, closed once idle for `idleCloseMillis`, and replaced when found dead. The factory
// connects and logs in; the password lives only inside it (fetched per connect), never here.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/Clock.h"
#include "common/Status.h"
#include "imap/ImapClient.h"

namespace mg::watcher {

class ConnectionPool {
 public:
  using Factory = std::function<common::Result<std::unique_ptr<imap::ImapClient>>()>;

  struct Options {
    unsigned maxConnections = 2;
    int64_t idleCloseMillis = 300'000;  // [imap] pool_idle_seconds
    int64_t checkAfterMillis = 60'000;  // NOOP before reusing a connection idle this long
    int64_t waitMillis = 30'000;        // how long acquire() waits for a busy pool
  };

  // A connection on loan; returned to the pool when destroyed (dropped if it died or was
  // discarded). Move-only.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    imap::ImapClient& client() { return *client_; }
    imap::ImapClient* operator->() { return client_.get(); }
    // The connection is not to be reused (protocol state unknown): closed, not returned.
    void discard();

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<imap::ImapClient> client) : pool_(pool), client_(std::move(client)) {}
    void giveBack();
    ConnectionPool* pool_ = nullptr;
    std::unique_ptr<imap::ImapClient> client_;
  };

  // `account` labels the metrics (mailgate_imap_pool_connections{account}).
  ConnectionPool(std::string account, Factory factory, Options options,
                 const common::Clock& clock = common::SystemClock::instance());
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle connection (a hit) or a new one (a miss); waits while all are on loan.
  common::Result<Lease> acquire();
  // Logs out and closes connections idle longer than idleCloseMillis. Returns how many.
  int closeIdle();
  // Logs out every idle connection and refuses new loans; loans out are closed on return.
  void shutdown();

  unsigned size();     // open connections, idle and on loan
  unsigned idleCount();
  unsigned waiters();  // acquire() calls waiting for a connection right now
  static void describeMetrics();  // the pool's metric families, before any pool exists
  const std::string& account() const { return account_; }

 private:
  struct Idle {
    std::unique_ptr<imap::ImapClient> client;
    int64_t since = 0;
  };
  void giveBack(std::unique_ptr<imap::ImapClient> client, bool reusable);
  void publish();  // the size gauge; called with mu_ held

  const std::string account_;
  Factory factory_;
  const Options options_;
  const common::Clock& clock_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<Idle> idle_;
  unsigned open_ = 0;  // idle + on loan + being connected
  unsigned waiters_ = 0;
  bool closed_ = false;
};

}  // namespace mg::watcher
