#include "led/LedPattern.h"

#include <gtest/gtest.h>

using namespace mg::led;

namespace {
int onCount(const std::vector<LedStep>& p) {
  int n = 0;
  for (const auto& s : p) n += s.on;
  return n;
}
}  // namespace

TEST(LedPatternTest, EachStateHasItsOwnShape) {
  // ok: one short pulse, a long pause.
  const auto& ok = patternFor(LedState::Ok);
  ASSERT_EQ(ok.size(), 2u);
  EXPECT_TRUE(ok[0].on);
  EXPECT_GT(ok[1].millis, 4 * ok[0].millis);
  // degraded: two pulses close together, then a long pause.
  const auto& degraded = patternFor(LedState::Degraded);
  EXPECT_EQ(onCount(degraded), 2);
  ASSERT_EQ(degraded.size(), 4u);
  EXPECT_LT(degraded[1].millis, 3 * degraded[0].millis);
  EXPECT_GT(degraded[3].millis, 4 * degraded[2].millis);
  // failed: fast, even blinking.
  const auto& failed = patternFor(LedState::Failed);
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].millis, failed[1].millis);
  EXPECT_LE(failed[0].millis + failed[1].millis, 250);
  // absent: on, held.
  const auto& absent = patternFor(LedState::Absent);
  ASSERT_EQ(absent.size(), 1u);
  EXPECT_TRUE(absent[0].on);
  EXPECT_EQ(absent[0].millis, 0);
}

TEST(LedPatternTest, UnknownHealthCountsAsFailed) {
  EXPECT_EQ(stateFromHealth("ok"), LedState::Ok);
  EXPECT_EQ(stateFromHealth("degraded"), LedState::Degraded);
  EXPECT_EQ(stateFromHealth("failed"), LedState::Failed);
  EXPECT_EQ(stateFromHealth("on fire"), LedState::Failed);
}
