#pragma once
// Counts failed attempts (logins) per key inside a fixed window: after `maxAttempts` failures
// the key is locked until the window that began with its first failure has passed. Shared by
// every session, thread-safe, and bounded: at most `maxKeys` keys are tracked (the oldest
// window is dropped first), so a client inventing user names cannot grow it without end.
#include <cstddef>
#include <cstdint>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "common/Clock.h"

namespace mg::common {

class AttemptLimiter {
 public:
  AttemptLimiter(const Clock& clock, unsigned maxAttempts, unsigned windowSeconds, size_t maxKeys = 4096);

  // 0 when `key` may try again, else the seconds until it may.
  int64_t lockedFor(const std::string& key);
  void recordFailure(const std::string& key);
  void recordSuccess(const std::string& key);  // forgets the key's failures
  // A configuration reload: counts so far stay, judged by the new limit and window.
  void setLimits(unsigned maxAttempts, unsigned windowSeconds);

 private:
  struct Window {
    int64_t startedAt = 0;
    unsigned failures = 0;
  };
  void dropExpired(int64_t now);

  const Clock& clock_;
  unsigned maxAttempts_;
  int64_t windowMillis_;
  size_t maxKeys_;
  std::mutex mu_;
  std::map<std::string, Window> windows_;
};

// At most `slots` callers at once inside a guarded section (PBKDF2 checks: each costs tens of
// milliseconds of one core, so unbounded they let a few retrying clients pin every core).
class WorkSlots {
 public:
  explicit WorkSlots(unsigned slots) : free_(slots == 0 ? 1 : slots) {}
  // Waits up to `timeoutMillis` for a slot; false when none came free in that time.
  bool acquire(int64_t timeoutMillis);
  void release();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  unsigned free_;
};

}  // namespace mg::common
