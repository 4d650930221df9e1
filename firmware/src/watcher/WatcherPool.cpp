#include "watcher/WatcherPool.h"

#include "common/Log.h"
#include "watcher/AccountConnector.h"

namespace mg::watcher {

namespace {
int64_t steadyNowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

Poco::Logger& log() { return common::logger("watcher"); }

WatchedAccount watchedFrom(const accounts::Account& a) {
  return {a.id,       a.name,     a.host, static_cast<uint16_t>(a.port), a.tls, a.username, a.quarantineFolder,
          a.intercept, a.createdAt};
}
}  // namespace

WatcherPool::WatcherPool(accounts::AccountService& accounts, ScanDeps deps, std::shared_ptr<quarantine::Notifier> notifier,
                         WatcherPoolOptions options)
    : accounts_(accounts), deps_(deps), notifier_(std::move(notifier)), options_(std::move(options)),
      guard_(std::make_shared<Guard>()) {
  // The families are on /metrics from the start, also while no account is watched.
  AccountWatcher::describeMetrics();
  ConnectionPool::describeMetrics();
  guard_->pool = this;
  auto guard = guard_;
  accounts_.subscribe([guard](int64_t id) {
    std::lock_guard<std::mutex> lock(guard->mu);
    if (guard->pool) guard->pool->refresh(id);
  });
}

WatcherPool::~WatcherPool() {
  {
    std::lock_guard<std::mutex> lock(guard_->mu);
    guard_->pool = nullptr;
  }
  stop();
}

std::unique_ptr<WatcherPool::Entry> WatcherPool::makeEntry(const accounts::Account& a) {
  auto e = std::make_unique<Entry>();
  e->account = watchedFrom(a);
  e->updatedAt = a.updatedAt;
  e->enabled = a.enabled;
  auto opts = clientOptionsFor(e->account, options_.client);
  const int64_t id = a.id;
  const std::string user = a.username;
  accounts::AccountService* service = &accounts_;
  ConnectionPool::Factory factory;
  if (opts) {
    factory = [o = opts.value(), user, service, id] {
      return connectAndLogin(o, user, [service, id] { return service->passwordFor(id); });
    };
  } else {
    const std::string error = opts.errorMessage();
    factory = [error] { return common::Result<std::unique_ptr<imap::ImapClient>>::error(error); };
  }
  e->pool = std::make_shared<ConnectionPool>(a.name, std::move(factory), options_.pool, *deps_.clock);
  if (a.enabled && a.intercept != "off") {
    e->watcher = std::make_unique<AccountWatcher>(e->account, e->pool, deps_, notifier_, options_.watcher);
  }
  return e;
}

void WatcherPool::start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_) return;
    running_ = true;
  }
  loadAccounts();
  supervisorProgressMillis_ = steadyNowMillis();
  housekeeper_ = std::thread([this] { housekeeping(); });
}

bool WatcherPool::loadAccounts() {
  auto all = accounts_.list();
  if (!all) {
    // Retried by the housekeeper: a store that is back brings the watchers with it.
    common::logEvent(log(), Poco::Message::PRIO_ERROR, {"watchers", 0, ""},
                     "the accounts cannot be read, so no watcher runs yet: " + all.errorMessage());
    loadPending_ = true;
    return false;
  }
  loadPending_ = false;
  for (const auto& a : all.value()) refresh(a.id);
  return true;
}

void WatcherPool::requestReloadAccounts() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    reloadRequested_ = true;
  }
  cv_.notify_all();
}

void WatcherPool::reloadAccounts() {
  if (!loadAccounts()) return;
  auto all = accounts_.list();
  if (!all) return;
  std::vector<int64_t> gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, e] : entries_) {
      bool listed = false;
      for (const auto& a : all.value()) listed |= a.id == id;
      if (!listed) gone.push_back(id);
    }
  }
  for (int64_t id : gone) refresh(id);
}

void WatcherPool::stop() {
  std::map<int64_t, std::unique_ptr<Entry>> entries;
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
  }
  cv_.notify_all();
  if (housekeeper_.joinable()) housekeeper_.join();
  std::lock_guard<std::mutex> serial(refreshMu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    entries.swap(entries_);
  }
  for (auto& [id, e] : entries) {
    if (e->watcher) e->watcher->stop();  // DONE + LOGOUT
  }
  for (auto& [id, e] : entries) e->pool->shutdown();
}

