#pragma once
#include <cstdint>
#include <random>

namespace mg::common {

// Exponential backoff with full jitter in [base*2^n / 2, base*2^n], capped at `max`.
// Jitter spreads reconnects of many watchers or relays so they don't arrive together.
class Backoff {
 public:
  Backoff(int64_t baseMillis, int64_t maxMillis, uint32_t seed = std::random_device{}());
  // Delay before retry number `attempt` (0 = first retry).
  int64_t delayMillis(unsigned attempt);
  // The same without jitter: the upper bound, for tests and docs.
  int64_t ceilingMillis(unsigned attempt) const;

 private:
  int64_t base_;
  int64_t max_;
  std::mt19937 rng_;
};

}  // namespace mg::common
