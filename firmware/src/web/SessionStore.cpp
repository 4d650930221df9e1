#include "web/SessionStore.h"

#include <algorithm>

#include "crypto/TokenHash.h"

namespace mg::web {

bool SessionStore::expired(const SessionInfo& s, int64_t now) const {
  return now - s.lastSeenAt >= kIdleMillis || now - s.createdAt >= kAbsoluteMillis;
}

void SessionStore::dropExpiredLocked(int64_t now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = expired(it->second, now) ? sessions_.erase(it) : std::next(it);
  }
}

NewSession SessionStore::create(const std::string& user) {
  NewSession out{crypto::TokenHash::generateToken(), crypto::TokenHash::generateToken()};
  const int64_t now = clock_.nowMillis();
  std::lock_guard<std::mutex> lock(mu_);
  dropExpiredLocked(now);
  while (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.lastSeenAt < b.second.lastSeenAt;
    });
    sessions_.erase(oldest);
  }
  sessions_[crypto::TokenHash::hashToken(out.cookie)] =
      SessionInfo{user, out.csrfToken, now, now};
  return out;
}

std::optional<SessionInfo> SessionStore::lookup(const std::string& cookie, bool touch) {
  if (!crypto::TokenHash::looksLikeToken(cookie)) return std::nullopt;
  const std::string key = crypto::TokenHash::hashToken(cookie);
  const int64_t now = clock_.nowMillis();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  if (touch) it->second.lastSeenAt = now;
  return it->second;
}

std::optional<SessionInfo> SessionStore::find(const std::string& cookie) { return lookup(cookie, true); }
std::optional<SessionInfo> SessionStore::peek(const std::string& cookie) { return lookup(cookie, false); }

void SessionStore::remove(const std::string& cookie) {
  const std::string key = crypto::TokenHash::hashToken(cookie);
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(key);
}

size_t SessionStore::removeUser(const std::string& user, const std::string& keep) {
  const std::string kept = keep.empty() ? "" : crypto::TokenHash::hashToken(keep);
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second.user == user && it->first != kept) {
      it = sessions_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

size_t SessionStore::size() {
  std::lock_guard<std::mutex> lock(mu_);
  dropExpiredLocked(clock_.nowMillis());
  return sessions_.size();
}

}  // namespace mg::web
