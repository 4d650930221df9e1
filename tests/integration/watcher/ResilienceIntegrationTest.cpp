// The watcher when the server goes away and comes back, IDLE renewal, and a clean shutdown.
#include <fstream>
#include <sstream>
#include <thread>

#include "WatcherHarness.h"
#include "common/Metrics.h"

namespace mg::watcher::test {
namespace {

class ResilienceTest : public WatcherTest {};

TEST_P(ResilienceTest, ServerRestartGoesToBackoffThenBackOnlineWithoutLossOrDuplicates) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(appendToInbox("before " + std::to_string(i), uniqueId("before")).ok());
  ASSERT_TRUE(waitForHeld(3));
  server_->stop();
  ASSERT_TRUE(waitFor([&] { const auto s = state(id); return s == "backoff" || s == "circuit_open"; }, 10'000)) << state(id);
  // Three failures in a row (the test's threshold) open the circuit: notified once.
  ASSERT_TRUE(waitFor([&] { return state(id) == "circuit_open"; }, 10'000)) << state(id);
  EXPECT_EQ(common::Metrics::global().value("mailgate_watcher_circuit_open", {{"account", "work"}}), 1.0);
  EXPECT_EQ(notificationsOfType("watcher_offline"), 1);
  bool sawError = false;
  for (const auto& w : pool_->watchers()) sawError = sawError || (w.accountId == id && !w.lastError.empty() && w.consecutiveFailures >= 3);
  EXPECT_TRUE(sawError);
  server_->start();
  ASSERT_TRUE(waitOnline(id, 15'000)) << state(id) << "\n" << capturedLog();  // half-open trial succeeds
  EXPECT_EQ(common::Metrics::global().value("mailgate_watcher_circuit_open", {{"account", "work"}}), 0.0);
  uint32_t lastUid = 0;
  for (int i = 0; i < 3; ++i) {
    auto a = appendToInbox("after " + std::to_string(i), uniqueId("after"));
    ASSERT_TRUE(a.ok());
    lastUid = a->uid;
  }
  ASSERT_TRUE(waitForHeld(6)) << capturedLog();
  ASSERT_TRUE(waitScannedPast(id, lastUid)) << capturedLog();  // recorded and moved, all of them
  EXPECT_EQ(messages().size(), 6u);  // each exactly once
  EXPECT_EQ(count("INBOX"), 0u);
  EXPECT_EQ(count(quarantineName()), 6u);
}

TEST_P(ResilienceTest, IdleIsRenewedAndHeartbeatsAdvance) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  int64_t first = 0;
  for (const auto& w : pool_->watchers()) {
    if (w.accountId == id) {
      first = w.lastHeartbeat;
      EXPECT_TRUE(w.idle);
    }
  }
  // idle_renew_seconds = 3: the IDLE ends quietly, is re-entered, and the heartbeat moves.
  auto heartbeat = [&] {
    int64_t h = 0;
    for (const auto& w : pool_->watchers()) {
      if (w.accountId == id) h = w.lastHeartbeat;
    }
    return h;
  };
  EXPECT_TRUE(waitFor([&] { return heartbeat() > first; }, 20'000)) << capturedLog();
  EXPECT_EQ(state(id), "online");
  ASSERT_TRUE(appendToInbox("after renewal", uniqueId("renew")).ok());
  ASSERT_TRUE(waitForHeld(1));
}

TEST_P(ResilienceTest, StopEndsIdleAndLogsOut) {
  const int64_t id = addAccount("all");
  startWatchers();
  ASSERT_TRUE(waitOnline(id));
  pool_->stop();
  EXPECT_EQ(state(id), "none");
  ASSERT_TRUE(waitFor([&] { return server_->log().find("Logged out") != std::string::npos; }, 3000)) << server_->log();
  EXPECT_EQ(server_->log().find("Disconnected in IDLE"), std::string::npos) << server_->log();
}

INSTANTIATE_TEST_SUITE_P(Slash, ResilienceTest, ::testing::Values(NamespaceLayout::SlashNoPrefix), layoutName);

}  // namespace
}  // namespace mg::watcher::test
