#include "common/AttemptLimiter.h"

#include <gtest/gtest.h>

#include <thread>

namespace mg::common {
namespace {

TEST(AttemptLimiterTest, LocksAKeyAfterMaxFailuresUntilTheWindowEnds) {
  ManualClock clock;
  AttemptLimiter limiter(clock, 3, 60);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.lockedFor("user:a"), 0);
    limiter.recordFailure("user:a");
  }
  EXPECT_EQ(limiter.lockedFor("user:a"), 60);
  EXPECT_EQ(limiter.lockedFor("user:b"), 0);  // keys are apart
  clock.advance(59'500);
  EXPECT_EQ(limiter.lockedFor("user:a"), 1);
  clock.advance(500);
  EXPECT_EQ(limiter.lockedFor("user:a"), 0);
}

TEST(AttemptLimiterTest, SuccessForgetsEarlierFailures) {
  ManualClock clock;
  AttemptLimiter limiter(clock, 2, 60);
  limiter.recordFailure("k");
  limiter.recordSuccess("k");
  limiter.recordFailure("k");
  EXPECT_EQ(limiter.lockedFor("k"), 0);
  limiter.recordFailure("k");
  EXPECT_GT(limiter.lockedFor("k"), 0);
}

TEST(AttemptLimiterTest, TracksAtMostMaxKeys) {
  ManualClock clock;
  AttemptLimiter limiter(clock, 1, 60, 2);
  limiter.recordFailure("a");
  clock.advance(1);
  limiter.recordFailure("b");
  clock.advance(1);
  limiter.recordFailure("c");  // "a", the oldest window, makes room
  EXPECT_EQ(limiter.lockedFor("a"), 0);
  EXPECT_GT(limiter.lockedFor("b"), 0);
  EXPECT_GT(limiter.lockedFor("c"), 0);
}

TEST(WorkSlotsTest, ASecondCallerWaitsForTheSlot) {
  WorkSlots slots(1);
  ASSERT_TRUE(slots.acquire(0));
  EXPECT_FALSE(slots.acquire(0));  // taken: no wait allowed, no slot
  std::thread releaser([&] { slots.release(); });
  EXPECT_TRUE(slots.acquire(60'000));  // returns as soon as the other thread gives it back
  releaser.join();
  slots.release();
}

}  // namespace
}  // namespace mg::common
