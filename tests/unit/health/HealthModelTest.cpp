#include "health/HealthModel.h"

#include <stdexcept>

#include <gtest/gtest.h>

using namespace mg::health;

TEST(HealthModelTest, WorstCheckDecidesAndNamesTheReason) {
  HealthModel m;
  m.add("store", [] { return CheckResult{State::Ok, "ok"}; });
  EXPECT_EQ(m.evaluate().overall, State::Ok);
  m.add("disk", [] { return CheckResult{State::Degraded, "90 MB free"}; });
  auto r = m.evaluate();
  EXPECT_EQ(r.overall, State::Degraded);
  EXPECT_EQ(r.reason, "disk: 90 MB free");
  m.add("smtp", []() -> CheckResult { throw std::runtime_error("listener gone"); });
  r = m.evaluate();
  EXPECT_EQ(r.overall, State::Failed);
  EXPECT_EQ(r.reason, "smtp: listener gone");
  EXPECT_EQ(r.checks.size(), 3u);
}
