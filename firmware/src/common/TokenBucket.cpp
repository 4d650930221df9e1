#include "common/TokenBucket.h"

#include <algorithm>
#include <cmath>

namespace mg::common {

TokenBucket::TokenBucket(const Clock& clock, double capacity, int64_t perMillis)
    : clock_(clock),
      capacity_(capacity),
      perMilli_(capacity / static_cast<double>(std::max<int64_t>(perMillis, 1))),
      tokens_(capacity),
      last_(clock.steadyMillis()) {}

void TokenBucket::refill() {
  const int64_t now = clock_.steadyMillis();
  if (now > last_) {
    tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now - last_) * perMilli_);
    last_ = now;
  }
}

bool TokenBucket::tryTake() {
  std::lock_guard<std::mutex> lock(mu_);
  refill();
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return true;
  }
  return false;
}

int64_t TokenBucket::millisUntilNext() {
  std::lock_guard<std::mutex> lock(mu_);
  refill();
  if (tokens_ >= 1.0) return 0;
  return static_cast<int64_t>(std::ceil((1.0 - tokens_) / perMilli_));
}

}  // namespace mg::common
