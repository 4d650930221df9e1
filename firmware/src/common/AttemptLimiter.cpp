#include "common/AttemptLimiter.h"

#include <chrono>

namespace mg::common {

AttemptLimiter::AttemptLimiter(const Clock& clock, unsigned maxAttempts, unsigned windowSeconds, size_t maxKeys)
    : clock_(clock),
      maxAttempts_(maxAttempts == 0 ? 1 : maxAttempts),
      windowMillis_(int64_t(windowSeconds) * 1000),
      maxKeys_(maxKeys == 0 ? 1 : maxKeys) {}

void AttemptLimiter::setLimits(unsigned maxAttempts, unsigned windowSeconds) {
  std::lock_guard<std::mutex> lock(mu_);
  maxAttempts_ = maxAttempts == 0 ? 1 : maxAttempts;
  windowMillis_ = int64_t(windowSeconds) * 1000;
}

void AttemptLimiter::dropExpired(int64_t now) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now - it->second.startedAt >= windowMillis_) {
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
}

int64_t AttemptLimiter::lockedFor(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end()) return 0;
  const int64_t elapsed = clock_.steadyMillis() - it->second.startedAt;
  if (elapsed >= windowMillis_) {
    windows_.erase(it);
    return 0;
  }
  if (it->second.failures < maxAttempts_) return 0;
  return (windowMillis_ - elapsed + 999) / 1000;
}

void AttemptLimiter::recordFailure(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_.steadyMillis();
  auto it = windows_.find(key);
  if (it != windows_.end() && now - it->second.startedAt >= windowMillis_) {
    windows_.erase(it);
    it = windows_.end();
  }
  if (it == windows_.end()) {
    if (windows_.size() >= maxKeys_) dropExpired(now);
    if (windows_.size() >= maxKeys_) {
      // Still full of live windows: give up the oldest one rather than grow.
      auto oldest = windows_.begin();
      for (auto w = windows_.begin(); w != windows_.end(); ++w) {
        if (w->second.startedAt < oldest->second.startedAt) oldest = w;
      }
      windows_.erase(oldest);
    }
    it = windows_.emplace(key, Window{now, 0}).first;
  }
  ++it->second.failures;
}

void AttemptLimiter::recordSuccess(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  windows_.erase(key);
}

bool WorkSlots::acquire(int64_t timeoutMillis) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, std::chrono::milliseconds(timeoutMillis), [this] { return free_ > 0; })) return false;
  --free_;
  return true;
}

void WorkSlots::release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++free_;
  }
  cv_.notify_one();
}

}  // namespace mg::common
