#include "common/Backoff.h"

#include <gtest/gtest.h>

using mg::common::Backoff;

TEST(BackoffTest, DoublesUpToTheCapWithJitterInTheUpperHalf) {
  Backoff b(1000, 8000, 42);
  EXPECT_EQ(b.ceilingMillis(0), 1000);
  EXPECT_EQ(b.ceilingMillis(1), 2000);
  EXPECT_EQ(b.ceilingMillis(3), 8000);
  EXPECT_EQ(b.ceilingMillis(30), 8000);
  for (unsigned a = 0; a < 6; ++a) {
    const auto d = b.delayMillis(a);
    EXPECT_GE(d, b.ceilingMillis(a) / 2);
    EXPECT_LE(d, b.ceilingMillis(a));
  }
}
