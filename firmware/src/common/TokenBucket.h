#pragma once
#include <cstdint>
#include <mutex>

#include "common/Clock.h"

namespace mg::common {

// A token bucket: `capacity` tokens, refilled evenly over `perMillis` (e.g. 60 per 60000 ms).
// Thread-safe.
class TokenBucket {
 public:
  TokenBucket(const Clock& clock, double capacity, int64_t perMillis);
  bool tryTake();
  // Milliseconds until one token is available (0 if one is now).
  int64_t millisUntilNext();

 private:
  void refill();
  const Clock& clock_;
  const double capacity_;
  const double perMilli_;
  double tokens_;
  int64_t last_;
  std::mutex mu_;
};

}  // namespace mg::common
