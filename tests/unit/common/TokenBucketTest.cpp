#include "common/TokenBucket.h"

#include <gtest/gtest.h>

using namespace mg::common;

TEST(TokenBucketTest, AllowsCapacityThenRefillsOverTime) {
  ManualClock clock;
  TokenBucket bucket(clock, 3, 60000);
  EXPECT_TRUE(bucket.tryTake());
  EXPECT_TRUE(bucket.tryTake());
  EXPECT_TRUE(bucket.tryTake());
  EXPECT_FALSE(bucket.tryTake());
  EXPECT_EQ(bucket.millisUntilNext(), 20000);
  clock.advance(19999);
  EXPECT_FALSE(bucket.tryTake());
  clock.advance(1);
  EXPECT_TRUE(bucket.tryTake());
}
