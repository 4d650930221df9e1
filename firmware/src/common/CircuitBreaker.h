#pragma once
#include <cstdint>
#include <mutex>
#include <string>

#include "common/Clock.h"

namespace mg::common {

// closed → (N consecutive failures) → open → (reset interval) → half-open: one trial;
// success closes it, failure opens it again. Used per relay and per IMAP watcher.
class CircuitBreaker {
 public:
  enum class State { Closed, Open, HalfOpen };
  CircuitBreaker(const Clock& clock, unsigned failureThreshold, int64_t resetMillis);

  bool allowRequest();  // false while open; in half-open lets exactly one trial through
  void recordSuccess();
  void recordFailure();
  State state();
  unsigned consecutiveFailures();
  static std::string toString(State s);

 private:
  const Clock& clock_;
  const unsigned threshold_;
  const int64_t resetMillis_;
  State state_ = State::Closed;
  unsigned failures_ = 0;
  int64_t openedAt_ = 0;
  bool trialInFlight_ = false;
  std::mutex mu_;
};

}  // namespace mg::common
