#include "smtp/ServerContext.h"

#include <algorithm>

#include "common/Metrics.h"

namespace mg::smtp::detail {
namespace {

// How long a newcomer waits for the silent session it displaced to give its slot back (the
// connection notices within one poll slice).
constexpr auto kTakeOverWait = std::chrono::seconds(3);

size_t sessionsOf(const std::map<std::string, std::vector<SessionSlot*>>& m, const std::string& host) {
  auto it = m.find(host);
  return it == m.end() ? 0 : it->second.size();
}

}  // namespace

void ServerContext::admit(SessionSlot& slot) {
  byHost_[slot.host].push_back(&slot);
  const unsigned n = active.fetch_add(1) + 1;
  common::Metrics::global().set("mailgate_smtp_sessions_active", static_cast<double>(n));
}

SessionSlot* ServerContext::silentVictimFor(const std::string& host) {
  const size_t mine = sessionsOf(byHost_, host);
  const std::vector<SessionSlot*>* busiest = nullptr;
  for (const auto& [h, slots] : byHost_) {
    if (h != host && (busiest == nullptr || slots.size() > busiest->size())) busiest = &slots;
  }
  if (busiest == nullptr || busiest->size() <= mine + 1) return nullptr;
  // The newest silent one: the oldest have had their chance to be slow for a reason.
  for (auto it = busiest->rbegin(); it != busiest->rend(); ++it) {
    if ((*it)->silent.load() && !(*it)->evict.load()) return *it;
  }
  return nullptr;
}

ServerContext::Admission ServerContext::tryAcquire(SessionSlot& slot) {
  std::unique_lock<std::mutex> lock(mu_);
  // 0: no cap of its own (max_sessions is the cap, and "server full" the answer).
  if (settings.maxSessionsPerAddress != 0 && sessionsOf(byHost_, slot.host) >= settings.maxSessionsPerAddress) {
    return Admission::AddressFull;
  }
  if (active.load() < settings.maxSessions) {
    admit(slot);
    return Admission::Admitted;
  }
  SessionSlot* victim = silentVictimFor(slot.host);
  if (victim == nullptr) return Admission::ServerFull;
  victim->evict = true;
  common::Metrics::global().increment("mailgate_rate_limited_total", {{"endpoint", "smtp_sessions"}});
  if (!released_.wait_for(lock, kTakeOverWait, [this] { return active.load() < settings.maxSessions; })) {
    return Admission::ServerFull;
  }
  admit(slot);
  return Admission::Admitted;
}

void ServerContext::release(SessionSlot& slot) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = byHost_.find(slot.host);
    if (it != byHost_.end()) {
      auto& v = it->second;
      v.erase(std::remove(v.begin(), v.end(), &slot), v.end());
      if (v.empty()) byHost_.erase(it);
    }
    const unsigned n = active.fetch_sub(1) - 1;
    common::Metrics::global().set("mailgate_smtp_sessions_active", static_cast<double>(n));
  }
  released_.notify_all();
}

}  // namespace mg::smtp::detail
