// The pool's bookkeeping without a server: clients that never connected stand in for dead
// connections (reuse, NOOP checks and hit counting are proven against Dovecot in
// tests/integration/watcher).
#include "watcher/ConnectionPool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/Metrics.h"

namespace mg::watcher {
namespace {

using ClientResult = common::Result<std::unique_ptr<imap::ImapClient>>;

struct CountingFactory {
  std::shared_ptr<std::atomic<int>> made = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::atomic<bool>> failing = std::make_shared<std::atomic<bool>>(false);
  ConnectionPool::Factory factory() {
    auto m = made;
    auto f = failing;
    return [m, f]() -> ClientResult {
      if (f->load()) return ClientResult::error("connecting to 127.0.0.1:1: Connection refused");
      ++*m;
      return std::make_unique<imap::ImapClient>(imap::ClientOptions{});
    };
  }
};

ConnectionPool::Options smallPool(unsigned max) {
  ConnectionPool::Options o;
  o.maxConnections = max;
  o.waitMillis = 100;
  return o;
}

TEST(ConnectionPoolTest, NeverOpensMoreThanTheMaximum) {
  CountingFactory f;
  common::ManualClock clock;
  ConnectionPool pool("acct-max", f.factory(), smallPool(2), clock);
  auto a = pool.acquire();
  auto b = pool.acquire();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(pool.size(), 2u);
  auto c = pool.acquire();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.errorMessage().find("all 2 IMAP connections are busy"), std::string::npos) << c.errorMessage();
  EXPECT_EQ(*f.made, 2);
  EXPECT_EQ(common::Metrics::global().value("mailgate_imap_pool_connections", {{"account", "acct-max"}}), 2.0);
}

TEST(ConnectionPoolTest, AWaiterGetsTheSlotOfAReturnedLease) {
  CountingFactory f;
  common::ManualClock clock;
  auto opts = smallPool(1);
  opts.waitMillis = 600'000;  // only the returned lease can end the wait before ctest gives up
  ConnectionPool pool("acct-wait", f.factory(), opts, clock);
  auto a = pool.acquire();
  ASSERT_TRUE(a.ok());
  std::thread t([&] {
    while (pool.waiters() == 0) std::this_thread::yield();  // the acquire() below is waiting
    a = common::Result<ConnectionPool::Lease>::error("given back");  // destroys the lease
  });
  auto b = pool.acquire();
  t.join();
  EXPECT_TRUE(b.ok()) << b.errorMessage();
  EXPECT_EQ(pool.size(), 1u);
}

TEST(ConnectionPoolTest, DeadConnectionsAreReplacedNotReused) {
  CountingFactory f;
  common::ManualClock clock;
  ConnectionPool pool("acct-dead", f.factory(), smallPool(2), clock);
  const double missesBefore = common::Metrics::global().value("mailgate_imap_pool_misses_total");
  { auto a = pool.acquire(); ASSERT_TRUE(a.ok()); }  // returned unconnected: dropped
  EXPECT_EQ(pool.size(), 0u);
  { auto b = pool.acquire(); ASSERT_TRUE(b.ok()); }
  EXPECT_EQ(*f.made, 2);
  EXPECT_EQ(common::Metrics::global().value("mailgate_imap_pool_misses_total") - missesBefore, 2.0);
}

TEST(ConnectionPoolTest, AFailedConnectFreesItsSlot) {
  CountingFactory f;
  common::ManualClock clock;
  ConnectionPool pool("acct-fail", f.factory(), smallPool(1), clock);
  *f.failing = true;
  auto a = pool.acquire();
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.errorMessage().find("Connection refused"), std::string::npos);
  EXPECT_EQ(pool.size(), 0u);
  *f.failing = false;
  EXPECT_TRUE(pool.acquire().ok());
}

TEST(ConnectionPoolTest, ShutdownRefusesNewLoans) {
  CountingFactory f;
  common::ManualClock clock;
  ConnectionPool pool("acct-shut", f.factory(), smallPool(2), clock);
  pool.shutdown();
  auto a = pool.acquire();
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.errorMessage().find("shut down"), std::string::npos);
}

TEST(ConnectionPoolTest, DiscardedLeaseClosesItsConnection) {
  CountingFactory f;
  common::ManualClock clock;
  ConnectionPool pool("acct-discard", f.factory(), smallPool(2), clock);
  auto a = pool.acquire();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(pool.size(), 1u);
  a->discard();
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.idleCount(), 0u);
}

}  // namespace
}  // namespace mg::watcher
