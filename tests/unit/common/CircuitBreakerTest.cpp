#include "common/CircuitBreaker.h"

#include <gtest/gtest.h>

using namespace mg::common;

TEST(CircuitBreakerTest, OpensAfterThresholdAndHalfOpensAfterReset) {
  ManualClock clock;
  CircuitBreaker cb(clock, 2, 1000);
  EXPECT_TRUE(cb.allowRequest());
  cb.recordFailure();
  EXPECT_EQ(cb.state(), CircuitBreaker::State::Closed);
  cb.recordFailure();
  EXPECT_EQ(cb.state(), CircuitBreaker::State::Open);
  EXPECT_FALSE(cb.allowRequest());
  clock.advance(1000);
  EXPECT_TRUE(cb.allowRequest());   // the one trial
  EXPECT_FALSE(cb.allowRequest());  // no second while it runs
  cb.recordFailure();
  EXPECT_EQ(cb.state(), CircuitBreaker::State::Open);
  clock.advance(1000);
  EXPECT_TRUE(cb.allowRequest());
  cb.recordSuccess();
  EXPECT_EQ(cb.state(), CircuitBreaker::State::Closed);
  EXPECT_EQ(cb.consecutiveFailures(), 0u);
}
