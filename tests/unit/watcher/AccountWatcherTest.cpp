// The watcher's failure path without a server: a pool whose connects fail drives it through
// backoff into circuit_open, with the watcher_offline notification and metrics; stop() ends it.
#include "watcher/AccountWatcher.h"

#include <gtest/gtest.h>

#include <thread>

#include "TempDir.h"
#include "common/Metrics.h"
#include "store/NotificationRepository.h"

namespace mg::watcher {
namespace {

using ClientResult = common::Result<std::unique_ptr<imap::ImapClient>>;

bool waitFor(const std::function<bool()>& cond, int ms = 5000) {
  for (int i = 0; i < ms / 10; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

TEST(AccountWatcherTest, StateNamesAreTheContractsSpelling) {
  EXPECT_STREQ(toString(WatcherState::Online), "online");
  EXPECT_STREQ(toString(WatcherState::Connecting), "connecting");
  EXPECT_STREQ(toString(WatcherState::Backoff), "backoff");
  EXPECT_STREQ(toString(WatcherState::CircuitOpen), "circuit_open");
  EXPECT_STREQ(toString(WatcherState::Stopped), "stopped");
}

TEST(AccountWatcherTest, RepeatedFailuresOpenTheCircuitAndNotifyOnce) {
  test::TempDir dir;
  auto db = store::Database::open(dir.file("mailgate.db"));
  ASSERT_TRUE(db.ok()) << db.errorMessage();
  auto notifications = std::make_shared<store::NotificationRepository>(db.value());
  auto notifier = std::make_shared<quarantine::Notifier>(notifications, common::SystemClock::instance());
  auto pool = std::make_shared<ConnectionPool>(
      "unit-down", [] { return ClientResult::error("connecting to 127.0.0.1:1: Connection refused"); }, ConnectionPool::Options{});
  WatchedAccount account;
  account.id = 7;
  account.name = "unit-down";
  WatcherOptions o;
  o.failureThreshold = 3;
  o.backoffBaseMillis = 5;
  o.backoffMaxMillis = 20;
  o.circuitResetMillis = 60'000;
  ScanDeps deps;  // never reached: no connection succeeds
  AccountWatcher w(account, pool, deps, notifier, o);
  w.start();
  ASSERT_TRUE(waitFor([&] { return w.state() == WatcherState::CircuitOpen; })) << toString(w.state());
  const auto s = w.status();
  EXPECT_EQ(s.state, "circuit_open");
  EXPECT_EQ(s.consecutiveFailures, 3u);
  EXPECT_NE(s.lastError.find("Connection refused"), std::string::npos);
  auto& m = common::Metrics::global();
  EXPECT_EQ(m.value("mailgate_watcher_circuit_open", {{"account", "unit-down"}}), 1.0);
  EXPECT_EQ(m.value("mailgate_watcher_up", {{"account", "unit-down"}}), 0.0);
  EXPECT_EQ(m.value("mailgate_watcher_failures_total", {{"account", "unit-down"}}), 3.0);
  auto offline = [&] {
    int n = 0;
    for (const auto& x : notifications->list(false, 50).value()) n += x.type == "watcher_offline" ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(waitFor([&] { return offline() >= 1; }));  // told after the state changes
  w.stop();  // joins the watcher's thread: whatever it was going to notify, it has
  EXPECT_EQ(w.status().state, "stopped");
  EXPECT_EQ(offline(), 1);
}

}  // namespace
}  // namespace mg::watcher
