#include "web/ApiContext.h"

#include <gtest/gtest.h>

using namespace mg;

TEST(RateLimiterTest, PerCallerBucketsWithRetryAfterSeconds) {
  common::ManualClock clock;
  web::RateLimiter limiter(clock, 2);
  EXPECT_EQ(limiter.check("alice"), 0);
  EXPECT_EQ(limiter.check("alice"), 0);
  EXPECT_EQ(limiter.check("alice"), 30);  // 2 per minute: the next token in 30 s
  EXPECT_EQ(limiter.check("bob"), 0);     // another caller has its own bucket
  clock.advance(30'000);
  EXPECT_EQ(limiter.check("alice"), 0);
}
