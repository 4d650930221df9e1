#pragma once
// How many rounds a fault test runs: its CI figure, or the long run's from the environment.
#include <algorithm>
#include <cstdlib>

namespace mg::test {

inline int roundsFromEnv(const char* variable, int ciRounds) {
  const char* env = std::getenv(variable);
  return env ? std::max(1, std::atoi(env)) : ciRounds;
}

}  // namespace mg::test
