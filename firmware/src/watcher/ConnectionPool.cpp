#include "watcher/ConnectionPool.h"

#include <chrono>

#include "common/Log.h"
#include "common/Metrics.h"

namespace mg::watcher {

namespace {
Poco::Logger& log() { return common::logger("watcher"); }
}  // namespace

ConnectionPool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), client_(std::move(other.client_)) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease& ConnectionPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    giveBack();
    pool_ = other.pool_;
    client_ = std::move(other.client_);
    other.pool_ = nullptr;
  }
  return *this;
}

ConnectionPool::Lease::~Lease() { giveBack(); }

void ConnectionPool::Lease::giveBack() {
  if (pool_ && client_) pool_->giveBack(std::move(client_), true);
  pool_ = nullptr;
}

void ConnectionPool::Lease::discard() {
  if (pool_ && client_) pool_->giveBack(std::move(client_), false);
  pool_ = nullptr;
}

ConnectionPool::ConnectionPool(std::string account, Factory factory, Options options, const common::Clock& clock)
    : account_(std::move(account)), factory_(std::move(factory)), options_(options), clock_(clock) {
  describeMetrics();
  std::lock_guard<std::mutex> lock(mu_);
  publish();
}

ConnectionPool::~ConnectionPool() { shutdown(); }

void ConnectionPool::publish() {
  common::Metrics::global().set("mailgate_imap_pool_connections", {{"account", account_}}, open_);
}

common::Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  const unsigned max = options_.maxConnections == 0 ? 1 : options_.maxConnections;
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.waitMillis);
  for (;;) {
    if (closed_) return common::Status::error("account " + account_ + ": connection pool is shut down");
    while (!idle_.empty()) {
      Idle entry = std::move(idle_.back());  // the most recently used: the likeliest alive
      idle_.pop_back();
      bool alive = entry.client->connected();
      if (alive && clock_.steadyMillis() - entry.since > options_.checkAfterMillis) {
        lock.unlock();
        alive = entry.client->noop().ok();
        lock.lock();
      }
      if (alive) {
        common::Metrics::global().increment("mailgate_imap_pool_hits_total");
        return Lease(this, std::move(entry.client));
      }
      entry.client->close();  // dead: replaced below by a new one
      --open_;
      publish();
      freed_.notify_one();
      if (closed_) return common::Status::error("account " + account_ + ": connection pool is shut down");
    }
    if (open_ < max) break;
    ++waiters_;
    const auto woke = freed_.wait_until(lock, deadline);
    --waiters_;
    if (woke == std::cv_status::timeout && idle_.empty() && open_ >= max) {
      return common::Status::error("account " + account_ + ": all " + std::to_string(max) +
                                   " IMAP connections are busy (pool_max_per_account)");
    }
  }
  ++open_;  // reserve the slot while connecting outside the lock
  publish();
  common::Metrics::global().increment("mailgate_imap_pool_misses_total");
  lock.unlock();
  auto made = factory_ ? factory_() : common::Result<std::unique_ptr<imap::ImapClient>>::error("no connection factory");
  lock.lock();
  if (!made) {
    --open_;
    publish();
    freed_.notify_one();
    return made.status();
  }
  return Lease(this, std::move(made.value()));
}

void ConnectionPool::giveBack(std::unique_ptr<imap::ImapClient> client, bool reusable) {
  std::unique_lock<std::mutex> lock(mu_);
  // A selected mailbox is harmless to the next user: each one selects what it works on.
  if (reusable && !closed_ && client->connected()) {
    idle_.push_back({std::move(client), clock_.steadyMillis()});
  } else {
    lock.unlock();
    if (reusable && client->connected()) (void)client->logout();
    client->close();
    client.reset();
    lock.lock();
    --open_;
    publish();
  }
  freed_.notify_one();
}

int ConnectionPool::closeIdle() {
  std::vector<std::unique_ptr<imap::ImapClient>> stale;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t now = clock_.steadyMillis();
    for (auto it = idle_.begin(); it != idle_.end();) {
      if (now - it->since >= options_.idleCloseMillis || !it->client->connected()) {
        stale.push_back(std::move(it->client));
        it = idle_.erase(it);
        --open_;
      } else {
        ++it;
      }
    }
    publish();
  }
  for (auto& c : stale) {
    if (c->connected()) (void)c->logout();
    c->close();
  }
  if (!stale.empty()) {
    common::logEvent(log(), Poco::Message::PRIO_DEBUG, {"imap_pool", 0, account_},
                     "closed " + std::to_string(stale.size()) + " idle connection(s)");
    freed_.notify_all();
  }
  return static_cast<int>(stale.size());
}

void ConnectionPool::shutdown() {
  std::vector<Idle> idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    idle.swap(idle_);
    open_ -= static_cast<unsigned>(idle.size());
    publish();
  }
  for (auto& e : idle) {
    if (e.client->connected()) (void)e.client->logout();
    e.client->close();
  }
  freed_.notify_all();
}

unsigned ConnectionPool::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

void ConnectionPool::describeMetrics() {
  auto& m = common::Metrics::global();
  m.describe("mailgate_imap_pool_connections", "gauge", "Open IMAP connections per account (idle and in use)");
  m.describe("mailgate_imap_pool_hits_total", "counter", "IMAP connections reused from the pool");
  m.describe("mailgate_imap_pool_misses_total", "counter", "IMAP connections opened because none was idle");
  m.increment("mailgate_imap_pool_hits_total", {}, 0);
  m.increment("mailgate_imap_pool_misses_total", {}, 0);
}

unsigned ConnectionPool::waiters() {
  std::lock_guard<std::mutex> lock(mu_);
  return waiters_;
}

unsigned ConnectionPool::idleCount() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<unsigned>(idle_.size());
}

}  // namespace mg::watcher