void WatcherPool::refresh(int64_t accountId) {
  std::lock_guard<std::mutex> serial(refreshMu_);
  std::unique_ptr<Entry> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    auto it = entries_.find(accountId);
    if (it != entries_.end()) {
      old = std::move(it->second);
      entries_.erase(it);
    }
  }
  auto read = accounts_.get(accountId);
  if (!read) {
    common::logEvent(log(), Poco::Message::PRIO_ERROR, {"watchers", 0, ""},
                     "account " + std::to_string(accountId) + " cannot be read: " + read.errorMessage());
    if (old) {
      std::lock_guard<std::mutex> lock(mu_);  // keep what runs; the next change refreshes it
      entries_[accountId] = std::move(old);
    }
    loadPending_ = true;
    return;
  }
  const auto& account = read.value();
  if (old && account && old->updatedAt == account->updatedAt && old->enabled == account->enabled) {
    std::lock_guard<std::mutex> lock(mu_);  // nothing that matters changed (e.g. a test ran)
    entries_[accountId] = std::move(old);
    return;
  }
  if (old) {
    if (old->watcher) old->watcher->stop();
    old->pool->shutdown();
    common::logEvent(log(), Poco::Message::PRIO_INFORMATION, {"watcher_stop", 0, old->account.name},
                     account ? "settings changed" : "account removed");
  }
  if (!account) return;
  auto e = makeEntry(*account);
  if (e->watcher) e->watcher->start();
  std::lock_guard<std::mutex> lock(mu_);
  entries_[accountId] = std::move(e);
}

void WatcherPool::wake(int64_t accountId) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(accountId);
  if (it != entries_.end() && it->second->watcher) it->second->watcher->wake();
}

std::vector<accounts::WatcherStatus> WatcherPool::watchers() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<accounts::WatcherStatus> out;
  for (const auto& [id, e] : entries_) {
    if (e->watcher) {
      out.push_back(e->watcher->status());
    } else {
      out.push_back({id, "stopped", false, 0, e->enabled ? "intercept is off" : "account disabled", 0});
    }
  }
  return out;
}

WatcherPool::Health WatcherPool::health() {
  Health h;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, e] : entries_) {
    if (!e->watcher) continue;
    ++h.watched;
    const auto s = e->watcher->status();
    if (s.state == "online") {
      ++h.online;
    } else {
      h.problems.push_back(e->account.name + ": " + s.state + (s.lastError.empty() ? "" : ": " + s.lastError));
    }
  }
  return h;
}

std::optional<WatchedAccount> WatcherPool::accountFor(int64_t accountId) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(accountId);
    if (it != entries_.end()) return it->second->account;
  }
  auto a = accounts_.get(accountId);
  if (!a || !a.value()) return std::nullopt;
  return watchedFrom(*a.value());
}

std::shared_ptr<ConnectionPool> WatcherPool::poolFor(int64_t accountId) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(accountId);
  return it == entries_.end() ? nullptr : it->second->pool;
}

std::string WatcherPool::supervisorLiveness() const {
  if (!housekeeper_.joinable()) return "";  // not started: nothing to supervise
  // Three missed turns, plus what one turn's network work may take (a LOGOUT to an unreachable
  // server, a watcher stopped by a reload: each bounded by the IMAP timeout): beyond that the
  // housekeeper is stuck on a lock, not on a slow server.
  const int64_t allowed = 3 * options_.housekeepingMillis + 2 * options_.client.timeout.count() + 5'000;
  const int64_t age = steadyNowMillis() - supervisorProgressMillis_.load();
  if (age <= allowed) return "";
  return "the watcher supervisor has made no progress for " + std::to_string(age / 1000) + " s";
}

void WatcherPool::housekeeping() {
  std::unique_lock<std::mutex> lock(mu_);
  while (running_) {
    supervisorProgressMillis_ = steadyNowMillis();
    cv_.wait_for(lock, std::chrono::milliseconds(options_.housekeepingMillis),
                 [this] { return !running_ || reloadRequested_; });
    if (!running_) break;
    std::vector<std::shared_ptr<ConnectionPool>> pools;
    for (const auto& [id, e] : entries_) pools.push_back(e->pool);
    const bool retry = loadPending_;
    const bool reload = reloadRequested_;
    reloadRequested_ = false;
    lock.unlock();
    for (auto& p : pools) {
      p->closeIdle();
      supervisorProgressMillis_ = steadyNowMillis();  // each piece of work is progress
    }
    if (reload) reloadAccounts();
    else if (retry) loadAccounts();
    supervisorProgressMillis_ = steadyNowMillis();
    lock.lock();
  }
}

}  // namespace mg::watcher
