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

TEST(HealthModelTest, NotConfiguredIsShownButDoesNotDegradeTheBox) {
  HealthModel m;
  m.add("store", [] { return CheckResult{State::Ok, "ok"}; });
  m.add("backup", [] { return CheckResult{State::NotConfigured, "not configured"}; });
  const auto r = m.evaluate();
  EXPECT_EQ(r.overall, State::Ok);
  ASSERT_NE(r.find("backup"), nullptr);
  EXPECT_EQ(toString(r.find("backup")->state), "not_configured");
}

TEST(HealthModelTest, StalledListsEveryFailingLivenessTestByName) {
  HealthModel m;
  std::string smtp;
  m.addLiveness("smtp", [&] { return smtp; });
  m.addLiveness("store", []() -> std::string { throw std::runtime_error("probe threw"); });
  EXPECT_EQ(m.stalled(), std::vector<std::string>{"store: probe threw"});
  smtp = "the SMTP accept loop has made no progress for 12 s";
  EXPECT_EQ(m.stalled(), (std::vector<std::string>{"smtp: the SMTP accept loop has made no progress for 12 s",
                                                   "store: probe threw"}));
}

TEST(HealthModelTest, ProgressWithinSaysHowLongNothingMoved) {
  EXPECT_EQ(progressWithin("the loop", 1000, 11'000, 10'000), "");
  EXPECT_EQ(progressWithin("the loop", 1000, 13'500, 10'000), "the loop has made no progress for 12 s");
}
