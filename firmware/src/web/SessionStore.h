#pragma once
// Server-side operator sessions for the web page (CONTRACT §4 POST /api/v1/session). The
// browser holds only a random cookie value; the store keys sessions by its SHA-256, so a
// memory dump of the table does not hand out live cookies. Each session carries its own CSRF
// token (sent back in X-CSRF-Token on state-changing calls).
//
// Kept in memory on purpose: a restart logs everyone out, and an SD card is not written at
// every login. Bounded: at most kMaxSessions, the least recently used dropped first, so a
// stream of logins cannot grow it.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/Clock.h"

namespace mg::web {

struct SessionInfo {
  std::string user;
  std::string csrfToken;  // not a credential without the cookie: GET /session hands it to a reloaded page
  int64_t createdAt = 0;
  int64_t lastSeenAt = 0;
};

struct NewSession {
  std::string cookie;  // the value for mg_session
  std::string csrfToken;
};

class SessionStore {
 public:
  static constexpr size_t kMaxSessions = 64;
  static constexpr int64_t kIdleMillis = 30LL * 60 * 1000;          // 30 minutes without a request
  static constexpr int64_t kAbsoluteMillis = 12LL * 60 * 60 * 1000;  // 12 hours after login

  explicit SessionStore(const common::Clock& clock) : clock_(clock) {}

  NewSession create(const std::string& user);
  // The live session for a cookie value, its idle timer restarted; nullopt when unknown or
  // expired (an expired one is removed).
  std::optional<SessionInfo> find(const std::string& cookie);
  // As find() but leaves the idle timer alone (a long-lived event stream checking it is
  // still allowed, which is not operator activity).
  std::optional<SessionInfo> peek(const std::string& cookie);
  void remove(const std::string& cookie);
  // Every session of `user` ends (password changed, user removed, second factor reset), but
  // the one with cookie `keep` if given (the caller's own); returns how many ended.
  size_t removeUser(const std::string& user, const std::string& keep = "");
  size_t size();

 private:
  std::optional<SessionInfo> lookup(const std::string& cookie, bool touch);
  void dropExpiredLocked(int64_t now);
  bool expired(const SessionInfo& s, int64_t now) const;

  const common::Clock& clock_;
  std::mutex mu_;
  std::map<std::string, SessionInfo> sessions_;  // by TokenHash of the cookie value
};

}  // namespace mg::web
