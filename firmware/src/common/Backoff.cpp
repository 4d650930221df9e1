#include "common/Backoff.h"

#include <algorithm>

namespace mg::common {

Backoff::Backoff(int64_t baseMillis, int64_t maxMillis, uint32_t seed)
    : base_(std::max<int64_t>(baseMillis, 1)), max_(std::max(maxMillis, baseMillis)), rng_(seed) {}

int64_t Backoff::ceilingMillis(unsigned attempt) const {
  int64_t d = base_;
  for (unsigned i = 0; i < attempt && d < max_; ++i) d *= 2;
  return std::min(d, max_);
}

int64_t Backoff::delayMillis(unsigned attempt) {
  const int64_t ceiling = ceilingMillis(attempt);
  std::uniform_int_distribution<int64_t> dist(ceiling / 2, ceiling);
  return dist(rng_);
}

}  // namespace mg::common
