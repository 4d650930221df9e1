#include "health/HealthMonitor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

using namespace mg::health;

namespace {
struct Box {
  std::mutex mu;
  State upstream = State::Ok;
  std::string upstreamDetail = "all relays up";
  unsigned held = 0;
};
}  // namespace

TEST(HealthMonitorTest, SummaryIsTheOneLineOfTheStatus) {
  HealthSnapshot s;
  s.held = 3;
  s.watchersOnline = 2;
  s.watchersTotal = 2;
  s.relay = "relay ok";
  EXPECT_EQ(s.summary(), "3 held \xC2\xB7 2/2 watchers online \xC2\xB7 relay ok");
  s.health = State::Degraded;
  s.reason = "disk: 90 MiB free";
  s.watchersTotal = 0;
  EXPECT_EQ(s.summary(), "3 held \xC2\xB7 no watchers \xC2\xB7 relay ok \xC2\xB7 degraded: disk: 90 MiB free");
}

TEST(HealthMonitorTest, FollowersHearTheFirstSnapshotAndEachChangeOnly) {
  auto model = std::make_shared<HealthModel>();
  Box box;
  model->add("upstream", [&box] {
    std::lock_guard<std::mutex> lock(box.mu);
    return CheckResult{box.upstream, box.upstreamDetail};
  });
  mg::common::ManualClock clock;
  HealthMonitor monitor(model, [&box] {
    std::lock_guard<std::mutex> lock(box.mu);
    return HealthFacts{box.held, 1, 1};
  }, clock, 10);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<HealthSnapshot> heard;
  monitor.follow([&](const HealthSnapshot& now, const HealthSnapshot&) {
    std::lock_guard<std::mutex> lock(mu);
    heard.push_back(now);
    cv.notify_all();
  });
  monitor.start();
  const auto waitHeard = [&](size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return heard.size() >= n; });
  };
  ASSERT_TRUE(waitHeard(1));
  EXPECT_EQ(heard[0].relay, "relay ok");
  EXPECT_EQ(heard[0].health, State::Ok);

  {
    std::lock_guard<std::mutex> lock(box.mu);
    box.upstream = State::Degraded;
    box.upstreamDetail = "every relay is down: p1: refused";
  }
  monitor.refresh();
  ASSERT_TRUE(waitHeard(2));
  EXPECT_EQ(heard[1].health, State::Degraded);
  EXPECT_EQ(heard[1].reason, "upstream: every relay is down: p1: refused");
  EXPECT_EQ(heard[1].relay, "relay down");

  {
    std::lock_guard<std::mutex> lock(box.mu);
    box.held = 4;
  }
  ASSERT_TRUE(waitHeard(3));  // found by the periodic evaluation, no refresh asked
  EXPECT_EQ(heard[2].held, 4u);
  monitor.stop();
  // Evaluations that changed nothing told nobody: exactly the three changes were heard.
  EXPECT_EQ(heard.size(), 3u);
  EXPECT_EQ(monitor.current().held, 4u);
}

TEST(HealthMonitorTest, LivenessFailsWhenEvaluationsStop) {
  auto model = std::make_shared<HealthModel>();
  mg::common::ManualClock clock;
  HealthMonitor monitor(model, {}, clock, 1000);
  monitor.start();
  monitor.stop();  // evaluated once, then no more
  EXPECT_EQ(monitor.liveness(), "");
  clock.advance(15'000);
  EXPECT_EQ(monitor.liveness(), "");
  clock.advance(2'000);
  EXPECT_EQ(monitor.liveness(), "the health evaluation (store write probe included) has made no progress for 17 s");
}
